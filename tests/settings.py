"""Test settings: the production module with fast hashing, plain static storage and files in a temp dir."""

import os
import tempfile

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-test-"))
# The suite runs with DEBUG off, as production does, and the public development key; the production settings refuse
# that pair unless told it is a test. Set in the environment so the commands tests start as subprocesses inherit it.
os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")

from sendhub.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="sendhub-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Uploads are never served from a URL (only through permission-checked views); live_server needs a value.
MEDIA_URL = "/media-not-served/"
# A file (not in-memory) SQLite test database, so tests with several threads see SQLite's real locking.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["SENDHUB_DATA_DIR"], "test.sqlite3")}  # noqa: F405
# Tasks run at once, in the request or test that enqueues them (the database worker is tested on its own).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
