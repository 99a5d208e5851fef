"""Settings for the load run: production settings, with the per-address rate limits read from the environment.

Every simulated family comes from 127.0.0.1, so the public forms' limits per address (a handful of submissions
an hour) would refuse all but the first few of them. ``run.py`` sets the variables below to high rates; nothing
else differs from production. Once ``sendhub/settings.py`` reads these variables itself, this module changes
nothing and can go.
"""

import os

from sendhub.settings import *  # noqa: F403

RATE_SETTINGS = (
    "SENDHUB_VOICE_POST_RATE",
    "SENDHUB_VOICE_SUBMISSION_RATE",
    "SENDHUB_VOICE_ACCESS_RATE",
    "SENDHUB_REPORT_RATE",
)
for _name in RATE_SETTINGS:
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]
