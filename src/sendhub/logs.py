"""Structured logs: one JSON object per line, each with the request's id, and no personal data.

Our own log calls never pass personal data, but other code can: a database error quotes the row it refused
("Key (email)=(...) already exists"), a library logs a username. So every record passes
:class:`PersonalDataFilter`, which removes email addresses, UK postcodes and phone numbers from the message and
the traceback, before any handler writes it. Request lines name the URL *pattern*, never the path or query
string (a search for "PR1 2HE" or a feedback reference would otherwise reach the log).
"""

from __future__ import annotations

import contextvars
import logging
import re

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("sendhub_request_id", default="-")

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Full UK postcodes ("PR1 2HE", "pr12he"); districts on their own ("PR1") are kept: they are not personal.
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w.])(?:\+44\s?|\(?0)(?:\d[\s()-]?){9,10}\d?(?![\w.])")


def scrub(text: str) -> str:
    """Text with email addresses, full postcodes and phone numbers replaced by placeholders."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _POSTCODE.sub("[POSTCODE]", text)
    return _PHONE.sub("[PHONE]", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formed call must still be logged, not raise
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class SendHubJsonFormatter(JsonFormatter):
    """``{"time", "level", "logger", "message", "request_id", ...extra}`` on one line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        # Django's request loggers attach the request, whose text is the path: paths can hold postcodes.
        log_record.pop("request", None)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return scrub(super().formatException(ei))
