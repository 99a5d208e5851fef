"""Searching the Local Offer: keywords, filters and distance, the same on SQLite and PostgreSQL.

One module per job:

- ``text``: words of listings and queries, normalised alike (lower case, stop words, stemming, SEND synonyms);
- ``index``: writing ``Service.search_text`` and the word index (``ServiceWord``) from a listing;
- ``spelling``: query words to *concepts*, with close spellings from the indexed vocabulary;
- ``filters``: the SQL pieces (word matches, the relevance score, the type/need/age/free/day filters);
- ``ranking``: the order of the matches, ``search_services`` itself and the page's hits.

Call ``index_service`` after saving a service or its terms; ``reindex`` rewrites many.
"""

from sendhub.directory.search.filters import day_code
from sendhub.directory.search.index import index_service, reindex, word_rows
from sendhub.directory.search.ranking import Hit, SearchPage, search_services
from sendhub.directory.search.spelling import Concept, query_concepts, vocabulary
from sendhub.directory.search.text import build_search_text, listing_words, search_text_of, stem, words

__all__ = [
    "Concept",
    "Hit",
    "SearchPage",
    "build_search_text",
    "day_code",
    "index_service",
    "listing_words",
    "query_concepts",
    "reindex",
    "search_services",
    "search_text_of",
    "stem",
    "vocabulary",
    "word_rows",
    "words",
]
