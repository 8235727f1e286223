"""The Aliyun RPC endpoint (STS `2015-04-01`, VOD `2017-03-21`): signature, token and permission checks.

The SDKs POST to `/` with every parameter in the query string; this service
claims such requests by their `Action` + `SignatureVersion` parameters.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.aliyun.keys import AccessKey
from devtools.emulator.aliyun.rpc_signature import rpc_signature_valid, rpc_string_to_sign
from devtools.emulator.aliyun.state import AliyunState, RpcError
from devtools.emulator.service import Service

Handler = Callable[[dict[str, str], AccessKey], dict[str, Any]]
_REQUIRED = ("Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce",
             "Timestamp", "Signature")
_SKEW = timedelta(minutes=15)
PRODUCTS = {"2015-04-01": "sts", "2017-03-21": "vod"}


def error_body(code: str, message: str, request_id: str) -> dict[str, Any]:
    return {"RequestId": request_id, "HostId": "emulator.aliyuncs.com", "Code": code, "Message": message,
            "Recommend": "https://api.aliyun.com/troubleshoot?q=" + code}


class RpcService(Service):
    name = "aliyun-rpc"

    def __init__(self, state: AliyunState, handlers: dict[tuple[str, str], Handler]) -> None:
        self.state = state
        self.handlers = handlers

    def matches(self, request: Request) -> bool:
        q = request.query_params
        return request.url.path == "/" and "Action" in q and "SignatureVersion" in q

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4()).upper()
        params = dict(request.query_params)
        body = await request.body()
        if body and "x-www-form-urlencoded" in request.headers.get("content-type", ""):
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        try:
            key = self._authenticate(request.method, params)
            action = params["Action"]
            self.state.count(action)
            fault = self.state.take_fault(action)
            if fault is not None:
                await asyncio.sleep(fault.delay_seconds)
                if fault.code:
                    raise RpcError(fault.code, fault.message, fault.status)
            handler = self.handlers.get((PRODUCTS[params["Version"]], action))
            if handler is None:
                raise RpcError("InvalidAction.NotFound", f"Specified api {action} is not found.", 404)
            answer = handler(params, key)
        except RpcError as exc:
            return JSONResponse(error_body(exc.code, exc.message, request_id), status_code=exc.status)
        return JSONResponse({"RequestId": request_id, **answer})

    def _authenticate(self, method: str, params: dict[str, str]) -> AccessKey:
        missing = [p for p in _REQUIRED if not params.get(p)]
        if missing:
            raise RpcError("MissingParameter", f"The input parameter \"{missing[0]}\" that is mandatory "
                                               "for processing this request is not supplied.")
        if params["Version"] not in PRODUCTS:
            raise RpcError("InvalidVersion", "Specified parameter Version is not valid.")
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            raise RpcError("InvalidSignatureMethod", "Specified signature method is not supported.")
        try:
            stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            raise RpcError("InvalidTimeStamp.Format", "Specified time stamp is not valid.") from None
        if abs(datetime.now(timezone.utc) - stamp) > _SKEW:
            raise RpcError("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        key = self.state.keys.authenticate(params["AccessKeyId"], params.get("SecurityToken"))
        if not rpc_signature_valid(key.secret, method, params):
            raise RpcError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. "
                                                    "server string to sign is:" + rpc_string_to_sign(method, params))
        with self.state.lock:
            if params["SignatureNonce"] in self.state.nonces:
                raise RpcError("SignatureNonceUsed", "Specified signature nonce was used already.")
            self.state.nonces.add(params["SignatureNonce"])
        return key
