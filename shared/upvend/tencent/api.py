"""Calls to Tencent Cloud API 3.0 through tencentcloud-sdk-python, with typed errors.

The SDK is imported inside the functions that use it, so a cold start that
never calls Tencent pays nothing for it.
"""

from __future__ import annotations

from typing import Any, Callable, FrozenSet, TypeVar
from urllib.parse import urlsplit

from upvend import settings
from upvend.errors import RateLimited, UpstreamError, UpvendError, ValidationFailed
from upvend.kept_clients import KeptClients
from upvend.logs import get_logger, redact_text
from upvend.tencent.config import RoleCredentials

log = get_logger("upvend.tencent")
Result = TypeVar("Result")

_NETWORK_CODES = {"ClientNetworkError", "ServerNetworkError"}
_THROTTLING_PREFIXES = ("RequestLimitExceeded",)


# One client per (API, endpoint, key, region, timeout): a new client is a new HTTP session, so every call
# paid a new connection (on the cloud, a TLS handshake).
_CLIENTS = KeptClients(8)


def sdk_client(client_class_path: str, endpoint_setting: str, credentials: RoleCredentials, region: str,
               timeout: float | None = None) -> Any:
    """The SDK client (e.g. 'tencentcloud.sts.v20180813.sts_client.StsClient') for the endpoint setting.

    `timeout` overrides UPVEND_TENCENT_TIMEOUT_SECONDS (e.g. for long polls)."""
    endpoint = settings.get(endpoint_setting)
    timeout = timeout or settings.get("TENCENT_TIMEOUT_SECONDS")
    key = (client_class_path, endpoint, credentials.secret_id, credentials.secret_key, credentials.token, region,
           float(timeout))
    return _CLIENTS.get(key, lambda: _new_client(client_class_path, endpoint, credentials, region, timeout))


def _new_client(client_class_path: str, endpoint_url: str, credentials: RoleCredentials, region: str,
                timeout: float) -> Any:
    from importlib import import_module

    from tencentcloud.common.credential import Credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    module_name, class_name = client_class_path.rsplit(".", 1)
    client_class = getattr(import_module(module_name), class_name)
    endpoint = urlsplit(endpoint_url)
    http = HttpProfile(protocol=endpoint.scheme, endpoint=endpoint.netloc, reqTimeout=timeout, keepAlive=True)
    credential = Credential(credentials.secret_id, credentials.secret_key, credentials.token)
    return client_class(credential, region, ClientProfile(httpProfile=http))


def call_tencent(service: str, action: str, call: Callable[[], Result],
                 client_fault_codes: FrozenSet[str] = frozenset()) -> Result:
    """Run one SDK call; a TencentCloudSDKException becomes an UpvendError carrying the Tencent code."""
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    try:
        return call()
    except TencentCloudSDKException as exc:
        error = tencent_error(service, action, str(exc.get_code() or ""), str(exc.get_message() or ""),
                              exc.get_request_id(), client_fault_codes)
        log.warning("tencent call failed", extra={"service": service, "action": action,
                                                  "tencentCode": exc.get_code(),
                                                  "tencentRequestId": exc.get_request_id()})
        raise error from None


def tencent_error(service: str, action: str, code: str, message: str, request_id: str | None,
                  client_fault_codes: FrozenSet[str] = frozenset()) -> UpvendError:
    """Map a Tencent error code: throttling → 429, caller-caused codes → 400, the rest → 502."""
    details = {"tencentCode": code, "tencentRequestId": request_id}
    text = redact_text(message)[:160]
    if code in _NETWORK_CODES:
        return UpstreamError(f"Tencent Cloud {service} is unreachable or did not answer ({action}).",
                             code="tencent_unreachable", details=details)
    if code.startswith(_THROTTLING_PREFIXES):
        return RateLimited(f"Tencent Cloud {service} is throttling {action} ({code}); retry later.",
                           code="tencent_rate_limited", details=details, headers={"Retry-After": "1"})
    if code in client_fault_codes:
        return ValidationFailed(f"Tencent Cloud {service} refused the request ({code}): {text}",
                                code="tencent_invalid_request", details=details)
    return UpstreamError(f"Tencent Cloud {service} refused {action} ({code}): {text}",
                         code="tencent_error", details=details)
