"""Streaming parser for the SEN2 person-level XML.

``iter_sen2(stream)`` feeds the file to lxml's pull parser a chunk at a time, acting only on the end of each
``Header`` and ``Person`` element, and clears each element once read (each person, the header, and anything
before a person), so memory stays constant whatever the size of the file. It yields one ``Header`` and then a
``Person`` per person, as plain dataclasses holding the raw text of each item: the validator checks them and the
importer minimises them at once (raw names, birth dates, postcodes, UPNs and ULNs live only in these short-lived
objects). ``iter_sen2_elements`` is the same stream with each person still an element, for the importer's fast
path (``rows``), which reads it without building these objects.

The parser is tolerant of element order, of optional items and of items it does not know (they are kept in
``items``; the validator reports each one that is not in the specification, ``spec``), and strips any XML
namespace. It refuses hostile or broken files with a
``Sen2FileError`` whose message says what is wrong in plain words:

- any DOCTYPE or entity declaration (SEN2 never has one; refusing it blocks entity-expansion and external-entity
  attacks): the parser also runs with ``resolve_entities=False, no_network=True, load_dtd=False,
  huge_tree=False``, so nothing is expanded or fetched even before the check;
- an empty file, malformed XML (with the line number), bytes that are not in the declared encoding, and a root
  element other than ``Message``;
- a file that is not shaped like a SEN2 return (``_Structure``), naming the element and its line: an element
  under ``Message`` other than ``Header``, ``Persons`` or ``Person``, more than ``MAX_OUTSIDE_ELEMENTS``
  elements outside the persons, a person of more than ``MAX_PERSON_ELEMENTS`` elements, or long runs of bytes
  without a person or a tag ending. Only whole chunks are held between these checks, so no file can make the
  parser hold more than a few megabytes (elements that are never cleared once cost a gigabyte for 24 MB).
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
    """``Message/Header``: ``collection`` holds CollectionDetails items, ``source`` holds Source items, ``other``
    any other element of the Header (reported by the validator)."""

    collection: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    other: dict[str, str] = field(default_factory=dict)


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
    """The simple items of ``element`` as {name: stripped text}. An element holding elements is kept as an empty
    item, so that the validator can report it when it is not in the specification (nothing is dropped silently)."""
    names = _NAMES
    items: dict[str, str] = {}
    for child in element:
        tag = child.tag
        name = names.get(tag) or _local(tag)
        if name is not None:
            text = child.text
            items[name] = text.strip() if text and not len(child) else ""
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
        elif name is not None:
            header.other[name] = (child.text or "").strip() if not len(child) else ""
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


# What a file may hold. Each limit is far above anything a real return has, and low enough that a file built of
# something else is refused long before it uses much memory (lxml holds an element in some 150 bytes, a few
# dozen times the bytes of a short tag: six million stray elements in 24 MB took a gigabyte).
CHUNK_BYTES = 64 * 1024  # fed to the parser at a time; everything is checked after each chunk
# Outside its persons a return has about fifteen elements: Message, Header with CollectionDetails and Source and
# their items, Persons. A thousand leaves room for any software's extras.
MAX_OUTSIDE_ELEMENTS = 1000
# A person has a few dozen elements (a few hundred with many requests and placements). Checked on the person being
# read when a chunk ends: one that starts and ends within a chunk is no bigger than the chunk anyway.
MAX_PERSON_ELEMENTS = 10_000
# A person is a few kilobytes: this much of the file without the end of one is something else (text between
# elements, which the counts above do not see, up to libxml2's 10 MB a text).
MAX_BYTES_BETWEEN_PERSONS = 16 << 20
# No tag or item is near this long: a longer run without a ">" is a start tag with countless attributes, which
# libxml2 holds (some 300 bytes each) until the tag ends.
MAX_RUN_BYTES = 1 << 20
# Under Message, a return has only these (Person directly under Message has always been read, so it still is).
TOP_LEVEL = frozenset({"Header", "Persons", "Person"})
_STRUCTURAL = frozenset({"Message", "Header", "CollectionDetails", "Source", "Persons"})
_HEADER_PARTS = frozenset({"CollectionDetails", "Source"})
# The only elements lxml reports (their end): the header and the persons.
_EVENT_TAGS = ("{*}Header", "{*}Person")
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    # Whitespace-only text between elements is dropped (about 15% faster to parse). An item's own text is kept
    # even when it is only spaces; where it is not (spaces before a comment), it reads as empty, which is what
    # the validator makes of spaces anyway (it strips every text).
    "remove_blank_text": True,
}


class _Structure:
    """Keeps a file to the shape of a SEN2 return while it is parsed, so memory stays flat whatever it holds.

    ``iter_sen2_elements`` drops each person once read, the header once read, and whatever else comes before a
    person; this counts what is dropped and, after each chunk, walks what is still held outside the persons (a
    handful of elements in a real return) and the person being read. It raises ``Sen2FileError`` naming the
    element and its line for an element under Message that has no place there, more than
    ``MAX_OUTSIDE_ELEMENTS`` elements outside persons, a person of more than ``MAX_PERSON_ELEMENTS`` elements,
    or too many bytes without a person ending or without a tag ending.
    """

    def __init__(self):
        self.root = None
        self.gone = 0  # elements outside persons already dropped or cleared
        self.stranger: tuple[str, int | None] | None = None  # the first element with no place in a SEN2 return
        self.last: tuple[str, int | None] = ("?", None)  # the element counted past the limit
        self.offset = 0  # bytes fed so far
        self.run = 0  # bytes since the last ">"
        self.since_person = 0  # bytes fed since the header or a person last ended

    def check_bytes(self, data: bytes) -> None:
        """Before ``data`` is parsed: the bytes since a person ended, and the longest run without a ">" (places
        are given as byte offsets: counting lines would cost a tenth of the parse)."""
        first = data.find(b">")
        if self.run + (len(data) if first == -1 else first) > MAX_RUN_BYTES:
            raise Sen2FileError(
                f"The file has more than {MAX_RUN_BYTES >> 20} MB without the end of a tag, from byte "
                f"{self.offset - self.run + 1:,}: no element or item of a SEN2 return is that long. It was not "
                "read further."
            )
        self.run = self.run + len(data) if first == -1 else len(data) - data.rfind(b">") - 1
        self.offset += len(data)
        self.since_person += len(data)

    def _count(self, element, budget: int) -> int:
        """The elements of ``element``'s subtree (counting stops past ``budget``); notes the first stranger."""
        count = 0
        for node in element.iter():
            count += 1
            if self.stranger is None:
                name = _local(node.tag)
                if name is not None and name not in _STRUCTURAL:
                    parent = node.getparent()
                    if parent is None or _local(parent.tag) not in _HEADER_PARTS:  # not a header item
                        self.stranger = (name, node.sourceline)
            if count > budget:
                self.last = (_local(node.tag) or "?", node.sourceline)
                break
        return count

    def dropped(self, element, parent) -> None:
        """``element`` (not a person) is being deleted from before a person."""
        if parent is self.root:
            self._check_top_level(element)
        self.gone += self._count(element, MAX_OUTSIDE_ELEMENTS - self.gone)
        if self.gone > MAX_OUTSIDE_ELEMENTS:
            self._too_many()

    def cleared(self, header) -> None:
        """The header's items are being cleared (the header itself stays, and is counted by ``check_tree``)."""
        self.gone += self._count(header, MAX_OUTSIDE_ELEMENTS - self.gone + 1) - 1
        if self.gone > MAX_OUTSIDE_ELEMENTS:
            self._too_many()

    def check_tree(self, root, position: int) -> None:
        """After a chunk: what ``root`` holds outside the persons, and the person being read (the
        ``position``-th)."""
        if self.since_person > MAX_BYTES_BETWEEN_PERSONS:
            raise Sen2FileError(
                f"The file has more than {MAX_BYTES_BETWEEN_PERSONS >> 20} MB without a complete Person record, "
                f"from byte {self.offset - self.since_person + 1:,}: a person is a few kilobytes. This is not the "
                "structure of a SEN2 return; it was not read further."
            )
        if root is None:
            return
        count = self.gone + 1
        for child in root:
            name = _local(child.tag)
            if name is None:
                continue
            self._check_top_level(child)
            if name == "Person":
                self._check_person(child, position)
            elif name == "Persons":
                count += 1
                for item in child:
                    if _local(item.tag) == "Person":
                        self._check_person(item, position)
                    else:
                        count += self._count(item, MAX_OUTSIDE_ELEMENTS - count)
                        if count > MAX_OUTSIDE_ELEMENTS:
                            break
            else:
                count += self._count(child, MAX_OUTSIDE_ELEMENTS - count)
            if count > MAX_OUTSIDE_ELEMENTS:
                self._too_many()

    def _check_top_level(self, element) -> None:
        name = _local(element.tag)
        if name is not None and name not in TOP_LEVEL:
            raise Sen2FileError(
                f"The element <{name[:40]}> at line {element.sourceline} has no place in a SEN2 return: under "
                "Message a return has only a Header and Persons. It was not read further.",
                element.sourceline,
            )

    def _check_person(self, person, position: int) -> None:
        if not len(person):
            return  # read and cleared already
        count = 0
        for _node in person.iter():
            count += 1
            if count > MAX_PERSON_ELEMENTS:
                raise Sen2FileError(
                    f"The Person record at line {person.sourceline} (person {position}) has more than "
                    f"{MAX_PERSON_ELEMENTS:,} elements, where a person has a few dozen. This is not the structure "
                    "of a SEN2 return; it was not read further.",
                    person.sourceline,
                )

    def _too_many(self) -> None:
        if self.stranger is not None:
            (name, line), where = self.stranger, "starting with"
        else:  # only elements that have a place in a return, too many of them (many headers, say)
            (name, line), where = self.last, "passing the limit at"
        raise Sen2FileError(
            f"The file has more than {MAX_OUTSIDE_ELEMENTS:,} elements outside its Person records, {where} "
            f"<{name[:40]}> at line {line}: outside its persons a SEN2 return has only a Header and a few elements "
            "around it. This is not the structure of a SEN2 return; it was not read further.",
            line,
        )


def iter_sen2(reader: HashingReader | BinaryIO) -> Iterator[Header | Person]:
    """Yield the ``Header`` then each ``Person`` of a SEN2 file, streaming; raises ``Sen2FileError``."""
    for item in iter_sen2_elements(reader):
        yield item if isinstance(item, Header) else person_from_element(item[1], item[0])


def iter_sen2_elements(reader: HashingReader | BinaryIO, first_position: int = 1) -> Iterator[Header | tuple[int, Any]]:
    """Like ``iter_sen2``, but each person comes as ``(position, Person element)``.

    The element is only valid until the next item is asked for: it is cleared then, to keep memory constant.
    ``first_position`` numbers the persons of a part of a file (``split``) as in the whole file.

    The file is fed to lxml's pull parser ``CHUNK_BYTES`` at a time. lxml reports only the end of a header or a
    person (``_EVENT_TAGS``): an event for every element would cost more than the parse itself (a Python object
    per element). Everything else is checked by ``_Structure`` after each chunk, so that whatever the file holds,
    little more than a chunk's worth of elements is held before it is refused.
    """
    if not isinstance(reader, HashingReader):
        reader = HashingReader(reader)
    _check_head(reader.head)
    parser = etree.XMLPullParser(events=("end",), tag=_EVENT_TAGS, **_PARSER_OPTIONS)
    # The main parser reports only headers and persons, and its root is known from the first of them. Until then
    # (normally for the first chunk only) the file is also fed to a second parser that reports every start: its
    # first is the root, checked at once, and its tree (the same as the main one so far, since nothing is cleared
    # before the first header or person ends) is the one checked after each chunk.
    sniffer: etree.XMLPullParser | None = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
    sniffed = None
    root_checked = False
    structure = _Structure()
    names = _NAMES
    position = first_position - 1
    root = None
    finished = False
    try:
        while not finished:
            data = reader.read(CHUNK_BYTES)
            if data:
                structure.check_bytes(data)
                parser.feed(data)
                if sniffer is not None:
                    sniffer.feed(data)
                    for _event, element in sniffer.read_events():  # all read, so that they are not kept
                        if sniffed is None:
                            sniffed = element
                            _check_root(sniffed)
                            root_checked = True
            else:
                finished = True
                root = structure.root = parser.close()  # the last events may come only now
            for _event, element in parser.read_events():
                if root is None:
                    root = structure.root = _root_of(element)
                tag = element.tag
                name = names.get(tag) or _local(tag)
                parent = element.getparent()
                if name == "Person":
                    position += 1
                    yield position, element
                    structure.since_person = 0
                    element.clear()
                    # Drop what came before it: the person read before (its parent keeps a reference to it
                    # otherwise), and anything else, which is counted as it goes.
                    first = parent[0] if parent is not None else element
                    while first is not element:
                        if first.tag != tag and (names.get(first.tag) or _local(first.tag)) != "Person":
                            structure.dropped(first, parent)
                        del parent[0]
                        first = parent[0]
                elif name == "Header" and parent is not None and parent is root:
                    yield _header_from_element(element)
                    structure.since_person = 0
                    structure.cleared(element)
                    element.clear()
            if root is not None:
                sniffer = sniffed = None
            structure.check_tree(root if root is not None else sniffed, position + 1)
    except etree.XMLSyntaxError as error:
        raise _syntax_message(error) from None
    if root is None:
        raise Sen2FileError(EMPTY_MESSAGE)
    if not root_checked:
        _check_root(root)
