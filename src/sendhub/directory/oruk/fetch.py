"""Fetching an ORUK import's records: from a feed URL (following its pages, within ``FeedLimits``) or from a
JSON file or folder; each document's kind from the URL, the file name or the record's keys."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sendhub.directory.oruk.records import (
    NESTED_SERVICE_KEYS,
    ORGANIZATION,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    ImportFailed,
    Record,
)

FETCH_TIMEOUT = 30  # seconds for one connection or read; the whole import has FeedLimits.max_seconds


@dataclass(frozen=True)
class FeedLimits:
    """How much of a feed one import reads before it stops (``sendhub oruk import --max-...``). A Local Offer's
    feed is a few thousand services: these are far above that, and low enough that a broken or hostile feed
    cannot fill the memory or run forever."""

    max_response_bytes: int = 20 * 1024 * 1024  # one page or one service
    max_total_bytes: int = 500 * 1024 * 1024  # everything, held in memory until it is validated
    max_seconds: float = 30 * 60
    max_pages: int = 2_000


class FeedRefused(ImportFailed):
    """The feed went past one of the limits, or repeated a page; nothing was imported."""

    def __init__(self, message: str):
        super().__init__([f"{message} Nothing was imported."])


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would also follow one to ftp."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirected to a non-http(s) address: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class FeedFetcher:
    """GET JSON documents over http(s) within ``limits``: each response is read in chunks and refused once it
    passes ``max_response_bytes``; all of them together within ``max_total_bytes`` and ``max_seconds``."""

    CHUNK = 64 * 1024

    def __init__(self, limits: FeedLimits | None = None, timeout: float = FETCH_TIMEOUT) -> None:
        self.limits = limits or FeedLimits()
        self.timeout = timeout
        self.started = time.monotonic()
        self.total_bytes = 0
        self.opener = urllib.request.build_opener(_HttpRedirectsOnly)

    def remaining_seconds(self, url: str) -> float:
        remaining = self.limits.max_seconds - (time.monotonic() - self.started)
        if remaining <= 0:
            raise FeedRefused(
                f"{url}: the import has run for more than {self.limits.max_seconds:,.0f} seconds (--max-seconds), "
                "so it stopped."
            )
        return remaining

    def __call__(self, url: str) -> Any:
        try:
            return json.loads(self.read(url).decode("utf-8"))
        except RecursionError:
            raise ValueError(f"{url}: the JSON is nested too deeply to be HSDS") from None

    def read(self, url: str) -> bytes:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"Not an http(s) URL: {url}")
        headers = {"Accept": "application/json", "User-Agent": "SEND Hub ORUK import"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
        timeout = min(self.timeout, self.remaining_seconds(url))
        with self.opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.limits.max_response_bytes:
                raise self._too_big(url)
            chunks, size = [], 0
            while True:
                self.remaining_seconds(url)
                # read1: what has arrived (at most one read of the socket), so a feed that drips its bytes
                # is stopped by the time limit rather than waited on until a whole chunk has come.
                chunk = response.read1(self.CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                self.total_bytes += len(chunk)
                if size > self.limits.max_response_bytes:
                    raise self._too_big(url)
                if self.total_bytes > self.limits.max_total_bytes:
                    raise FeedRefused(
                        f"{url}: the feed has sent more than {_megabytes(self.limits.max_total_bytes)} in all "
                        "(--max-total-mb), so the import stopped."
                    )
                chunks.append(chunk)

    def _too_big(self, url: str) -> FeedRefused:
        return FeedRefused(
            f"{url}: the response is larger than {_megabytes(self.limits.max_response_bytes)} "
            "(--max-response-mb), so it was not read."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def fetch_json(url: str, timeout: float = FETCH_TIMEOUT) -> Any:
    """GET one JSON document over http(s), within the default limits."""
    return FeedFetcher(timeout=timeout)(url)


def _hint(name: str) -> str | None:
    name = name.lower()
    for prefix, kind in (
        ("service_at_location", SERVICE_AT_LOCATION),
        ("service", SERVICE),
        ("organization", ORGANIZATION),
        ("organisation", ORGANIZATION),
        ("taxonomy_term", TAXONOMY_TERM),
        ("taxonom", TAXONOMY),
    ):
        if name.startswith(prefix):
            return kind
    return None


def _detect(data: dict[str, Any]) -> str | None:
    if "status" in data:
        return SERVICE
    if "location" in data or ("location_id" in data and "service_id" in data):
        return SERVICE_AT_LOCATION
    if "taxonomy_terms" in data or "version" in data:
        return TAXONOMY
    if any(k in data for k in ("organization_identifiers", "services", "website", "logo", "parent_organization_id")):
        return ORGANIZATION
    if any(k in data for k in ("term", "term_uri", "taxonomy", "taxonomy_id", "parent_id", "code")):
        return TAXONOMY_TERM
    return None


def records_in(document: Any, source: str, hint: str | None) -> Iterable[Record | str]:
    """The records of one JSON document; a string for something that is not a record."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = [(f"$.contents[{n}]", item) for n, item in enumerate(document["contents"])]
    elif isinstance(document, list):
        items = [(f"$[{n}]", item) for n, item in enumerate(document)]
    else:
        items = [("$", document)]
    for path, item in items:
        if not isinstance(item, dict):
            yield f"{source} {path}: not a JSON object"
            continue
        kind = hint or _detect(item)
        if kind is None:
            yield f"{source} {path}: cannot tell what kind of ORUK record this is (name the file after it)"
            continue
        yield Record(kind, item, f"{source} {path}")


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(params)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _page_ids(document: dict[str, Any]) -> tuple[str, ...] | None:
    """The ids of a list page's records in order; None when some record has none (nothing to compare by)."""
    items = document["contents"]
    if not items or not all(isinstance(item, dict) and item.get("id") for item in items):
        return None
    return tuple(str(item["id"]) for item in items)


def _digest(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def read_url(
    url: str, fetch: Callable[[str], Any] | None = None, limits: FeedLimits | None = None
) -> list[Record | str]:
    """Every record of a feed, following its pages. For ``/services`` we ask for ``full=true`` and fetch
    ``/services/{id}`` for any service the list gives without its nested data.

    Stops with :class:`FeedRefused` past ``limits`` (pages here; size and time in the fetcher) and when a page
    repeats an earlier one (the same records, or the same document): a feed that ignores ``page`` would
    otherwise be read until the page limit."""
    limits = limits or FeedLimits()
    fetch = fetch or FeedFetcher(limits)
    parts = urllib.parse.urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    hint = _hint(segment)
    if segment == "services" and "full" not in urllib.parse.parse_qs(parts.query):
        url = _with_query(url, full="true")
    found: list[Record | str] = []
    seen: dict[tuple[str, object], int] = {}  # each page's digest and record ids -> the page first seen with them
    page_url: str | None = url
    pages = 0
    while page_url is not None:
        if pages >= limits.max_pages:
            raise FeedRefused(f"{url}: the feed has more than {limits.max_pages:,} pages (--max-pages), so it stopped.")
        document = fetch(page_url)
        pages += 1
        listed = isinstance(document, dict) and isinstance(document.get("contents"), list)
        keys: list[tuple[str, object]] = [("document", _digest(document))]
        ids = _page_ids(document) if listed else None
        if ids:
            keys.append(("records", ids))
        for key in keys:
            if key in seen:
                raise FeedRefused(
                    f"{page_url}: page {pages} repeats page {seen[key]} (the same {key[0]}): the feed does not move "
                    "on to its next page, so the import stopped."
                )
        seen.update((key, pages) for key in keys)
        found.extend(records_in(document, page_url, hint))
        page_url = None
        if listed:
            number, total = document.get("page_number"), document.get("total_pages")
            if (
                isinstance(number, int)
                and isinstance(total, int)
                and number < total
                and not document.get("last_page")
                and document["contents"]
            ):
                page_url = _with_query(url, page=str(number + 1))
    if segment == "services":
        base = url.split("?", 1)[0].rstrip("/")
        for n, item in enumerate(found):
            if isinstance(item, Record) and not any(k in item.data for k in NESTED_SERVICE_KEYS):
                detail_url = f"{base}/{urllib.parse.quote(str(item.data.get('id', '')))}"
                found[n] = Record(SERVICE, fetch(detail_url), detail_url + " $")
    return found


def read_path(path: Path) -> list[Record | str]:
    files = sorted(p for p in path.rglob("*.json") if p.is_file()) if path.is_dir() else [path]
    found: list[Record | str] = []
    for file in files:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            found.append(f"{file}: not readable JSON ({error})")
            continue
        except RecursionError:
            found.append(f"{file}: not readable JSON (nested too deeply to be HSDS)")
            continue
        found.extend(records_in(document, str(file), _hint(file.name)))
    return found


def read_source(
    source: str, fetch: Callable[[str], Any] | None = None, limits: FeedLimits | None = None
) -> list[Record | str]:
    if source.startswith(("http://", "https://")):
        return read_url(source, fetch, limits)
    path = Path(source)
    if not path.exists():
        return [f"{source}: no such file or folder"]
    return read_path(path)
