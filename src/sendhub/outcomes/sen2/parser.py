"""Streaming parser for the SEN2 person-level XML.

``iter_sen2(stream)`` reads the file with ``lxml.etree.iterparse``, acting only on the end of each ``Header`` and
``Person`` element, and clears each person (and the siblings before it) once read, so memory stays constant
whatever the size of the file. It yields one ``Header`` and then a ``Person`` per person, as plain dataclasses
holding the raw text of each item: the validator checks them and the importer minimises them at once (raw
names, birth dates, postcodes, UPNs and ULNs live only in these short-lived objects). ``iter_sen2_elements`` is
the same stream with each person still an element, for the importer's fast path (``rows``), which reads it
without building these objects.

The parser is tolerant of element order, of optional items and of items it does not know (they are kept in
``items`` and ignored later), and strips any XML namespace. It refuses hostile or broken files with a
``Sen2FileError`` whose message says what is wrong in plain words:

- any DOCTYPE or entity declaration (SEN2 never has one; refusing it blocks entity-expansion and external-entity
  attacks): the parser also runs with ``resolve_entities=False, no_network=True, load_dtd=False,
  huge_tree=False``, so nothing is expanded or fetched even before the check;
- an empty file, malformed XML (with the line number), bytes that are not in the declared encoding, and a root
  element other than ``Message``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree

DOCTYPE_MESSAGE = (
    "The file contains a DOCTYPE/entity declaration, which SEN2 files never have; it was not read "
    "(this protects against XML entity attacks)"
)
EMPTY_MESSAGE = "The file is empty"
_SNIFF_BYTES = 64 * 1024


class Sen2FileError(Exception):
    """The file as a whole cannot be read as a SEN2 return (the message is safe to show to the user)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Header:
    """``Message/Header``: ``collection`` holds CollectionDetails items, ``source`` holds Source items."""

    collection: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class NamedPlan:
    items: dict[str, str]
    plan_details: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Assessment:
    items: dict[str, str]
    named_plans: list[NamedPlan] = field(default_factory=list)


@dataclass(slots=True)
class ActivePlans:
    items: dict[str, str]
    placements: list[dict[str, str]] = field(default_factory=list)
    needs: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Request:
    items: dict[str, str]
    assessments: list[Assessment] = field(default_factory=list)
    active_plans: list[ActivePlans] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    """One ``Person`` element: ``position`` is its 1-based place in the file; ``items`` its simple items."""

    position: int
    items: dict[str, str]
    requests: list[Request] = field(default_factory=list)


class HashingReader:
    """A read-only file wrapper that hashes (SHA-256) and counts the bytes as they are read.

    The first block is read ahead so the file can be refused before parsing when it is empty or declares a
    DOCTYPE in its prolog.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._sha = hashlib.sha256()
        self.size = 0
        self._head = self._read_raw(_SNIFF_BYTES)
        # SHA-256 of the first block: known before the file is read to the end (pseudonyms for persons without
        # an identifier are derived from it and their position).
        self.head_digest = hashlib.sha256(self._head).hexdigest()

    def _read_raw(self, size: int) -> bytes:
        data = self._stream.read(size)
        if isinstance(data, str):  # a text stream given by mistake
            data = data.encode("utf-8")
        if data:
            self._sha.update(data)
            self.size += len(data)
        return data or b""

    @property
    def head(self) -> bytes:
        return self._head

    @property
    def stream(self) -> BinaryIO:
        """The wrapped file (for its size; reading it directly would bypass the checksum)."""
        return self._stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._read_raw(-1), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._read_raw(-1 if size is None else size)

    def drain(self) -> None:
        """Read (and hash) whatever is left, so the checksum covers the whole file."""
        self._head = b""  # already hashed when it was read
        while self._read_raw(1 << 20):
            pass

    @property
    def checksum(self) -> str:
        return self._sha.hexdigest()


_NAMES: dict = {}


def _local(tag) -> str | None:
    """The element's name without any namespace; ``None`` for anything that is not an element."""
    try:
        return _NAMES[tag]
    except KeyError:
        pass
    except TypeError:  # unhashable: not an element tag
        return None
    name = (tag.rpartition("}")[2] if tag[:1] == "{" else tag) if isinstance(tag, str) else None
    if len(_NAMES) < 10_000:  # element names are few; a hostile file cannot grow this without bound
        _NAMES[tag] = name
    return name


def _leaves(element) -> dict[str, str]:
    """The simple items of ``element`` as {name: stripped text} (nested elements are ignored)."""
    names = _NAMES
    items: dict[str, str] = {}
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name is not None and not len(child):
            text = child.text
            items[name] = text.strip() if text else ""
    return items


# The parsers below are written out (not generic) because they run for every element of every person: the
# element names that hold other elements are dispatched; every other child is read as a simple item.


def _named_plan(element) -> NamedPlan:
    names = _NAMES
    items: dict[str, str] = {}
    details: list[dict[str, str]] = []
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name == "PlanDetail":
            details.append(_leaves(child))
        elif name is not None:
            text = child.text
            items[name] = text.strip() if text else ""
    return NamedPlan(items, details)


def _assessment(element) -> Assessment:
    names = _NAMES
    items: dict[str, str] = {}
    plans: list[NamedPlan] = []
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name == "NamedPlan":
            plans.append(_named_plan(child))
        elif name is not None:
            text = child.text
            items[name] = text.strip() if text else ""
    return Assessment(items, plans)


def _active_plans(element) -> ActivePlans:
    names = _NAMES
    items: dict[str, str] = {}
    placements: list[dict[str, str]] = []
    needs: list[dict[str, str]] = []
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name == "PlacementDetail":
            placements.append(_leaves(child))
        elif name == "SENneed":
            needs.append(_leaves(child))
        elif name is not None:
            text = child.text
            items[name] = text.strip() if text else ""
    return ActivePlans(items, placements, needs)


def _request(element) -> Request:
    names = _NAMES
    items: dict[str, str] = {}
    assessments: list[Assessment] = []
    active: list[ActivePlans] = []
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name == "Assessment":
            assessments.append(_assessment(child))
        elif name == "ActivePlans":
            active.append(_active_plans(child))
        elif name is not None:
            text = child.text
            items[name] = text.strip() if text else ""
    return Request(items, assessments, active)


def person_from_element(element, position: int) -> Person:
    names = _NAMES
    items: dict[str, str] = {}
    requests: list[Request] = []
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name == "Requests":
            requests.append(_request(child))
        elif name is not None:
            text = child.text
            items[name] = text.strip() if text else ""
    return Person(position, items, requests)


def _header_from_element(element) -> Header:
    header = Header()
    for child in element:
        name = _local(child.tag)
        if name == "CollectionDetails":
            header.collection.update(_leaves(child))
        elif name == "Source":
            header.source.update(_leaves(child))
    return header


def _check_head(head: bytes) -> None:
    if not head.strip():
        raise Sen2FileError(EMPTY_MESSAGE)
    # The prolog runs up to the first element; a DOCTYPE can only be there.
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise Sen2FileError(DOCTYPE_MESSAGE)


def _root_of(element):
    while (parent := element.getparent()) is not None:
        element = parent
    return element


def _check_root(root) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.system_url:
        raise Sen2FileError(DOCTYPE_MESSAGE)
    name = _local(root.tag)
    if name != "Message":
        raise Sen2FileError(f"The root element is '{name}', not 'Message': this is not a SEN2 return")


def _syntax_message(error: etree.XMLSyntaxError) -> Sen2FileError:
    text = str(error.msg or error)
    line = error.lineno or None
    lower = text.lower()
    if "document is empty" in lower:
        return Sen2FileError(EMPTY_MESSAGE)
    if "no element found" in lower:
        return Sen2FileError(
            "The file is not well-formed XML: it ends before the Message element is complete (it may be cut "
            "short, or use an undeclared entity such as &name;)",
            line,
        )
    if "encoding" in lower or "utf-8" in lower or "bytes:" in lower:
        return Sen2FileError(
            f"The file is not in the character encoding it declares (usually UTF-8): invalid bytes near line "
            f"{line}. Save or export it again as UTF-8.",
            line,
        )
    if "entity" in lower and ("not defined" in lower or "undeclared" in lower):
        return Sen2FileError(f"The file uses an undeclared XML entity at line {line}: {text}", line)
    detail = text.split(", line ")[0]
    return Sen2FileError(f"The file is not well-formed XML: {detail} (line {line})", line)


def iter_sen2(reader: HashingReader | BinaryIO) -> Iterator[Header | Person]:
    """Yield the ``Header`` then each ``Person`` of a SEN2 file, streaming; raises ``Sen2FileError``."""
    for item in iter_sen2_elements(reader):
        yield item if isinstance(item, Header) else person_from_element(item[1], item[0])


def iter_sen2_elements(reader: HashingReader | BinaryIO, first_position: int = 1) -> Iterator[Header | tuple[int, Any]]:
    """Like ``iter_sen2``, but each person comes as ``(position, Person element)``.

    The element is only valid until the next item is asked for: it is cleared then, to keep memory constant.
    ``first_position`` numbers the persons of a part of a file (``split``) as in the whole file.
    """
    if not isinstance(reader, HashingReader):
        reader = HashingReader(reader)
    _check_head(reader.head)
    context = etree.iterparse(
        reader,
        events=("end",),
        tag=("{*}Header", "{*}Person"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # Whitespace-only text between elements is dropped (about 15% faster to parse). An item's own text is
        # kept even when it is only spaces; where it is not (spaces before a comment), it reads as empty,
        # which is what the validator makes of spaces anyway (it strips every text).
        remove_blank_text=True,
    )
    position = first_position - 1
    checked = False
    try:
        for _event, element in context:
            if not checked:
                _check_root(_root_of(element))
                checked = True
            if _local(element.tag) == "Person":
                position += 1
                yield position, element
            else:
                if _local(element.getparent().tag if element.getparent() is not None else "") != "Message":
                    continue  # a Header somewhere else is not the message header
                yield _header_from_element(element)
            element.clear()
            # Drop the persons already read (their parent keeps references to them otherwise).
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise _syntax_message(error) from None
    root = context.root
    if root is None:
        raise Sen2FileError(EMPTY_MESSAGE)
    if not checked:
        _check_root(root)
