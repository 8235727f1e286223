"""The log audit used by the whole suite finds secrets and JWTs in log lines, and nothing else."""

from __future__ import annotations

import logging

from tests.log_audit import LineRecorder, SecretBook, leaks


def test_answers_give_up_their_credential_fields_only():
    book = SecretBook()
    book.add_from_answer({"credentials": {"tmpSecretId": "AKIDpublicId123", "tmpSecretKey": "very-secret-key-1"},
                          "formData": {"policy": "eyJwb2xpY3kiOjF9", "key": "uploads/o-a/x.jpg"},
                          "items": [{"token": "short"}, {"signature": "sig-0123456789"}]})
    assert book.values == {"very-secret-key-1", "eyJwb2xpY3kiOjF9", "sig-0123456789"}


def test_leaks_names_lines_with_secrets_or_jwts():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvLWFsaWNlIn0.c2lnbmF0dXJlLXZhbHVl"
    lines = ['{"message": "ok"}', '{"message": "key very-secret-key-1"}', f'{{"message": "{jwt}"}}']
    found = leaks(lines, {"very-secret-key-1"})
    assert len(found) == 2 and "very-secret" in found[0] and "a JWT" in found[1]


def test_recorder_formats_like_the_function_handler_and_redacts():
    recorder = LineRecorder()
    log = logging.getLogger("audit-test")
    log.addHandler(recorder)
    try:
        log.warning("calling with Bearer abc.def.ghi", extra={"accessKeySecret": "hidden-value"})
    finally:
        log.removeHandler(recorder)
    assert len(recorder.lines) == 1
    assert "abc.def.ghi" not in recorder.lines[0] and "hidden-value" not in recorder.lines[0]
