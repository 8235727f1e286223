"""Structured JSON logging: one line per event, with request id and function name.

A redaction filter masks secrets before anything is written: values under
sensitive keys, bearer tokens and JWTs inside text, and the current values of
every secret setting and platform credential.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
from typing import Any

from upvend import settings

REDACTED = "***"
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("upvend_request_id", default=None)
function_name_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("upvend_function", default=None)
# Secret values that only this request knows (e.g. a WeChat login code), masked wherever they appear.
# A list shared by the tasks of one invocation (bound by `request_secrets()`), so a value added
# inside the endpoint is masked in the lines its middleware writes afterwards too.
_request_secrets: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("upvend_request_secrets",
                                                                                   default=None)

_SENSITIVE_KEY = re.compile(
    r"(secret|token|signature|password|passwd|authorization|credential|session_?key|access_?key|"
    r"private|policy|upload_?auth|cookie|js_?code|login_?code|wx_?code)",
    re.IGNORECASE,
)
_SENSITIVE_TEXT = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)((?:secret|token|signature|password|session_key|js_code|key)=)[^&\s\"']+"),
     r"\1" + REDACTED),
]
_STD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def request_secrets() -> contextvars.Token:
    """Start an empty set of request secrets (call once per invocation; reset with the token)."""
    return _request_secrets.set([])


def reset_request_secrets(token: contextvars.Token) -> None:
    _request_secrets.reset(token)


def mask_in_this_request(value: str) -> None:
    """Mask `value` in every log line written for the current invocation (e.g. a login code)."""
    current = _request_secrets.get()
    if value and current is not None:
        current.append(value)


def _known_secrets() -> tuple[str, ...]:
    request = _request_secrets.get()
    return (*settings.secret_values(), *request) if request else settings.secret_values()


# Key names seen so far and whether they are sensitive: a log line has a handful of keys, the same ones
# every time, so each name is matched once per process.
_SENSITIVE_KEYS: dict[str, bool] = {}
# A text without any of these cannot match a `_SENSITIVE_TEXT` pattern; most log text has none.
_TEXT_MARKERS = re.compile(r"(?i)bearer|eyJ|=")


def _sensitive_key(key: str) -> bool:
    known = _SENSITIVE_KEYS.get(key)
    if known is None:
        known = bool(_SENSITIVE_KEY.search(key))
        if len(_SENSITIVE_KEYS) < 4096:
            _SENSITIVE_KEYS[key] = known
    return known


def redact(value: Any, _key: str | None = None, _secrets: tuple[str, ...] | None = None) -> Any:
    """Return a copy of value with secrets masked (dicts and lists recursively)."""
    if _key is not None and value not in (None, "", [], {}) and _sensitive_key(_key):
        return REDACTED
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    known = _known_secrets() if _secrets is None else _secrets  # read once per value logged, not per string
    if isinstance(value, dict):
        return {k: redact(v, str(k), known) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, None, known) for v in value]
    if isinstance(value, str):
        return redact_text(value, known)
    return value


# Short texts already redacted against the settings' secrets: most lines repeat a fixed message ("request").
_REDACTED_TEXT: dict[tuple[str, tuple[str, ...]], str] = {}


def redact_text(text: str, _secrets: tuple[str, ...] | None = None) -> str:
    """Mask bearer tokens, JWTs, `secret=` style pairs and known secret values in text."""
    secrets = _known_secrets() if _secrets is None else _secrets
    if len(text) > 64 or _request_secrets.get():  # a request's own secrets are never kept past its lines
        return _redact_text(text, secrets)
    done = _REDACTED_TEXT.get((text, secrets))
    if done is None:
        if len(_REDACTED_TEXT) >= 1024:
            _REDACTED_TEXT.clear()
        done = _REDACTED_TEXT[(text, secrets)] = _redact_text(text, secrets)
    return done


def _redact_text(text: str, secrets: tuple[str, ...]) -> str:
    if _TEXT_MARKERS.search(text):
        for pattern, replacement in _SENSITIVE_TEXT:
            text = pattern.sub(replacement, text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_SECOND: list[Any] = [None, ""]  # the last whole second formatted, and its text


def utc_stamp(created: float) -> str:
    """`created` as 2026-11-28T09:30:00.123Z (the date part is formatted once per second)."""
    second = int(created)
    if second != _SECOND[0]:
        _SECOND[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))]
    return f"{_SECOND[1]}.{int((created - second) * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object on one line, all times UTC."""

    def format(self, record: logging.LogRecord) -> str:
        # Fields the logger itself fills in carry no secrets; the message and the extras are redacted.
        fixed: dict[str, Any] = {
            "time": utc_stamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "function": function_name_var.get() or os.environ.get("FC_FUNCTION_NAME")
            or os.environ.get("SCF_FUNCTIONNAME"),
            "requestId": request_id_var.get(),
        }
        known = _known_secrets()
        fixed["message"] = redact_text(record.getMessage(), known)
        for key, value in record.__dict__.items():
            if key not in _STD_ATTRS and key[0] != "_" and key not in fixed:
                fixed[key] = redact(value, key, known)
        if record.exc_info:
            fixed["exception"] = redact_text(self.formatException(record.exc_info), known)
        return _ENCODER.encode(fixed)


class RedactionFilter(logging.Filter):
    """Kept as a filter too, so handlers added by others can opt in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        return True


_configured = False


def configure(stream: Any = None) -> None:
    """Install the JSON handler on the root logger once per process."""
    global _configured
    if _configured and stream is None:
        return
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())  # it redacts the message, the extras and the traceback itself
    # No caller, thread or process lookups per record: no line shows them (logging HOWTO, "Optimization").
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_upvend", False):
            root.removeHandler(existing)
    handler._upvend = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    logging.getLogger("mangum").setLevel(logging.WARNING)  # we log one line per request ourselves
    try:
        root.setLevel(settings.get("LOG_LEVEL"))
    except ValueError:  # an unknown level name must not stop the function
        root.setLevel(logging.INFO)
    _configured = True


def get_logger(name: str) -> logging.Logger:
    """A logger that writes through the JSON handler."""
    configure()
    return logging.getLogger(name)
