"""The ``sendhub`` operator command.

Django's own commands work as they are (``sendhub migrate``, ``sendhub runserver``). Our commands are
grouped as ``sendhub <group> <verb>``, each a Django management command named ``<group>_<verb>`` (so
``sendhub demo load`` runs ``demo_load``). ``sendhub <group>`` on its own lists the group's verbs.
"""

from __future__ import annotations

import os
import sys


def _group_commands() -> dict[str, dict[str, str]]:
    """Our grouped commands: {group: {verb: command name}}, from the sendhub apps' management commands."""
    from django.core.management import get_commands

    groups: dict[str, dict[str, str]] = {}
    for name, app in get_commands().items():
        if app.startswith("sendhub.") and "_" in name:
            group, verb = name.split("_", 1)
            groups.setdefault(group, {})[verb.replace("_", "-")] = name
    return groups


def translate(argv: list[str]) -> list[str] | str:
    """Turn ``sendhub <group> <verb> ...`` into Django's argv, or return a message to print."""
    if len(argv) < 2:
        return argv
    groups = _group_commands()
    group = argv[1]
    if "-" in group and group not in groups:
        # `sendhub check-deploy` is `sendhub check deploy` written as one word.
        head, _, rest = group.partition("-")
        if head in groups and rest in groups[head]:
            return [argv[0], groups[head][rest], *argv[2:]]
    if group not in groups:
        return argv
    verbs = groups[group]
    if len(argv) == 2 or argv[2] in {"-h", "--help", "help"}:
        lines = [f"usage: sendhub {group} <verb> [options]", "", f"verbs in '{group}':"]
        lines += [f"  {verb}" for verb in sorted(verbs)]
        lines += ["", f"Run 'sendhub {group} <verb> --help' for a verb's options."]
        return "\n".join(lines)
    verb = argv[2]
    if verb not in verbs:
        known = ", ".join(sorted(verbs))
        return f"sendhub: '{verb}' is not a verb of '{group}'. Known verbs: {known}."
    return [argv[0], verbs[verb], *argv[3:]]


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "sendhub"
    translated = translate(argv)
    if isinstance(translated, str):
        is_error = translated.startswith("sendhub:")
        print(translated, file=sys.stderr if is_error else sys.stdout)
        return 2 if is_error else 0
    try:
        execute_from_command_line(translated)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
