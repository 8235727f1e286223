"""Session tokens at their edges: the 30-second clock leeway both ways, and the exact 401 challenges."""

from __future__ import annotations

import re
import time
from typing import Callable

import jwt
import pytest

from upvend.auth import authenticate, issue_token, verify_token
from upvend.errors import Unauthorized

SECRET = "unit-test-jwt-secret-0123456789-abcdef"


@pytest.fixture(autouse=True)
def jwt_secret(monkeypatch):
    monkeypatch.setenv("UPVEND_JWT_SECRET", SECRET)
    monkeypatch.delenv("UPVEND_JWT_TTL_SECONDS", raising=False)


def within_one_second(make_claims: Callable[[int], dict]) -> str | Unauthorized:
    """Verify a token whose claims are relative to this whole second, retrying if the second ends meanwhile.

    Returns the subject, or the refusal. Inside one second the verifier's clock is in
    [second, second + 1), so `exp = second - 30` is exactly 30 s old and `second - 29` is not.
    """
    for _ in range(5):
        second = int(time.time())
        token = jwt.encode({"sub": "o-a", "iss": "upvend", **make_claims(second)}, SECRET, algorithm="HS256")
        try:
            result: str | Unauthorized = authenticate({"Authorization": f"Bearer {token}"})
        except Unauthorized as exc:
            result = exc
        if int(time.time()) == second:
            return result
    pytest.fail("the clock kept crossing a second boundary")


@pytest.mark.parametrize("seconds_past_exp, accepted", [(29, True), (30, False), (31, False)])
def test_expiry_leeway_is_30_seconds(seconds_past_exp, accepted):
    result = within_one_second(lambda s: {"iat": s - 3600, "exp": s - seconds_past_exp})
    if accepted:
        assert result == "o-a"
    else:
        assert isinstance(result, Unauthorized) and result.code == "token_expired"
        assert 'error_description="expired"' in result.headers["WWW-Authenticate"]


@pytest.mark.parametrize("seconds_ahead, accepted", [(29, True), (30, True), (31, False)])
def test_issued_in_the_future_leeway_is_30_seconds(seconds_ahead, accepted):
    """A server clock up to 30 s behind the issuer's still accepts the token; further is refused."""
    result = within_one_second(lambda s: {"iat": s + seconds_ahead, "exp": s + 3600})
    if accepted:
        assert result == "o-a"
    else:
        assert isinstance(result, Unauthorized) and result.code == "token_invalid"


def challenge(exc: Unauthorized) -> dict[str, str]:
    value = exc.headers["WWW-Authenticate"]
    assert value.startswith("Bearer ")
    return dict(re.findall(r'(\w+)="([^"]*)"', value))


@pytest.mark.parametrize("authorization, code, params", [
    (None, "token_missing", {"realm": "upvend"}),
    ("", "token_missing", {"realm": "upvend"}),
    ("Basic dXNlcjpwYXNz", "token_missing",
     {"realm": "upvend", "error": "invalid_request", "error_description": "scheme"}),
    ("Bearer ", "token_missing", {"realm": "upvend", "error": "invalid_request", "error_description": "scheme"}),
    ("Token abc.def.ghi", "token_missing",
     {"realm": "upvend", "error": "invalid_request", "error_description": "scheme"}),
    ("Bearer abc.def.ghi", "token_invalid",
     {"realm": "upvend", "error": "invalid_token", "error_description": "invalid"}),
], ids=["absent", "empty", "basic", "bearer-without-token", "other-scheme", "garbage-token"])
def test_each_refusal_carries_its_challenge(authorization, code, params):
    headers = {} if authorization is None else {"Authorization": authorization}
    with pytest.raises(Unauthorized) as caught:
        authenticate(headers)
    assert caught.value.status == 401 and caught.value.code == code
    assert challenge(caught.value) == params


@pytest.mark.parametrize("claims, description", [
    ({"sub": "o-a", "iss": "someone-else"}, "issuer"),
    ({"sub": "o-a"}, "claims"),
    ({"sub": "", "iss": "upvend"}, "subject"),
    ({"sub": 7, "iss": "upvend"}, "invalid"),
])
def test_token_refusals_name_what_is_wrong(claims, description):
    now = int(time.time())
    token = jwt.encode({"iat": now, "exp": now + 60, **claims}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized) as caught:
        verify_token(token)
    assert caught.value.code == "token_invalid"
    assert challenge(caught.value) == {"realm": "upvend", "error": "invalid_token", "error_description": description}


def test_the_bearer_scheme_and_header_name_are_case_insensitive_and_trimmed():
    token, _ = issue_token("o-bob")
    for headers in ({"AUTHORIZATION": f"BEARER {token}"}, {"authorization": f"  Bearer {token}  "},
                    {"Authorization": f"bEaReR   {token}"}):
        assert authenticate(headers) == "o-bob"


def test_issue_token_uses_the_given_time():
    token, ttl = issue_token("o-a", now=1_700_000_000.9)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    assert claims == {"sub": "o-a", "iat": 1_700_000_000, "exp": 1_700_000_000 + ttl, "iss": "upvend"}


def test_the_authorization_header_is_found_among_others():
    token, _ = issue_token("o-bob")
    headers = {"Host": "api.example", "Content-Type": "application/json", "authorization": f"Bearer {token}",
               "X-Other": "Bearer not-the-token"}
    assert authenticate(headers) == "o-bob"


_IMPORT_CHECKS = {
    # A cold start loads neither a JWT library nor cryptography, and leaves cryptography importable afterwards.
    "cold": """
import sys
import upvend.auth
assert "cryptography" not in sys.modules and "jwt" not in sys.modules, sorted(sys.modules)
import cryptography.hazmat.primitives.serialization
""",
    # A process that already has cryptography keeps that very module.
    "warm": """
import sys
import cryptography
before = sys.modules["cryptography"]
import upvend.auth
assert sys.modules["cryptography"] is before, "cryptography was replaced"
""",
}


@pytest.mark.parametrize("scenario", sorted(_IMPORT_CHECKS))
def test_importing_auth_keeps_cryptography_intact(scenario):
    import subprocess
    import sys

    check = _IMPORT_CHECKS[scenario] + """
token, _ = upvend.auth.issue_token("o-a")
assert upvend.auth.verify_token(token)["sub"] == "o-a"
"""
    env = {"UPVEND_JWT_SECRET": SECRET, "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in __import__("os").environ.items() if k in ("PYTHONPATH", "UPVEND_MUTANT")})
    result = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("subject, ok", [("a", True), ("o-" + "x" * 62, True), ("o-" + "x" * 63, False),
                                         ("", False), ("o a", False), ("o/a", False)])
def test_only_user_ids_become_session_subjects(subject, ok):
    if ok:
        assert verify_token(issue_token(subject)[0])["sub"] == subject
    else:
        with pytest.raises(ValueError):
            issue_token(subject)
