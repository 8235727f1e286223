"""The pinned HS256 check: tokens PyJWT makes verify, and every forgery an attacker can shape is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

from upvend.jwt_hs256 import MAX_TOKEN_CHARS, TokenExpired, TokenRefused, sign, verify

KEY = "unit-test-jwt-secret-0123456789-abcdef"
NOW = 1_800_000_000


def claims(**extra) -> dict:
    return {"sub": "o-a", "iat": NOW, "exp": NOW + 60, "iss": "upvend", **extra}


def check(token: str, now: float = NOW) -> dict:
    return verify(token, KEY, now=now, leeway=30, issuer="upvend")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict, payload: dict, key: str = KEY, digest=hashlib.sha256) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(hmac.new(key.encode(), signing_input.encode(), digest).digest())}"


def refused(token: str, reason: str = "invalid") -> TokenRefused:
    with pytest.raises(TokenRefused) as caught:
        check(token)
    assert caught.value.reason == reason, caught.value
    return caught.value


def test_pyjwt_tokens_verify_and_ours_decode_with_pyjwt():
    assert check(jwt.encode(claims(), KEY, algorithm="HS256")) == claims()
    ours = sign(claims(), KEY)
    assert jwt.decode(ours, KEY, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False}) \
        == claims()
    assert jwt.get_unverified_header(ours) == {"alg": "HS256", "typ": "JWT"}


@pytest.mark.parametrize("header", [{"alg": "none"}, {"alg": "HS512"}, {"alg": "RS256"}, {"alg": "hs256"},
                                    {"typ": "JWT"}, {"alg": ["HS256"]}])
def test_only_the_pinned_algorithm_is_accepted_even_with_a_valid_hmac(header):
    # the HMAC-SHA256 over the input is right; only the header's claim about the algorithm differs
    refused(hand_made(header, claims()))


def test_alg_none_without_a_signature_is_refused():
    token = jwt.encode(claims(), None, algorithm="none")
    assert token.endswith(".")
    refused(token)


def test_a_header_with_critical_extensions_is_refused():
    refused(hand_made({"alg": "HS256", "crit": ["exp"], "exp": 1}, claims()))


def test_hs512_with_the_same_key_is_refused():
    refused(jwt.encode(claims(), KEY + "x" * 40, algorithm="HS512"))
    refused(hand_made({"alg": "HS256"}, claims(), digest=hashlib.sha512))


def test_a_tampered_payload_or_key_is_refused():
    header, _, signature = sign(claims(), KEY).split(".")
    other = sign(claims(sub="o-mallory"), KEY).split(".")[1]
    refused(f"{header}.{other}.{signature}")
    refused(sign(claims(), KEY + "-other"))


def test_a_non_canonical_signature_encoding_is_refused():
    token = sign(claims(), KEY)
    head, last = token[:-1], token[-1]
    # 32 bytes -> 43 characters; the last carries 2 unused bits, so 4 characters decode to the same bytes
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = alphabet[alphabet.index(last) ^ 1]
    assert base64.urlsafe_b64decode(head.split(".")[2] + twin + "=") == \
        base64.urlsafe_b64decode(head.split(".")[2] + last + "=")
    refused(head + twin)
    refused(token + "=")  # padding is not base64url as JWS writes it


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "e30.e30.", "!!.e30.x", "e30.W10.x", "bnVsbA.e30.x",
                                   "é.e30.x", "\u0660.e30.x"])
def test_malformed_tokens_are_refused(token):
    refused(token)


def test_a_payload_that_is_not_an_object_is_refused_after_a_valid_signature():
    header = b64(b'{"alg":"HS256"}')
    signing_input = f"{header}.{b64(b'[1,2]')}"
    signature = b64(hmac.new(KEY.encode(), signing_input.encode(), hashlib.sha256).digest())
    refused(f"{signing_input}.{signature}")


def test_an_oversized_token_is_refused_before_any_work():
    refused(sign(claims(pad="x" * MAX_TOKEN_CHARS), KEY))


@pytest.mark.parametrize("name, reason", [("sub", "claims"), ("iat", "claims"), ("exp", "claims"),
                                          ("iss", "claims")])
def test_required_claims(name, reason):
    data = claims()
    del data[name]
    refused(sign(data, KEY), reason)


@pytest.mark.parametrize("extra", [{"sub": 7}, {"iat": "1800000000"}, {"exp": True}, {"exp": None},
                                   {"nbf": NOW + 31}, {"iat": NOW + 31}, {"aud": "upvend"}])
def test_wrongly_typed_or_future_claims_are_refused(extra):
    refused(sign(claims(**extra), KEY))


def test_issuer_is_checked():
    refused(sign(claims(iss="someone-else"), KEY), "issuer")


def test_expiry_and_issue_time_leeway():
    token = sign(claims(iat=NOW, exp=NOW + 60), KEY)
    assert check(token, now=NOW + 89.9)
    with pytest.raises(TokenExpired):
        check(token, now=NOW + 90)
    assert check(token, now=NOW - 30)  # the verifier's clock 30 s behind the issuer's
    with pytest.raises(TokenRefused):
        check(token, now=NOW - 30.5)


def test_the_signature_is_compared_in_constant_time(monkeypatch):
    import upvend.jwt_hs256 as module

    compared = []
    monkeypatch.setattr(module.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or a == b)
    check(sign(claims(), KEY))
    assert len(compared) == 1


def test_tokens_issued_now_verify_at_the_real_time():
    now = int(time.time())
    assert verify(sign(claims(iat=now, exp=now + 60), KEY), KEY, now=time.time(), leeway=30, issuer="upvend")
