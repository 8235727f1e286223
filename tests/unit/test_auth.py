"""Session tokens: issue, verify, and every way a token can be refused."""

from __future__ import annotations

import time

import jwt
import pytest

from upvend.auth import authenticate, issue_token, verify_token
from upvend.errors import ConfigurationError, Unauthorized

SECRET = "unit-test-jwt-secret-0123456789-abcdef"


@pytest.fixture(autouse=True)
def jwt_secret(monkeypatch):
    monkeypatch.setenv("UPVEND_JWT_SECRET", SECRET)
    monkeypatch.delenv("UPVEND_JWT_TTL_SECONDS", raising=False)


def forge(claims: dict, key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def now() -> int:
    return int(time.time())


def test_issued_token_verifies_with_all_claims():
    token, ttl = issue_token("o-alice")
    claims = verify_token(token)
    assert claims["sub"] == "o-alice" and claims["iss"] == "upvend"
    assert claims["exp"] - claims["iat"] == ttl == 7200


def test_ttl_setting(monkeypatch):
    monkeypatch.setenv("UPVEND_JWT_TTL_SECONDS", "60")
    token, ttl = issue_token("o-alice")
    assert ttl == 60 and verify_token(token)["exp"] - verify_token(token)["iat"] == 60


def test_authenticate_reads_bearer_case_insensitively():
    token, _ = issue_token("o-bob")
    assert authenticate({"authorization": f"Bearer {token}"}) == "o-bob"
    assert authenticate({"Authorization": f"bearer  {token} "}) == "o-bob"


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, "token_missing"),
        ({"Authorization": ""}, "token_missing"),
        ({"Authorization": "Bearer"}, "token_missing"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "token_missing"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_invalid"),
    ],
)
def test_missing_or_malformed_header(headers, code):
    with pytest.raises(Unauthorized) as caught:
        authenticate(headers)
    assert caught.value.status == 401 and caught.value.code == code
    assert caught.value.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "token, code",
    [
        (lambda: forge({"sub": "o-a", "iat": now() - 7200, "exp": now() - 3600, "iss": "upvend"}), "token_expired"),
        (lambda: forge({"sub": "o-a", "iat": now(), "exp": now() + 60, "iss": "upvend"}, key="another-secret-0000000000000000000000"),
         "token_invalid"),
        (lambda: forge({"sub": "o-a", "iat": now(), "exp": now() + 60, "iss": "someone-else"}), "token_invalid"),
        (lambda: forge({"sub": "o-a", "iat": now(), "exp": now() + 60}), "token_invalid"),
        (lambda: forge({"iat": now(), "exp": now() + 60, "iss": "upvend"}), "token_invalid"),
        (lambda: forge({"sub": "o-a", "iat": now(), "iss": "upvend"}), "token_invalid"),
        (lambda: forge({"sub": "", "iat": now(), "exp": now() + 60, "iss": "upvend"}), "token_invalid"),
        (lambda: forge({"sub": "o-a", "iat": now(), "exp": now() + 60, "iss": "upvend"}, key=SECRET + "x" * 40,
                       algorithm="HS512"), "token_invalid"),
        (lambda: jwt.encode({"sub": "o-a", "iat": now(), "exp": now() + 60, "iss": "upvend"}, None,
                            algorithm="none"), "token_invalid"),
    ],
    ids=["expired", "forged-key", "wrong-issuer", "no-issuer", "no-sub", "no-exp", "empty-sub", "hs512", "alg-none"],
)
def test_every_bad_token_is_401(token, code):
    with pytest.raises(Unauthorized) as caught:
        authenticate({"Authorization": f"Bearer {token()}"})
    assert caught.value.code == code and caught.value.status == 401
    assert 'error="invalid_token"' in caught.value.headers["WWW-Authenticate"]


def test_tampered_payload_is_refused():
    token, _ = issue_token("o-alice")
    header, payload, signature = token.split(".")
    other = forge({"sub": "o-mallory", "iat": now(), "exp": now() + 60, "iss": "upvend"}).split(".")[1]
    with pytest.raises(Unauthorized):
        verify_token(f"{header}.{other}.{signature}")


def test_missing_or_short_secret_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv("UPVEND_JWT_SECRET")
    with pytest.raises(ConfigurationError, match="UPVEND_JWT_SECRET is not set"):
        issue_token("o-a")
    monkeypatch.setenv("UPVEND_JWT_SECRET", "short")
    with pytest.raises(ConfigurationError, match="UPVEND_JWT_SECRET is malformed") as caught:
        issue_token("o-a")
    assert "short" not in caught.value.message
