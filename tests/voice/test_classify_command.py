"""sendhub voice classify: comments on stdin, redacted and tagged, as JSON or a table."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(text: str, *args) -> str:
    out = io.StringIO()
    call_command("voice_classify", *args, stdin=io.StringIO(text), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_output_is_redacted_flagged_and_tagged():
    text = (
        "My son Jack has waited two years on the autism waiting list, call me on 07700 900123\n"
        "\n"
        "The taxi driver is lovely and always on time, thank you\n"
        "I can't cope anymore, no respite for a year\n"
    )
    results = json.loads(run(text, "--json"))
    assert [sorted(r) for r in results] == [["safeguarding", "sentiment", "text", "themes"]] * 3
    first, second, third = results
    assert first["text"] == "My son [NAME] has waited two years on the autism waiting list, call me on [PHONE]"
    assert "health_waiting" in first["themes"] and first["sentiment"] == "negative"
    assert first["safeguarding"] is False
    assert "transport" in second["themes"] and second["sentiment"] == "positive"
    assert third["safeguarding"] is True and "short_breaks" in third["themes"]


@pytest.mark.django_db
def test_empty_input_gives_an_empty_list():
    assert json.loads(run("", "--json")) == []
    assert json.loads(run("\n  \n", "--json")) == []
    assert "No comments" in run("")


@pytest.mark.django_db
def test_table_output():
    out = run("I emailed the caseworker three times and nobody replied\n")
    assert out.startswith("1. I emailed the caseworker")
    assert "communication" in out and "sentiment: negative" in out


@pytest.mark.django_db
def test_an_unknown_area_is_a_clear_error():
    with pytest.raises(CommandError, match="No area with LA code, ONS code or slug 'nowhere'"):
        run("text", "--area", "nowhere")


@pytest.mark.django_db
def test_area_option_uses_that_areas_model(area):
    results = json.loads(run("The taxi was late\n", "--json", "--area", "888"))
    assert "transport" in results[0]["themes"]
