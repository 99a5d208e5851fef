"""`sendhub oruk import` reads a feed within limits: the size of each response and of all of them, the time, the
number of pages; and it stops when a page repeats an earlier one. Each refusal names the URL and the limit, and
nothing is imported."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from sendhub.directory.models import Service
from sendhub.directory.oruk.importer import FeedLimits, FeedRefused, import_source

pytestmark = pytest.mark.django_db
MAX_REQUESTS = 50  # past this the test server answers 500: code without the limits fails fast, not forever


def service(n: int) -> dict:
    return {"id": str(uuid.UUID(int=n + 1, version=4)), "name": f"Service {n}", "status": "active"}


def page(number: int, ids: range, total_pages: int = 1000) -> dict:
    contents = [service(n) for n in ids]
    return {
        "total_items": total_pages * len(contents), "total_pages": total_pages, "page_number": number,
        "size": len(contents), "first_page": number == 1, "last_page": number >= total_pages,
        "empty": not contents, "contents": contents,
    }  # fmt: skip


class Feed(BaseHTTPRequestHandler):
    """A misbehaving ORUK feed; ``behaviour`` says how (set by the ``feed`` fixture)."""

    behaviour = "repeat"
    requests = 0

    def do_GET(self):  # noqa: N802
        type(self).requests += 1
        if self.requests > MAX_REQUESTS:
            self.send_error(500, "the test feed has had enough")
            return
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        number = int(query.get("page", 1))
        getattr(self, self.behaviour)(number)

    def send_json(self, body: dict, length: int | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        self.wfile.write(data)

    def repeat(self, number):
        """Ignores ?page= and always gives its first page."""
        self.send_json(page(1, range(3)))

    def renumber(self, number):
        """Gives the same records on every page, numbered as asked."""
        self.send_json(page(number, range(3)))

    def endless(self, number):
        """New records on every page, and always one more page."""
        self.send_json(page(number, range(number * 3, number * 3 + 3), total_pages=10**9))

    def huge(self, number):
        """A page of 5 MB (no Content-Length: the size is only known by reading it)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"contents": [' + b" " * (5 * 1024 * 1024) + b"]}")

    def declared_huge(self, number):
        """Says it will send 10 GB, then sends almost nothing and waits."""
        self.send_json(page(1, range(1)), length=10 * 1024**3)
        time.sleep(3)

    def drip(self, number):
        """Sends one byte every 0.2 seconds, for ever (until the client goes)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def feed(request):
    Feed.behaviour, Feed.requests = request.param, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/services"
    server.shutdown()
    server.server_close()


def refusal(feed: str, area, **limits) -> str:
    with pytest.raises(FeedRefused) as raised:
        import_source(feed, area, limits=FeedLimits(**limits))
    assert not Service.objects.exists()
    [message] = raised.value.errors
    assert message.startswith(feed) and message.endswith("Nothing was imported.")
    return message


@pytest.mark.parametrize("feed", ["repeat"], indirect=True)
def test_a_feed_that_repeats_its_first_page_is_stopped_at_the_second(feed, area):
    message = refusal(feed, area)
    assert "?full=true&page=2: page 2 repeats page 1 (the same document): the feed does not move on" in message
    assert Feed.requests == 2


@pytest.mark.parametrize("feed", ["renumber"], indirect=True)
def test_a_feed_that_gives_the_same_records_on_every_page_is_stopped(feed, area):
    message = refusal(feed, area)
    assert "page 2 repeats page 1 (the same records)" in message
    assert Feed.requests == 2


@pytest.mark.parametrize("feed", ["endless"], indirect=True)
def test_a_feed_without_end_is_stopped_at_the_page_limit(feed, area):
    message = refusal(feed, area, max_pages=5)
    assert "the feed has more than 5 pages (--max-pages), so it stopped" in message
    assert Feed.requests == 5


@pytest.mark.parametrize("feed", ["huge"], indirect=True)
def test_a_response_over_the_size_limit_is_not_read(feed, area):
    message = refusal(feed, area, max_response_bytes=1024 * 1024)
    assert "the response is larger than 1 MB (--max-response-mb), so it was not read" in message


@pytest.mark.parametrize("feed", ["declared_huge"], indirect=True)
def test_a_response_that_declares_a_size_over_the_limit_is_refused_at_once(feed, area):
    started = time.monotonic()
    message = refusal(feed, area)
    assert "the response is larger than 20 MB" in message
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("feed", ["endless"], indirect=True)
def test_the_feed_as_a_whole_has_a_size_limit(feed, area):
    size = len(json.dumps(page(1, range(3))))
    message = refusal(feed, area, max_total_bytes=size * 5 // 2)
    assert f"?full=true&page=3: the feed has sent more than {size * 5 // 2:,} bytes in all (--max-total-mb)" in message
    assert Feed.requests == 3


@pytest.mark.parametrize("feed", ["drip"], indirect=True)
def test_a_feed_that_drips_is_stopped_by_the_time_limit(feed, area):
    started = time.monotonic()
    message = refusal(feed, area, max_seconds=1)
    assert "the import has run for more than 1 seconds (--max-seconds), so it stopped" in message
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("feed", ["endless"], indirect=True)
def test_the_command_takes_the_limits_as_options(feed, area):
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 error\(s\); nothing was imported"):
        call_command("oruk_import", feed, "--area", "888", "--max-pages", "3", stderr=err)
    assert "the feed has more than 3 pages (--max-pages), so it stopped. Nothing was imported." in err.getvalue()


@pytest.mark.parametrize("option", ["--max-pages", "--max-seconds", "--max-response-mb", "--max-total-mb"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "many"])
def test_a_limit_must_be_a_positive_number(option, value):
    with pytest.raises(CommandError, match=f"argument {option}: invalid"):
        call_command("oruk_import", "http://127.0.0.1:9/api/services", option, value)
