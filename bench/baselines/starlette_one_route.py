"""A one-route function on Starlette behind Mangum: the framework cost `asgi_router` is compared with."""

import base64
import hashlib
import hmac
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from mangum import Mangum  # noqa: E402
from sample_adapter import as_api_gateway  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

KEY = os.environ.get("BENCH_SIGNING_KEY", "bench-signing-key").encode()


async def sign(request):
    body = await request.body()
    return JSONResponse({"signature": base64.b64encode(hmac.new(KEY, body or b"{}", hashlib.sha1).digest()).decode()})


adapter = Mangum(Starlette(routes=[Route("/tencent/vod/signature", sign, methods=["POST"])]), lifespan="off")


def handler(event, context):
    return adapter(as_api_gateway(event), context)
