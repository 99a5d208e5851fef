"""Deployment checks of our own, run by `sendhub check --deploy` and explained by `sendhub check-deploy`.

Django's deployment checks cover its own settings (cookies, HSTS, DEBUG...). These cover what SEND Hub adds:
secrets kept apart, a database and cache fit for several app servers, files kept off the web root, a worker,
email that reaches people, and HTTPS links in emails. Each message's hint says which environment variable to set
and points to the section of docs/deploy.md that explains it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from sendhub.config import DEV_SECRET_KEY

DOC = "docs/deploy.md"


def _hint(text: str, section: str) -> str:
    return f"{text} See {DOC}, '{section}'."


@register(Tags.security, deploy=True)
def secrets_are_set(app_configs=None, **kwargs):
    problems = []
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        problems.append(Error(
            "SENDHUB_SECRET_KEY is not set: the development key signs sessions.",
            hint=_hint("Set SENDHUB_SECRET_KEY to 50+ random characters (python -c 'import secrets; "
                       "print(secrets.token_urlsafe(50))').", "Environment"),
            id="sendhub.E001",
        ))
    if settings.SENDHUB_PERSON_KEY == settings.SECRET_KEY:
        problems.append(Warning(
            "SENDHUB_PERSON_KEY is not set, so the key that links children's SEN2 records across returns is the "
            "secret key: rotating the secret key would break every link.",
            hint=_hint("Set SENDHUB_PERSON_KEY to its own random value and keep it as safe as the database "
                       "backups.", "Environment"),
            id="sendhub.W002",
        ))
    return problems


@register(Tags.database, deploy=True)
def database_fits_production(app_configs=None, **kwargs):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [Warning(
            "The database is SQLite: fine for one small server, but several app servers need PostgreSQL.",
            hint=_hint("Set DATABASE_URL=postgres://user:password@host:5432/sendhub.", "Environment"),
            id="sendhub.W003",
        )]
    return []


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [Warning(
            "The cache is memory in each process: rate limits on public forms count per process, so behind a "
            "load balancer a sender gets several times the allowance.",
            hint=_hint("Set SENDHUB_CACHE_URL=redis://host:6379/0 (or db:// and run `sendhub createcachetable`).",
                       "Several app servers"),
            id="sendhub.W004",
        )]
    return []


@register(Tags.security, deploy=True)
def uploads_are_private(app_configs=None, **kwargs):
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return []
    media = Path(settings.MEDIA_ROOT).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if media == static or static in media.parents or media in static.parents:
        return [Error(
            f"Uploads ({media}) and static files ({static}) share a directory: the web server could serve "
            "evidence and board papers to anyone.",
            hint=_hint("Set SENDHUB_MEDIA_ROOT to a directory outside STATIC_ROOT.", "Files"),
            id="sendhub.E005",
        )]
    return []


@register(Tags.security, deploy=True)
def email_reaches_people(app_configs=None, **kwargs):
    problems = []
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        problems.append(Warning(
            "Email is written to the console, not sent: invitations, stale-listing reminders and 'draft ready' "
            "messages will not arrive.",
            hint=_hint("Set SENDHUB_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and SENDHUB_EMAIL_*.",
                       "Environment"),
            id="sendhub.W006",
        ))
    if not settings.SENDHUB_BASE_URL.startswith("https://"):
        problems.append(Warning(
            f"SENDHUB_BASE_URL is {settings.SENDHUB_BASE_URL!r}: links in emails should be https://.",
            hint=_hint("Set SENDHUB_BASE_URL to the public https:// address.", "Environment"),
            id="sendhub.W007",
        ))
    return problems


@register(Tags.security, deploy=True)
def content_security_policy_is_on(app_configs=None, **kwargs):
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE or not getattr(
        settings, "CONTENT_SECURITY_POLICY", None
    ):
        return [Error("The Content Security Policy is off.", hint=_hint("Keep csp.middleware.CSPMiddleware.",
                                                                       "Security headers"), id="sendhub.E008")]
    return []


@register(deploy=True)
def worker_is_running(app_configs=None, databases=None, **kwargs):
    # Only when the check may query the database (`check --deploy --database default`, or check-deploy).
    if not databases:
        return []
    from sendhub.web import health

    result = health.worker()
    if result.status == "fail":
        return [Warning(
            f"Background worker: {result.detail}.",
            hint=_hint("Run `sendhub worker` as a service (scheduled monitoring packs, reminders, retention).",
                       "Worker"),
            id="sendhub.W009",
        )]
    return []


@register(Tags.security, deploy=True)
def proxies_are_named(app_configs=None, **kwargs):
    if settings.SECURE_PROXY_SSL_HEADER and not settings.SENDHUB_TRUSTED_PROXIES:
        return [Warning(
            "SENDHUB_BEHIND_PROXY is on but SENDHUB_TRUSTED_PROXIES is empty: every visitor appears to come from the "
            "proxy's address, so one person's failed sign-ins or form posts count against everyone.",
            hint=_hint("Set SENDHUB_TRUSTED_PROXIES to the addresses of nginx and the load balancer (e.g. "
                       "127.0.0.1 or 10.0.0.0/24), and have them set X-Forwarded-For.", "Environment"),
            id="sendhub.W011",
        )]
    return []
