"""Turning environment values into Django settings: kept apart from settings.py so each rule can be tested."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The development secret key: public (it is in this file), so only development and the tests may run with it
# (settings.py refuses it otherwise; the deployment check in web/checks.py reports it).
DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105


def cache_from_url(url: str | None, *, default_location: str = "sendhub") -> dict:
    """The default cache from ``SENDHUB_CACHE_URL``.

    - unset: memory in each process (one server; rate limits and cached pages are per process);
    - ``redis://host:6379/0`` (or ``rediss://``): Redis, shared by every app server; needed behind a load balancer
      so that rate limits count across servers;
    - ``db://``: a table in the main database (``sendhub createcachetable``), shared but slower;
    - ``file:///path``: a directory on shared storage.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": default_location}
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "sendhub"}
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sendhub_cache"}
    if scheme == "file":
        path = urlsplit(url).path
        if not path:
            raise ImproperlyConfigured("SENDHUB_CACHE_URL file:// needs a directory, e.g. file:///srv/sendhub/cache")
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": path}
    raise ImproperlyConfigured(
        f"SENDHUB_CACHE_URL must start redis://, rediss://, db:// or file://, not {scheme or url!r}"
    )


def file_storage_from_env(env: Mapping[str, str]) -> dict:
    """Where uploads (evidence, board papers, issued packs) are kept: a local directory outside the web root, or an
    S3-compatible bucket (django-storages, ``pip install 'sendhub[s3]'``) that several app servers share.

    Files are never served by URL: permission-checked views stream them, so the bucket stays private.
    """
    kind = env.get("SENDHUB_FILE_STORAGE", "local")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # at MEDIA_ROOT
    if kind == "s3":
        bucket = env.get("SENDHUB_S3_BUCKET", "")
        if not bucket:
            raise ImproperlyConfigured("SENDHUB_FILE_STORAGE=s3 needs SENDHUB_S3_BUCKET")
        options = {
            "bucket_name": bucket,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.get("SENDHUB_S3_PREFIX", "uploads"),
        }
        for option, name in (("endpoint_url", "SENDHUB_S3_ENDPOINT_URL"), ("region_name", "SENDHUB_S3_REGION")):
            if env.get(name):
                options[option] = env[name]
        # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance's role.
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ImproperlyConfigured(f"SENDHUB_FILE_STORAGE must be 'local' or 's3', not {kind!r}")
