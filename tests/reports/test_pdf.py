"""The demo's monitoring pack as a PDF: tagged (PDF/UA), with every finding's title in its text, and its first
pages rendered to PNG files in test-artefacts/ for a person to look at."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Finding
from sendhub.reports import asat, render, services
from sendhub.reports.models import MonitoringReport

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"


@pytest.fixture
def demo_pdf(db):
    call_command("demo_load", "--sen2-persons", "150", "--dfe-release", "none", stdout=StringIO())
    area = LocalArea.objects.get(slug="lancashire")
    as_at = timezone.localdate() - timedelta(days=1)
    start = services.add_months(as_at + timedelta(days=1), -6)
    report = MonitoringReport(area=area, title=services.default_title(start, as_at), period_start=start,
                              period_end=as_at, as_at=as_at)
    content = asat.build_content(area, period_start=start, period_end=as_at, as_at=as_at)
    report.executive_summary = asat.draft_summary(content)
    return area, render.render_pdf(report, content)


def structure_tags(node, found: set[str], depth: int = 0) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if depth > 60:
        return
    if isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
            if node["/S"] == "/Figure" and "/Alt" in node:
                found.add("Figure with Alt")
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
                structure_tags(kid, found, depth + 1)


def test_the_pdf_is_tagged_with_language_headings_tables_and_figure_text(demo_pdf):
    _, pdf = demo_pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]

    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    tags: set[str] = set()
    structure_tags(root["/StructTreeRoot"], tags)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure", "Figure with Alt"} <= tags, sorted(tags)
    assert reader.metadata.title and "Monitoring pack" in reader.metadata.title


def test_the_pdf_text_has_every_finding_title(demo_pdf):
    area, pdf = demo_pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))

    titles = list(Finding.objects.filter(area=area).values_list("title", flat=True))
    assert len(titles) == 17
    missing = [t for t in titles if re.sub(r"\s+", " ", t) not in text]
    assert not missing, f"finding titles not found in the PDF text: {missing}"


def test_the_first_pages_render_to_readable_png_artefacts(demo_pdf, tmp_path):
    _, pdf = demo_pdf
    # The SQLite run keeps the pictures; the PostgreSQL run, which make test runs alongside it, draws its own.
    folder = ARTEFACTS if connection.vendor == "sqlite" else tmp_path
    folder.mkdir(exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    written = []
    for index in range(min(4, len(document))):
        image = document[index].render(scale=1.5).to_pil().convert("L")
        path = folder / f"monitoring-pack-page-{index + 1}.png"
        image.save(path)
        written.append(path)
        # Readable: a white page with a fair amount of dark text on it, not blank and not a black box.
        histogram = image.histogram()
        dark = sum(histogram[:100]) / (image.width * image.height)
        assert 0.002 < dark < 0.3, f"page {index + 1} looks blank or unreadable ({dark:.3%} dark pixels)"
    first_page_text = document[0].get_textpage().get_text_range()
    assert "Monitoring pack" in first_page_text and "Lancashire" in first_page_text
    assert all(p.stat().st_size > 10_000 for p in written)
