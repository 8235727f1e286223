"""A one-route function on a small ASGI router of its own, behind the same Mangum as the Starlette one.

Bench baseline only: it answers what `starlette_one_route` answers, so the two differ only in the framework.
"""

import base64
import hashlib
import hmac
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from mangum import Mangum  # noqa: E402
from sample_adapter import as_api_gateway  # noqa: E402

KEY = os.environ.get("BENCH_SIGNING_KEY", "bench-signing-key").encode()


async def _body(receive):
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def sign(body):
    signature = base64.b64encode(hmac.new(KEY, body or b"{}", hashlib.sha1).digest()).decode()
    return 200, {"signature": signature}


class Router:
    """Routes by exact (method, path); anything else is a 404 or 405 JSON answer."""

    def __init__(self, routes):
        self.routes = routes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        paths = {path for _, path in self.routes}
        endpoint = self.routes.get((scope["method"], scope["path"]))
        if endpoint is not None:
            status, answer = await endpoint(await _body(receive))
        else:
            status, answer = (405, {"error": "method not allowed"}) if scope["path"] in paths else \
                (404, {"error": "not found"})
        payload = json.dumps(answer).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


adapter = Mangum(Router({("POST", "/tencent/vod/signature"): sign}), lifespan="off")


def handler(event, context):
    return adapter(as_api_gateway(event), context)
