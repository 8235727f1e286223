"""Who may read an emulated COS object: a request signature (header or presigned query) whose key may
GetObject there, or, on the VOD storage bucket (VOD's distribution domain), a Key-hotlink-signed URL.

Buckets are private: an unsigned GET answers 403 AccessDenied. An image-processing
parameter (`imageMogr2/...`) is accepted and answers the original image (the
emulator does no image processing).
"""

from __future__ import annotations

import hmac
from typing import Any, Mapping

from devtools.emulator.cdn_url_auth import UrlAuthFailed, check_key_hotlink
from devtools.emulator.tencent.cos_signature import cos_encode, parse_cos_authorization, xml_request_signature


def authorize_read(service: Any, method: str, address: Any, url_path: str, query: Mapping[str, str],
                   headers: Mapping[str, str]) -> None:
    """Raise CosError unless this GET/HEAD may read the object. `headers` have lowercase names."""
    from devtools.emulator.tencent.cos import CosError  # cos imports this module

    play_key = service.emulator.config.tencent_vod_play_key
    if address.bucket == service.state.vod_bucket and play_key:
        try:
            check_key_hotlink(url_path, query, play_key)
        except UrlAuthFailed as exc:
            raise CosError(403, "AccessDenied", f"Hotlink protection refused the URL: {exc}.") from None
        return
    auth = parse_cos_authorization(headers.get("authorization", "")) or \
        {k: v for k, v in query.items() if k.startswith("q-")}
    key = service.signing_key(auth, headers.get("x-cos-security-token") or query.get("x-cos-security-token"))
    signed_headers = {name: headers.get(name, "") for name in auth.get("q-header-list", "").split(";") if name}
    # q-url-param-list names the parameters lowercased and encoded, as the signature covers them.
    by_name = {cos_encode(k).lower(): (k, v) for k, v in query.items()}
    signed_params = dict(by_name.get(name, (name, "")) for name in auth.get("q-url-param-list", "").split(";")
                         if name)
    expected = xml_request_signature(key.secret_key, auth["q-key-time"], method, address.path, signed_params,
                                     signed_headers)
    if not hmac.compare_digest(expected, auth.get("q-signature", "")):
        raise CosError(403, "SignatureDoesNotMatch", "The Signature you specified does not match what we "
                                                      "calculated.")
    service.authorize(key, "name/cos:GetObject", address)
