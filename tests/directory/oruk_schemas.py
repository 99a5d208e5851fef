"""The official Open Referral UK 3.0 schemas (``../shared/oruk/3.0``) for tests, with their absolute ``$ref`` URLs
(https://openreferraluk.org/specifications/3.0/schema/NAME.json) resolved to the local files.

``validate(instance, "service_list")`` raises AssertionError listing every error (formats checked).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ORUK = SHARED / "oruk" / "3.0"
SCHEMAS = ORUK / "schema"
EXAMPLES = ORUK / "examples"
BASE = "https://openreferraluk.org/specifications/3.0/schema/"


def require_shared() -> None:
    if not SCHEMAS.is_dir():
        pytest.skip(f"The ORUK 3.0 schemas are not at {ORUK} (../shared is absent on this machine)")


@cache
def registry() -> Registry:
    resources = []
    for file in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(file.read_text(encoding="utf-8"))
        resources.append((BASE + file.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    require_shared()
    return Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=registry(), format_checker=FormatChecker())


def errors(instance, name: str) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator(name).iter_errors(instance)]


def validate(instance, name: str) -> None:
    found = errors(instance, name)
    assert not found, f"not a valid ORUK {name}:\n" + "\n".join(found[:30])


def example(name: str):
    require_shared()
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
