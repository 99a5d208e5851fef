"""Writing the search index: ``Service.search_text`` and its word rows (``ServiceWord``).

``search_text`` is ``" <name words> | <description, eligibility, term names and codes> "`` and ``ServiceWord``
holds the same words one row each (with the listing's area, and ``in_name`` when the listing's name has it): an
inverted index. ``index_service`` writes both (call it after saving a service or its terms); ``reindex``
rewrites many."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from sendhub.directory.models import Attribute, Service, ServiceWord, TaxonomyTerm
from sendhub.directory.search.filters import clear_term_words
from sendhub.directory.search.spelling import VOCAB_KEY
from sendhub.directory.search.text import listing_words, search_text_of, term_text

WORD_BATCH = 5000


def word_rows(service_id, area_id, name_words: Iterable[str], other_words: Iterable[str]) -> list[ServiceWord]:
    """The ``ServiceWord`` rows of one listing: a row per distinct word, ``in_name`` if its name has it."""
    in_name: dict[str, bool] = {}
    for word in other_words:
        in_name.setdefault(word[: ServiceWord.MAX_LENGTH], False)
    for word in name_words:
        in_name[word[: ServiceWord.MAX_LENGTH]] = True
    return [
        ServiceWord(service_id=service_id, area_id=area_id, word=word, in_name=flag) for word, flag in in_name.items()
    ]


def service_words(name: str, terms: str, description: str, eligibility: str) -> tuple[list[str], list[str]]:
    """(name words, other words) of a listing: its name, then its description, eligibility and term words."""
    return listing_words(name, description, eligibility, terms)


def index_service(service: Service, save: bool = True) -> str:
    """Fill ``service.search_text`` and its words (``ServiceWord``) from its name, description, eligibility and
    linked terms. Saves with an ``update`` (no history row, no last_modified change). Call it after a service or
    its attributes change."""
    names = list(
        TaxonomyTerm.objects.filter(
            id__in=Attribute.objects.filter(link_type="service", link_id=service.pk).values("taxonomy_term_id")
        ).values_list("name", "code")
    )
    name_words, other = service_words(
        service.name, term_text(names), service.description, service.eligibility_description
    )
    service.search_text = search_text_of(name_words, other)
    if save and service.pk:
        # One transaction: a search never sees the listing half indexed.
        with transaction.atomic():
            Service.objects.filter(pk=service.pk).update(search_text=service.search_text)
            ServiceWord.objects.filter(service_id=service.pk).delete()
            ServiceWord.objects.bulk_create(word_rows(service.pk, service.area_id, name_words, other))
    return service.search_text


def reindex(area=None, batch: int = 2000) -> int:
    """Refill ``search_text`` and the word index for every service (of one area). Returns how many were indexed."""
    services = Service.objects.all() if area is None else Service.objects.filter(area=area)
    term_names = {
        pk: term_text([(name, code)]) for pk, name, code in TaxonomyTerm.objects.values_list("id", "name", "code")
    }
    done = 0
    ids = list(services.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk_ids = ids[start : start + batch]
        with transaction.atomic():
            chunk = list(
                Service.objects.filter(pk__in=chunk_ids).only(
                    "id", "area_id", "name", "description", "eligibility_description", "search_text"
                )
            )
            links: dict = {}
            for link_id, term in Attribute.objects.filter(link_type="service", link_id__in=chunk_ids).values_list(
                "link_id", "taxonomy_term_id"
            ):
                links.setdefault(link_id, []).append(term_names.get(term, ""))
            rows: list[ServiceWord] = []
            for service in chunk:
                name_words, other = service_words(
                    service.name,
                    " ".join(links.get(service.pk, [])),
                    service.description,
                    service.eligibility_description,
                )
                service.search_text = search_text_of(name_words, other)
                rows.extend(word_rows(service.pk, service.area_id, name_words, other))
            Service.objects.bulk_update(chunk, ["search_text"], batch_size=500)
            ServiceWord.objects.filter(service_id__in=chunk_ids).delete()
            ServiceWord.objects.bulk_create(rows, batch_size=WORD_BATCH)
        done += len(chunk)
    cache.delete(VOCAB_KEY)
    clear_term_words()
    return done
