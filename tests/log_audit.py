"""Records every log line the test run writes, and every secret the run hands out, to check one against the other.

The recorder formats each record exactly as the functions' JSON handler does
(same formatter, same redaction filter). Secrets come from two places: the dev
settings the local stack runs with, and the credential fields of every JSON
answer a test client receives (session tokens, STS keys, signatures, policies).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from typing import Any, Iterable, Iterator

import httpx
import requests

from upvend.logs import JsonFormatter, RedactionFilter

# Fields of our answers whose values are credentials; their values must never reach a log line.
SECRET_FIELDS = re.compile(r"^(token|accessKeySecret|securityToken|signature|tmpSecretKey|sessionToken|uploadAuth|secretKey|"
                           r"policy|x-oss-signature|x-oss-security-token|q-signature|x-cos-security-token)$")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
MIN_SECRET_LENGTH = 8  # shorter values would match innocent text


class LineRecorder(logging.Handler):
    """A root handler that keeps the formatted lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.addFilter(RedactionFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a line we cannot format is not a line anyone would see
            pass


class SecretBook:
    """Secret values seen during the run."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, values: Iterable[str | None]) -> None:
        self.values.update(v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH)

    def add_from_answer(self, data: Any) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and SECRET_FIELDS.match(str(key)):
                    self.add([value])
                else:
                    self.add_from_answer(value)
        elif isinstance(data, list):
            for item in data:
                self.add_from_answer(item)

    def add_from_body(self, content_type: str, body: bytes) -> None:
        if "json" in content_type:
            try:
                self.add_from_answer(json.loads(body))
            except ValueError:
                pass


def leaks(lines: list[str], secrets: set[str]) -> list[str]:
    """Each line that shows a known secret or any JWT, with what it shows."""
    found = []
    for line in lines:
        hits = sorted(s for s in secrets if s in line)
        if hits or JWT.search(line):
            found.append(f"{line[:300]} <- {[h[:12] + '...' for h in hits] or 'a JWT'}")
    return found


@contextlib.contextmanager
def harvesting_answers(book: SecretBook) -> Iterator[None]:
    """While active, every answer read by an httpx or requests client adds its credentials to `book`."""
    httpx_send, requests_send = httpx.Client.send, requests.Session.send

    def via_httpx(self, request, **kwargs):
        response = httpx_send(self, request, **kwargs)
        book.add_from_body(response.headers.get("content-type", ""), response.read())
        return response

    def via_requests(self, request, **kwargs):
        response = requests_send(self, request, **kwargs)
        book.add_from_body(response.headers.get("content-type", ""), response.content)
        return response

    httpx.Client.send, requests.Session.send = via_httpx, via_requests  # type: ignore[method-assign]
    try:
        yield
    finally:
        httpx.Client.send, requests.Session.send = httpx_send, requests_send  # type: ignore[method-assign]
