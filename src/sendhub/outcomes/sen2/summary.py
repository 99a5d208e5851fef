"""Import warnings in one sentence that says what they are, for the command line and the page after an upload.

"1 warnings" told a newcomer nothing; "1 warning: Person 12: the date of birth is after the request date" does.
Warnings are grouped by their rule (the same check failing for many people is one kind), most frequent first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

KINDS_SHOWN = 3


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def warnings_summary(warnings: Sequence[Mapping], total: int | None = None, *, kinds_shown: int = KINDS_SHOWN) -> str:
    """``"no warnings"``, ``"1 warning: <rule>"`` or ``"40 warnings of 2 kinds: <rule> (39); <rule> (1)"``.

    ``warnings`` are the stored problems (dicts with a ``rule``); ``total`` is how many there were when only the
    first were kept (the importer keeps a bounded number), so the kinds are counted among those kept.
    """
    total = len(warnings) if total is None else max(total, len(warnings))
    if total == 0:
        return "no warnings"
    rules = Counter(str(w.get("rule", "")).strip() or "unnamed check" for w in warnings)
    if not rules:
        return plural(total, "warning")
    kinds = rules.most_common()
    among = f" (kinds counted among the first {len(warnings):,})" if total > len(warnings) else ""
    if len(kinds) == 1:
        return f"{plural(total, 'warning')}{among}: {kinds[0][0]}"
    listed = "; ".join(f"{rule} ({count:,})" for rule, count in kinds[:kinds_shown])
    more = len(kinds) - kinds_shown
    if more > 0:
        listed += f"; and {plural(more, 'other kind')}"
    return f"{plural(total, 'warning')} of {plural(len(kinds), 'kind')}{among}: {listed}"
