"""Tencent Cloud API 3.0 endpoint: TC3-HMAC-SHA256 verification and STS AssumeRole.

Requests are claimed by their `Authorization: TC3-HMAC-SHA256 ...` header, as
every API 3.0 SDK call carries one. Errors come back as HTTP 200 with
`{"Response": {"Error": {...}, "RequestId"}}`, as Tencent answers them.
"""

from __future__ import annotations

import hmac
import json
import re
import time
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.service import Service
from devtools.emulator.tencent.state import TencentState
from devtools.emulator.tencent.tc3 import canonical_request, parse_authorization, tc3_signature

MAX_SKEW_SECONDS = 300
STS_VERSION = "2018-08-13"
_SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,128}$")


class TencentApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _answer(payload: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"Response": {**payload, "RequestId": str(uuid.uuid4())}})


class TencentApiService(Service):
    name = "tencent-api"

    def __init__(self, state: TencentState) -> None:
        self.state = state

    def matches(self, request: Request) -> bool:
        return request.method == "POST" and request.headers.get("authorization", "").startswith("TC3-HMAC-SHA256")

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        try:
            service = self.authenticate(request, body)
            action = request.headers.get("x-tc-action", "")
            self.state.counters.add(action)
            fault = self.state.faults.take(action)
            if fault:
                raise TencentApiError(fault.code, fault.message)
            if service == "sts" and action == "AssumeRole":
                return _answer(self.assume_role(request, body))
            raise TencentApiError("InvalidAction", f"The action {action} is not emulated for {service}.")
        except TencentApiError as exc:
            return _answer({"Error": {"Code": exc.code, "Message": exc.message}})

    def authenticate(self, request: Request, body: bytes, *, region_required: bool = True) -> str:
        """Verify TC3-HMAC-SHA256 (and X-TC-Token for temporary keys); returns the signed service.

        Region-less services (VOD) pass `region_required=False`."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        auth = parse_authorization(headers.get("authorization", ""))
        if auth is None:
            raise TencentApiError("AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256.")
        if not {"content-type", "host"} <= set(auth.signed_headers):
            raise TencentApiError("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type;host.")
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            raise TencentApiError("MissingParameter", "X-TC-Timestamp is missing or not an integer.") from None
        if abs(time.time() - timestamp) > MAX_SKEW_SECONDS:
            raise TencentApiError("AuthFailure.SignatureExpire", "Signature expired: X-TC-Timestamp is more "
                                  "than 5 minutes from server time.")
        if auth.date != datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d"):
            raise TencentApiError("AuthFailure.SignatureFailure", "Credential date is not the UTC date of "
                                  "X-TC-Timestamp.")
        key = self.state.keys.get(auth.secret_id)
        if key is None:
            raise TencentApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        if key.token is not None and not hmac.compare_digest(headers.get("x-tc-token", ""), key.token):
            raise TencentApiError("AuthFailure.TokenFailure", "X-TC-Token is missing or does not belong to the key.")
        if key.expired(time.time()):
            raise TencentApiError("AuthFailure.TokenFailure", "The temporary key has expired.")
        canonical = canonical_request(request.method, request.url.path, request.url.query, headers,
                                      auth.signed_headers, body)
        expected = tc3_signature(key.secret_key, timestamp, auth.service, canonical)
        if not hmac.compare_digest(expected, auth.signature):
            raise TencentApiError("AuthFailure.SignatureFailure", "The provided credentials could not be "
                                  "validated: the signature does not match.")
        if region_required and not headers.get("x-tc-region"):
            raise TencentApiError("MissingParameter", "X-TC-Region is required.")
        return auth.service

    def assume_role(self, request: Request, body: bytes) -> dict[str, Any]:
        if request.headers.get("x-tc-version") != STS_VERSION:
            raise TencentApiError("InvalidParameter", f"Version must be {STS_VERSION}.")
        try:
            params = json.loads(body or b"{}")
        except json.JSONDecodeError:
            raise TencentApiError("InvalidParameter", "The body is not JSON.") from None
        account = self.state.account
        if params.get("RoleArn") != account.role_arn:
            raise TencentApiError("ResourceNotFound.RoleNotExist", "The role does not exist.")
        if not _SESSION_NAME_RE.match(str(params.get("RoleSessionName", ""))):
            raise TencentApiError("InvalidParameter.ParamError", "RoleSessionName must be 2-128 of [\\w+=,.@-].")
        duration = params.get("DurationSeconds", 7200)
        if not isinstance(duration, int) or not 0 < duration <= 43200:
            raise TencentApiError("InvalidParameter.ParamError", "DurationSeconds must be at most 43200.")
        policy = self._session_policy(params.get("Policy"))
        keys = self.state.keys.issue(policy, duration, issued_by=f"AssumeRole {params['RoleSessionName']}")
        self.state.assumed_roles.append({"RoleArn": params["RoleArn"], "RoleSessionName": params["RoleSessionName"],
                                         "DurationSeconds": duration, "Policy": policy,
                                         "TmpSecretId": keys.secret_id})
        expired = int(keys.expires_at or 0)
        return {"Credentials": {"Token": keys.token, "TmpSecretId": keys.secret_id, "TmpSecretKey": keys.secret_key},
                "ExpiredTime": expired,
                "Expiration": datetime.fromtimestamp(expired, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}

    @staticmethod
    def _session_policy(raw: Any) -> dict[str, Any] | None:
        if raw is None:
            return None
        try:
            policy = json.loads(unquote(str(raw)))
        except json.JSONDecodeError:
            raise TencentApiError("InvalidParameter.PolicyError", "Policy is not URL-encoded JSON.") from None
        if not isinstance(policy, dict) or not isinstance(policy.get("statement"), list):
            raise TencentApiError("InvalidParameter.PolicyError", "Policy needs a statement list.")
        if "principal" in json.dumps(policy):
            raise TencentApiError("InvalidParameter.PolicyError", "Policy must not contain principal.")
        return policy
