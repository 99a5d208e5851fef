"""The ``sendhub`` command: ``sendhub <group> <verb>`` runs ``<group>_<verb>``; Django's commands pass through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from sendhub import cli

SENDHUB = Path(sys.executable).with_name("sendhub")
GROUPS = {"demo": {"load": "demo_load", "reset-passwords": "demo_reset_passwords"}, "plan": {"export": "plan_export"}}


@pytest.fixture
def groups(monkeypatch):
    monkeypatch.setattr(cli, "_group_commands", lambda: GROUPS)


def test_a_verb_runs_its_command_with_the_remaining_arguments(groups):
    assert cli.translate(["sendhub", "demo", "load", "--noinput"]) == ["sendhub", "demo_load", "--noinput"]
    assert cli.translate(["sendhub", "demo", "reset-passwords"]) == ["sendhub", "demo_reset_passwords"]


@pytest.mark.parametrize(
    "argv", [["sendhub"], ["sendhub", "migrate", "--noinput"], ["sendhub", "--help"], ["sendhub", "nosuchgroup"]]
)
def test_anything_else_passes_through_to_django(groups, argv):
    assert cli.translate(argv) == argv


@pytest.mark.parametrize("extra", [[], ["--help"], ["-h"], ["help"]])
def test_a_group_on_its_own_lists_its_verbs(groups, extra):
    assert cli.translate(["sendhub", "demo", *extra]) == (
        "usage: sendhub demo <verb> [options]\n"
        "\n"
        "verbs in 'demo':\n"
        "  load\n"
        "  reset-passwords\n"
        "\n"
        "Run 'sendhub demo <verb> --help' for a verb's options."
    )


def test_an_unknown_verb_is_named(groups):
    assert cli.translate(["sendhub", "demo", "lod"]) == (
        "sendhub: 'lod' is not a verb of 'demo'. Known verbs: load, reset-passwords."
    )


def test_main_prints_the_verbs_and_succeeds(groups, capsys):
    assert cli.main(["anything", "demo"]) == 0
    out, err = capsys.readouterr()
    assert "verbs in 'demo':\n  load\n" in out
    assert err == ""


def test_main_refuses_an_unknown_verb_with_status_2(groups, capsys):
    assert cli.main(["sendhub", "demo", "lod"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("sendhub: 'lod' is not a verb of 'demo'.")


def test_groups_come_from_sendhub_commands_only():
    groups = cli._group_commands()
    django_names = {name for name, app in get_commands().items() if not app.startswith("sendhub.")}
    assert all(name not in django_names for verbs in groups.values() for name in verbs.values())
    assert "runserver" not in groups and "collectstatic" not in groups


def test_demo_load_is_a_real_verb():
    assert cli.translate(["sendhub", "demo", "load"]) == ["sendhub", "demo_load"]
    assert "  load" in cli.translate(["sendhub", "demo"]).splitlines()


# The installed console script ---------------------------------------------------------------------------


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SENDHUB_DATA_DIR"] = str(tmp_path)
    return subprocess.run(  # noqa: S603 - our own console script
        [str(SENDHUB), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def script():
    if not SENDHUB.exists():
        pytest.fail(f"{SENDHUB} is missing: run 'make install' (pip install -e .)")
    return SENDHUB


def test_script_help_lists_django_commands(script, tmp_path):
    result = run("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout


def test_script_passes_django_commands_through(script, tmp_path):
    result = run("migrate", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sendhub migrate")


def test_script_reports_an_unknown_command(script, tmp_path):
    result = run("nosuchgroup", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Unknown command: 'nosuchgroup'" in result.stderr


def test_script_refuses_an_unknown_verb(script, tmp_path):
    result = run("demo", "nosuchverb", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("sendhub: 'nosuchverb' is not a verb of 'demo'.")
