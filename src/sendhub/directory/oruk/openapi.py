"""Build our OpenAPI document (``openapi.json`` beside this file) from the official ORUK 3.0 one.

The official ``openapi.json`` points its responses at schemas by absolute URL
(``https://openreferraluk.org/specifications/3.0/schema/NAME.json``) and mixes OpenAPI 3.0 and 3.1. Ours:

- is OpenAPI 3.1 (the official file already uses 3.1's ``jsonSchemaDialect`` and ``info.summary``);
- is self-contained: every referenced schema is copied into ``components/schemas`` (Frictionless
  data-package keys such as ``datapackage_metadata``, ``constraints`` and ``core`` are dropped, and so are the
  ``example`` values, some of which have the wrong type) and refs point there;
- moves the non-standard ``name`` of operations to ``x-name`` and drops ``summary`` from parameters;
- swaps the two taxonomy-term operationIds the official file has the wrong way round;
- documents the bounds we enforce (``page`` >= 1, 1 <= ``per_page`` <= 200), our extra filters
  (``postcode``/``proximity`` on /services, ``minimum_age``/``maximum_age``, ``root_only``, ``vocabulary``) and
  the 400 and 404 JSON errors.

The ``servers`` entry is filled in per request by the view. Regenerate after the official files change:
``python -m sendhub.directory.oruk.openapi [PATH/TO/shared/oruk/3.0]``.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from sendhub.directory.oruk import SCHEMA_BASE

OUTPUT = Path(__file__).with_name("openapi.json")
DEFAULT_SOURCE = Path(__file__).resolve().parents[4].parent / "shared" / "oruk" / "3.0"
DROPPED_KEYWORDS = {
    "name",
    "path",
    "datapackage_metadata",
    "datapackage_type",
    "constraints",
    "core",
    "tabular_required",
    "example",
    "definitions",
}
MAX_PER_PAGE = 200

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string", "description": "What was wrong, naming the parameter"}},
    "required": ["error"],
}


def _ref_name(ref: str) -> str | None:
    for prefix in (SCHEMA_BASE, "https://raw.githubusercontent.com/"):
        if ref.startswith(prefix) and ref.endswith(".json"):
            return ref.rsplit("/", 1)[1][: -len(".json")]
    return None


def _clean(schema: Any, wanted: set[str]) -> Any:
    """A JSON Schema without data-package keys, its absolute refs pointing into components/schemas."""
    if isinstance(schema, list):
        return [_clean(item, wanted) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED_KEYWORDS:
            continue
        if key == "properties":
            out[key] = {name: _clean(sub, wanted) for name, sub in value.items()}
        elif key == "$ref":
            name = _ref_name(value)
            if name is None:
                out[key] = value
            else:
                wanted.add(name)
                out[key] = f"#/components/schemas/{name}"
        elif isinstance(value, dict | list):
            out[key] = _clean(value, wanted)
        else:
            out[key] = value
    return out


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


EXTRA_PARAMETERS = {
    "minimum_age": _parameter(
        "minimum_age",
        "Only services for people of at least this age: their maximum_age is unset or at least this.",
        {"type": "integer", "minimum": 0, "maximum": 150},
    ),
    "maximum_age": _parameter(
        "maximum_age",
        "Only services for people of at most this age: their minimum_age is unset or at most this.",
        {"type": "integer", "minimum": 0, "maximum": 150},
    ),
    "root_only": _parameter(
        "root_only", "Only taxonomy terms without a parent (the same as top_only).", {"type": "boolean"}
    ),
    "vocabulary": _parameter(
        "vocabulary", "Only terms of the taxonomy with this name (or SEND Hub key, e.g. need).", {"type": "string"}
    ),
}

ADDED = {
    "/services": ["postcode", "proximity", "minimum_age", "maximum_age"],
    "/service_at_locations": ["minimum_age", "maximum_age"],
    "/taxonomy_terms": ["root_only", "vocabulary"],
}


def build(source: Path = DEFAULT_SOURCE) -> dict[str, Any]:
    official = json.loads((source / "openapi.json").read_text(encoding="utf-8"))
    wanted: set[str] = set()
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "SEND Hub Local Offer: Open Referral UK API",
            "version": official["info"]["version"],
            "summary": "The Local Offer directory of SEND Hub as Open Referral UK (HSDS-UK-3.0)",
            "description": (
                "Published services, organisations, locations and taxonomies of every SEND Hub area. "
                "Derived from the Open Referral UK Profile for Version 3 OpenAPI document and schemas "
                "(https://openreferraluk.org), with their schemas copied into components."
            ),
            "license": official["info"]["license"],
        },
        "jsonSchemaDialect": official.get("jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema"),
        "servers": [{"url": "/api/oruk/v3"}],
        "tags": official.get("tags", []),
        "paths": {},
        "components": {"schemas": {}, "parameters": {}, "responses": {}},
    }
    parameters = copy.deepcopy(official["components"]["parameters"])
    parameters["page"]["schema"] = {"type": "integer", "minimum": 1, "default": 1}
    parameters["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50}
    parameters["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    parameters["format"]["schema"] = {"type": "string", "enum": ["json", "ndjson"], "default": "json"}
    parameters["proximity"]["description"] += " Needs `postcode`; a number of metres, above 0 and up to 1000000."
    parameters.update(EXTRA_PARAMETERS)
    doc["components"]["parameters"] = parameters
    doc["components"]["schemas"]["Page"] = official["components"]["schemas"]["Page"]
    doc["components"]["schemas"]["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    doc["components"]["responses"] = {
        "BadRequest": {"description": "A parameter is not valid; the message names it.", "content": error},
        "NotFound": {"description": "No published record with this id.", "content": error},
    }

    for path, item in official["paths"].items():
        new_item: dict[str, Any] = {}
        for key, value in item.items():
            if key == "parameters":
                new_item[key] = [{k: v for k, v in p.items() if k != "summary"} for p in value]
                continue
            operation = {("x-name" if k == "name" else k): v for k, v in value.items()}
            operation["parameters"] = [
                {k: v for k, v in p.items() if k != "summary"} for p in operation.get("parameters", [])
            ]
            for extra in ADDED.get(path, []):
                operation["parameters"].append({"$ref": f"#/components/parameters/{extra}"})
            if not operation["parameters"]:
                del operation["parameters"]
            operation["responses"] = _clean(operation["responses"], wanted)
            if path != "/":
                operation["responses"]["400"] = {"$ref": "#/components/responses/BadRequest"}
            if "{id}" in path:
                operation["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
            new_item[key] = operation
        doc["paths"][path] = new_item
    doc["paths"]["/taxonomy_terms"]["get"]["operationId"] = "getPaginatedListOfTaxonomyTerms"
    doc["paths"]["/taxonomy_terms/{id}"]["get"]["operationId"] = "getTaxonomyTermById"

    done: set[str] = set()
    while wanted - done:
        name = sorted(wanted - done)[0]
        done.add(name)
        raw = json.loads((source / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        doc["components"]["schemas"][name] = _clean(raw, wanted)
    doc["components"]["schemas"] = dict(sorted(doc["components"]["schemas"].items()))
    return doc


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    OUTPUT.write_text(json.dumps(build(source), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
