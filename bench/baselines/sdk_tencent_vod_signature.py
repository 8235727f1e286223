"""Vendor-sample style: FastAPI app, the full Tencent Cloud SDK VOD client and a SQLAlchemy engine, at import."""

import base64
import hashlib
import hmac
import os
import random
import sys
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(__file__))

from fastapi import FastAPI  # noqa: E402
from mangum import Mangum  # noqa: E402
from sample_adapter import as_api_gateway  # noqa: E402
from sqlalchemy import Column, MetaData, String, Table, create_engine  # noqa: E402
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.vod.v20180717 import vod_client  # noqa: E402

engine = create_engine(os.environ.get("BENCH_SQLALCHEMY_URL", "sqlite://"))
uploads = Table("uploads", MetaData(), Column("id", String(64), primary_key=True))
cred = credential.Credential(os.environ["UPVEND_TENCENT_VOD_SECRET_ID"], os.environ["UPVEND_TENCENT_VOD_SECRET_KEY"])
client = vod_client.VodClient(cred, "")
app = FastAPI()


@app.post("/tencent/vod/signature")
def signature():
    now = int(time.time())
    original = urlencode({"secretId": cred.secret_id, "currentTimeStamp": now, "expireTime": now + 86400,
                          "random": random.randint(0, 1000000)})
    mac = hmac.new(cred.secret_key.encode(), original.encode(), hashlib.sha1).digest()
    return {"signature": base64.b64encode(mac + original.encode()).decode()}


adapter = Mangum(app, lifespan="off")


def handler(event, context):
    return adapter(as_api_gateway(event), context)
