"""Export the published Local Offer as Open Referral UK JSON that ``importer`` reads back.

Two shapes, chosen by ``out``:
- a file (``services.json``): one service_list document, a single page holding every published service fully
  nested (``total_pages`` 1), as ``/services?full=true`` would give with no page limit;
- a folder (an existing directory, or a path ending in ``/``): one ``<service id>.json`` per service, each as
  ``/services/{id}`` gives it, for diffing and version control.
Services are written in name order, in chunks, with the API's constant-query serializers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sendhub.accounts.models import LocalArea
from sendhub.directory.oruk import serializers as ser

CHUNK = 200


def services(area: LocalArea | None = None) -> Iterator[dict[str, Any]]:
    qs = ser.published_services()
    if area is not None:
        qs = qs.filter(area=area)
    ids = list(qs.order_by("name", "id").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield from ser.full_services(ids[start : start + CHUNK])


def export(out: Path | str, area: LocalArea | None = None) -> int:
    """Write the published services to ``out``; return how many."""
    text = str(out)
    out = Path(out)
    items = list(services(area))
    if out.is_dir() or text.endswith(("/", "\\")):
        out.mkdir(parents=True, exist_ok=True)
        for item in items:
            (out / f"{item['id']}.json").write_text(_dumps(item), encoding="utf-8")
        return len(items)
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "total_items": len(items),
        "total_pages": 1,
        "page_number": 1,
        "size": len(items),
        "first_page": True,
        "last_page": True,
        "empty": not items,
        "contents": items,
    }
    out.write_text(_dumps(document), encoding="utf-8")
    return len(items)


def _dumps(document: Any) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
