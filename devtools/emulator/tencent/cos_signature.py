"""COS signatures as the COS server checks them: the XML request signature and PostObject's.

Both start from SignKey = hex(HMAC-SHA1(SecretKey, KeyTime)).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, quote


def _hmac_sha1_hex(key: str, msg: str) -> str:
    return hmac.new(key.encode("utf-8"), msg.encode("utf-8"), hashlib.sha1).hexdigest()


def sign_key(secret_key: str, key_time: str) -> str:
    return _hmac_sha1_hex(secret_key, key_time)


def cos_encode(text: str) -> str:
    """UTF-8 percent-encoding of everything but letters, digits and `-_.~`."""
    return quote(text.encode("utf-8"), safe="-_.~")


def _pairs(items: dict[str, str]) -> tuple[str, str]:
    # COS "Request signature": a key is URL-encoded and then lowercased (so `%2F` is signed as `%2f`).
    encoded = sorted((cos_encode(k).lower(), cos_encode(v)) for k, v in items.items())
    return "&".join(f"{k}={v}" for k, v in encoded), ";".join(k for k, _ in encoded)


def xml_string_to_sign(key_time: str, method: str, path: str, params: dict[str, str],
                       headers: dict[str, str]) -> str:
    """`sha1\\nKeyTime\\nhex(sha1(HttpString))\\n` for the given (already chosen) params and headers."""
    http_params, _ = _pairs(params)
    http_headers, _ = _pairs(headers)
    http_string = f"{method.lower()}\n{path}\n{http_params}\n{http_headers}\n"
    return f"sha1\n{key_time}\n{hashlib.sha1(http_string.encode('utf-8')).hexdigest()}\n"


def xml_request_signature(secret_key: str, key_time: str, method: str, path: str, params: dict[str, str],
                          headers: dict[str, str]) -> str:
    """q-signature of an XML API request; `path` is the decoded URI path."""
    return _hmac_sha1_hex(sign_key(secret_key, key_time), xml_string_to_sign(key_time, method, path, params,
                                                                             headers))


def header_list(headers: dict[str, str]) -> str:
    """q-header-list (or q-url-param-list) for these names."""
    return _pairs(headers)[1]


def post_policy_signature(secret_key: str, key_time: str, policy_text: bytes) -> str:
    """q-signature of a PostObject form: HMAC-SHA1(SignKey, hex(sha1(policy bytes)))."""
    return _hmac_sha1_hex(sign_key(secret_key, key_time), hashlib.sha1(policy_text).hexdigest())


def parse_cos_authorization(value: str) -> dict[str, str]:
    """The q-* pairs of an `Authorization` header (or of a presigned URL's query)."""
    return {k: v for k, v in parse_qsl(value.strip(), keep_blank_values=True) if k.startswith("q-")}
