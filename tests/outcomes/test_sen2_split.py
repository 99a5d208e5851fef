"""Cutting a SEN2 file in two parts (``sen2.split``): where, and counting the persons before the cut."""

from __future__ import annotations

import hashlib
import io
import re

import pytest

from sendhub.outcomes.sen2 import split
from sendhub.outcomes.sen2.parser import iter_sen2_elements
from tests.outcomes.test_sen2_parser import person_xml, sen2_xml


def view(data: bytes) -> split.FileView:
    return split.file_view(io.BytesIO(data))


@pytest.mark.parametrize("chunk", [17, 50, 333, 1 << 22])
def test_count_persons_across_chunks(monkeypatch, chunk):
    monkeypatch.setattr(split, "_CHUNK", chunk)
    data = sen2_xml(*[person_xml() for _ in range(9)]).replace(b"<Person>", b"<Person\n>", 3)
    for end in range(0, len(data), 97):
        assert split.count_persons(view(data), end) == len(re.findall(rb"<Person[\s>]", data[:end])), end


@pytest.mark.parametrize("extra", ["<!-- x -->", "<![CDATA[<Person>]]>", "<?pi x?>", "<s:Person xmlns:s='urn:x'/>"])
def test_persons_are_not_counted_where_something_could_hide_one(extra):
    data = sen2_xml(person_xml(), extra, person_xml())
    assert split.count_persons(view(data), len(data)) is None


def test_the_cut_is_before_a_person_and_the_parts_read_as_the_whole():
    data = sen2_xml(*[person_xml(upn=f"A888{n:09d}") for n in range(20)], namespace="urn:sen2")
    whole = view(data)
    cut, opening = split.find_cut(whole)
    assert data[cut:].startswith(b"<Person>") and opening.endswith(b"<Persons>") and b"</Header>" in opening
    before = split.count_persons(whole, cut)
    first = split.PartReader(whole, [(0, cut), split.CLOSING], rest=(cut, len(data)))
    second = split.PartReader(whole, [opening, (cut, len(data))])
    persons = [p for p, _ in list(iter_sen2_elements(first))[1:]]
    persons += [p for p, _ in list(iter_sen2_elements(second, before + 1))[1:]]
    assert persons == list(range(1, 21)) and before == 10
    first.drain()
    assert first.checksum == hashlib.sha256(data).hexdigest()  # of the whole file


@pytest.mark.parametrize(
    "data",
    [
        sen2_xml(person_xml()).decode().encode("utf-16"),
        sen2_xml(person_xml()).replace(b"UTF-8", b"EBCDIC-US"),
        sen2_xml(person_xml()).replace(b"<Persons>", b"<Persons/>").replace(b"</Persons>", b""),
        b'<?xml version="1.0"?><s:Message xmlns:s="urn:x"><s:Persons><s:Person/></s:Persons></s:Message>',
        sen2_xml(person_xml()).replace(b"<Header>", b"<Head>").replace(b"</Header>", b"</Head>"),
    ],
    ids=["utf-16", "ebcdic", "empty-persons", "prefixed", "no-header"],
)
def test_files_not_to_cut(data):
    assert split.find_cut(view(data)) is None
