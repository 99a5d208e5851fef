"""Open Referral UK (HSDS-UK-3.0) for the Local Offer directory.

- ``serializers``: our models as ORUK JSON (the API and the exporter share them).
- ``views`` / ``urls``: the read-only ORUK API at ``/api/oruk/v3/`` and our OpenAPI document.
- ``importer`` / ``exporter``: ``sendhub oruk import SOURCE`` and ``sendhub oruk export``.
- ``openapi``: builds our OpenAPI document (``openapi.json`` next to this file) from the official one.
"""

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
