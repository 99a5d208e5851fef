"""Production behaviour: security headers and the CSP nonce, request ids, JSON logs without personal data,
`/healthz`, the environment-driven cache and file storage, and `sendhub check-deploy`."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sendhub import config, logs
from sendhub.web import health
from tests.logscan import as_production_writes

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# Headers --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_a_fresh_nonce(client):
    first = client.get(reverse("web:accessibility"), secure=True)
    second = client.get(reverse("web:accessibility"), secure=True)

    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in first.content.decode(), "the inline script carries the header's nonce"
    assert nonce not in second["Content-Security-Policy"], "each response has its own nonce"
    assert first["Strict-Transport-Security"].startswith("max-age=31536000")
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["X-Frame-Options"] == "DENY"
    assert first["Referrer-Policy"] == "same-origin"
    assert first["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_session_cookie_is_http_only(client, admin_user):
    from tests.accounts.test_audit import PASSWORD

    admin_user.set_password(PASSWORD)
    admin_user.save()
    response = client.post(reverse("accounts:sign-in"), {"username": admin_user.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_request_id_is_made_or_taken_from_the_load_balancer(client):
    made = client.get(reverse("web:accessibility"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get(reverse("web:accessibility"), HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    # A header that could forge log lines is replaced.
    forged = client.get(reverse("web:accessibility"), HTTP_X_REQUEST_ID="x\nlevel=ERROR")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


# Logs -----------------------------------------------------------------------------------------------------


def test_scrub_removes_emails_postcodes_and_phone_numbers_but_keeps_districts():
    text = logs.scrub("Key (email)=(jo.bloggs@example.org) exists; PR1 2HE, pr12he, PR1; 07700 900123, +44 1772 123456")
    assert text == "Key (email)=([EMAIL]) exists; [POSTCODE], [POSTCODE], PR1; [PHONE], [PHONE]"


def _json_handler(stream):
    return as_production_writes(logging.StreamHandler(stream))


@pytest.mark.django_db
def test_request_lines_are_json_with_the_route_not_the_path(client):
    stream = io.StringIO()
    handler = _json_handler(stream)
    logger = logging.getLogger("sendhub.request")
    logger.addHandler(handler)
    old_level, logger.level = logger.level, logging.INFO
    try:
        response = client.get("/areas/nowhere/local-offer/?near=PR1+2HE", HTTP_X_REQUEST_ID="req-00000001")
    finally:
        logger.removeHandler(handler)
        logger.level = old_level

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "req-00000001" and line["status"] == response.status_code
    assert line["route"] == "areas/<slug:area_slug>/local-offer/"
    assert "PR1" not in stream.getvalue() and "nowhere" not in stream.getvalue()
    assert {"time", "level", "logger", "message", "duration_ms"} <= set(line)


def test_a_logged_error_loses_personal_data_from_message_and_traceback():
    stream = io.StringIO()
    logger = logging.getLogger("sendhub.test.scrub")
    logger.addHandler(_json_handler(stream))
    try:
        raise ValueError("duplicate key (email)=(jo.bloggs@example.org)")
    except ValueError:
        logger.exception("Could not save %s at %s", "jo.bloggs@example.org", "PR1 2HE")
    finally:
        logger.handlers.clear()

    line = json.loads(stream.getvalue())
    assert "jo.bloggs" not in stream.getvalue() and "PR1 2HE" not in stream.getvalue()
    assert line["message"] == "Could not save [EMAIL] at [POSTCODE]" and "[EMAIL]" in line["exc_info"]


# Health ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_when_tasks_run_in_the_request(client):
    response = client.get(reverse("web:healthz"))
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["worker"]["status"] == "not used"
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


# The worker closes its database connection when it finishes, so these tests commit for real.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_healthz_fails_until_a_worker_beats_and_again_when_it_stops(client):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from sendhub.web.tasks import heartbeat_path, queue_heartbeat

    response = client.get(reverse("web:healthz"))
    assert response.status_code == 503
    assert "no worker has run yet" in response.json()["checks"]["worker"]["detail"]

    assert queue_heartbeat() is True
    assert queue_heartbeat() is False, "a second worker does not queue a second beat"
    call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    assert client.get(reverse("web:healthz")).status_code == 200
    assert DBTaskResult.objects.filter(task_path=heartbeat_path(), status=TaskResultStatus.READY).count() == 1

    later = timezone.now() + timedelta(minutes=10)
    stopped = health.worker(now=later)
    assert stopped.status == "fail" and "for 10 minutes" in stopped.detail


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_healthz_fails_when_a_task_waits_too_long(client):
    from django_tasks_db.models import DBTaskResult

    from sendhub.web.tasks import heartbeat, queue_heartbeat

    queue_heartbeat()
    call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    heartbeat.enqueue()
    DBTaskResult.objects.filter(status="READY").update(enqueued_at=timezone.now() - timedelta(minutes=6))
    waiting = health.worker()
    assert waiting.status == "fail" and "waiting longer than 5 minutes" in waiting.detail


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["send.example.gov.uk"])
def test_healthz_answers_a_load_balancer_probing_by_internal_address_over_http(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert client.get("/accessibility", HTTP_HOST="10.0.0.7:8000").status_code == 400, "other pages check the host"


@pytest.mark.django_db
def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 503 and response.json()["status"] == "fail"
    assert response.json()["checks"]["database"]["detail"] == "database did not answer (OperationalError)"


# Configuration --------------------------------------------------------------------------------------------


def test_cache_settings_from_the_url():
    assert config.cache_from_url(None)["BACKEND"].endswith("LocMemCache")
    redis = config.cache_from_url("redis://10.0.0.5:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://10.0.0.5:6379/1"
    assert config.cache_from_url("db://")["BACKEND"].endswith("DatabaseCache")
    assert config.cache_from_url("file:///srv/cache")["LOCATION"] == "/srv/cache"
    with pytest.raises(ImproperlyConfigured, match="must start redis://"):
        config.cache_from_url("memcached://x")


def test_file_storage_settings_from_the_environment():
    assert config.file_storage_from_env({})["BACKEND"].endswith("FileSystemStorage")
    s3 = config.file_storage_from_env({"SENDHUB_FILE_STORAGE": "s3", "SENDHUB_S3_BUCKET": "sendhub-uploads",
                                       "SENDHUB_S3_ENDPOINT_URL": "https://s3.example.net"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["default_acl"] == "private" and s3["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    with pytest.raises(ImproperlyConfigured, match="needs SENDHUB_S3_BUCKET"):
        config.file_storage_from_env({"SENDHUB_FILE_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="'local' or 's3'"):
        config.file_storage_from_env({"SENDHUB_FILE_STORAGE": "ftp"})


def _redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(
    not _redis_is_running(),
    reason="needs a Redis server on 127.0.0.1:6379 (the CI machine runs one; the app itself works without)",
)
def test_two_app_servers_share_rate_limit_counts_through_redis():
    from django.core.cache.backends.redis import RedisCache

    settings = config.cache_from_url("redis://127.0.0.1:6379/15")
    server_a = RedisCache(settings["LOCATION"], {"KEY_PREFIX": settings["KEY_PREFIX"]})
    server_b = RedisCache(settings["LOCATION"], {"KEY_PREFIX": settings["KEY_PREFIX"]})
    key = f"ratelimit-test-{timezone.now().timestamp()}"
    server_a.add(key, 0, 60)
    server_a.incr(key)
    server_b.incr(key)
    assert server_a.get(key) == 2 and server_b.get(key) == 2
    server_a.delete(key)


# check-deploy ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_deploy_explains_each_problem_and_fails():
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Deployment checks failed: \d+ error\(s\)"):
        call_command("check_deploy", stdout=out)
    text = out.getvalue()
    assert "ERROR sendhub.E001: SENDHUB_SECRET_KEY is not set" in text
    assert "How to fix: Set SENDHUB_SECRET_KEY" in text and "docs/deploy.md" in text
    assert "WARNING sendhub.W003: The database is SQLite" in text or "sendhub.W003" not in text


@pytest.mark.django_db
@override_settings(
    SECRET_KEY="a-long-random-production-secret-with-many-different-characters-0123456789",
    SENDHUB_PERSON_KEY="a-separate-person-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    DEBUG=False,
    ALLOWED_HOSTS=["send.example.gov.uk"],
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sendhub_cache"}},
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    SENDHUB_BASE_URL="https://send.example.gov.uk",
    SILENCED_SYSTEM_CHECKS=["security.W021", "sendhub.W003"],
)
def test_check_deploy_passes_for_a_well_configured_server(monkeypatch):
    # The browser journeys set this for Playwright's sync API in the same process; a server never has it.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    out = io.StringIO()
    try:
        call_command("check_deploy", stdout=out)
    except CommandError as error:
        pytest.fail(f"{error}\n{out.getvalue()}")
    assert out.getvalue().strip() == "All deployment checks passed."


def test_sendhub_check_deploy_is_one_word_for_the_check_deploy_command():
    from sendhub.cli import translate

    assert translate(["sendhub", "check-deploy", "--fail-level", "ERROR"]) == [
        "sendhub", "check_deploy", "--fail-level", "ERROR"]


def test_django_request_objects_are_left_out_of_log_lines():
    stream = io.StringIO()
    logger = logging.getLogger("sendhub.test.request")
    logger.addHandler(_json_handler(stream))
    try:
        logger.warning("Not Found", extra={"request": "<WSGIRequest: GET '/areas/x/local-offer/?near=PR1 2HE'>",
                                           "status_code": 404})
    finally:
        logger.handlers.clear()
    line = json.loads(stream.getvalue())
    assert "request" not in line and line["status_code"] == 404
