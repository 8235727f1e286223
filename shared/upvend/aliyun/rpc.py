"""Calling Aliyun RPC APIs (STS, VOD) through aliyunsdkcore, with typed errors.

The SDK is imported on the first call only. Each call has the configured
timeout and no automatic retry (the caller's client retries; a retry loop here
could outlive the function's own timeout).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from upvend import settings
from upvend.aliyun.config import Endpoint, region
from upvend.aliyun.credentials import AliyunCredentials
from upvend.errors import BadRequest, RateLimited, UpstreamError, UpstreamUnavailable, UpvendError
from upvend.kept_clients import KeptClients

# Errors that mean the function's own credentials or role are wrong, not the caller's input.
_SERVER_SIDE_CODES = ("InvalidAccessKeyId", "InvalidAccessKeySecret", "SignatureDoesNotMatch",
                      "InvalidSecurityToken", "NoPermission", "Forbidden", "EntityNotExist.Role", "InvalidParameter.RoleArn", "IncompleteSignature",
                      "InvalidTimeStamp", "SignatureNonceUsed", "MissingSecurityToken", "InvalidStorage")
_MESSAGE_LIMIT = 200


class AliyunRejected(BadRequest):
    """Aliyun refused the request as invalid (4xx); carries Aliyun's error code."""

    code = "upstream_rejected"


def _quiet_sdk_logs() -> None:
    # The SDK logs whole server errors, which for signature errors include the
    # string to sign (with the security token, encoded past our redaction).
    logging.getLogger("aliyunsdkcore").setLevel(logging.CRITICAL)


# Building an AcsClient loads the SDK's endpoint tables (~4 ms) and opens a new HTTP session, so one client
# per key is kept: its session keeps the connection to VOD/STS alive between invocations.
_CLIENTS = KeptClients(4, on_drop=lambda client: client.session.close())


def _client(credentials: AliyunCredentials, timeout: float) -> Any:
    key = (region(), credentials.access_key_id, credentials.access_key_secret, credentials.security_token or "",
           float(timeout))
    return _CLIENTS.get(key, lambda: _new_client(credentials, timeout))


def _new_client(credentials: AliyunCredentials, timeout: float) -> Any:
    from aliyunsdkcore.client import AcsClient

    if credentials.security_token:
        from aliyunsdkcore.auth.credentials import StsTokenCredential
        credential = StsTokenCredential(credentials.access_key_id, credentials.access_key_secret,
                                        credentials.security_token)
    else:
        from aliyunsdkcore.auth.credentials import AccessKeyCredential
        credential = AccessKeyCredential(credentials.access_key_id, credentials.access_key_secret)
    return AcsClient(region_id=region(), credential=credential, auto_retry=False,
                     timeout=timeout, connect_timeout=timeout)


def call(service: str, endpoint: Endpoint, credentials: AliyunCredentials,
         build_request: Callable[[], Any]) -> dict[str, Any]:
    """Send the request `build_request()` makes to `endpoint`; return the decoded JSON answer."""
    from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException

    _quiet_sdk_logs()
    timeout = settings.get("ALIYUN_TIMEOUT_SECONDS")
    request = build_request()
    request.set_endpoint(endpoint.netloc)
    request.set_protocol_type(endpoint.scheme)  # request classes such as AssumeRole force https
    request.set_accept_format("JSON")
    try:
        raw = _client(credentials, timeout).do_action_with_exception(request)
    except ServerException as exc:
        raise map_server_error(service, exc.get_http_status(), exc.get_error_code(), exc.get_error_msg(),
                               exc.get_request_id()) from None
    except ClientException as exc:
        raise map_client_error(service, exc.get_error_code(), exc.get_error_msg(), timeout) from None
    try:
        answer = json.loads(raw)
    except (TypeError, ValueError):
        raise UpstreamError(f"{service} returned an answer that is not JSON.") from None
    if not isinstance(answer, dict):
        raise UpstreamError(f"{service} returned an unexpected answer.")
    return answer


def map_server_error(service: str, status: int | None, code: str | None, message: str | None,
                     request_id: str | None) -> UpvendError:
    """An Aliyun error answer as the error our caller sees."""
    code = code or "Unknown"
    status = status or 500
    details = {"aliyunCode": code, "aliyunRequestId": request_id}
    if code.startswith("Throttling") or status == 429:
        return RateLimited(f"{service} is throttling requests ({code}); retry later.",
                           code="upstream_throttled", details=details, headers={"Retry-After": "1"})
    if status >= 500:
        cls = UpstreamUnavailable if status == 503 or code == "ServiceUnavailable" else UpstreamError
        return cls(f"{service} failed ({code}).", details=details)
    if code.startswith(_SERVER_SIDE_CODES):
        # Never echo these messages: signature errors repeat the string to sign.
        return UpstreamError(f"{service} refused the function's credentials or configuration ({code}).",
                             code="upstream_refused", details=details)
    text = " ".join((message or "").split())[:_MESSAGE_LIMIT]
    return AliyunRejected(f"{service} rejected the request: {code}" + (f" ({text})" if text else "") + ".",
                          details=details)


def map_client_error(service: str, code: str | None, message: str | None, timeout: float) -> UpvendError:
    """A failure before any answer (timeout, connection refused, bad SDK input)."""
    text = (message or "").lower()
    if "timed out" in text or "timeout" in text:
        return UpstreamError(f"{service} did not answer within {timeout:g} s.", code="upstream_timeout")
    if code == "SDK.HttpError":
        return UpstreamUnavailable(f"{service} is unreachable.", code="upstream_unreachable")
    return UpstreamError(f"Calling {service} failed ({code}).", code="upstream_error")
