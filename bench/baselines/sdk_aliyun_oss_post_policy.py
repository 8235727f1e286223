"""Vendor-sample style: FastAPI app, oss2 client and a SQLAlchemy engine, all at import."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import oss2  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from mangum import Mangum  # noqa: E402
from sample_adapter import as_api_gateway  # noqa: E402
from sqlalchemy import Column, MetaData, String, Table, create_engine  # noqa: E402

engine = create_engine(os.environ.get("BENCH_SQLALCHEMY_URL", "sqlite://"))
uploads = Table("uploads", MetaData(), Column("id", String(64), primary_key=True))
auth = oss2.StsAuth(os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"], os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
                    os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", ""))
bucket = oss2.Bucket(auth, os.environ["UPVEND_ALIYUN_OSS_ENDPOINT"], os.environ["UPVEND_ALIYUN_OSS_BUCKET"])
app = FastAPI()


@app.post("/aliyun/oss/post-policy")
def post_policy():
    expire = int(time.time()) + 30
    policy = {"expiration": datetime.datetime.fromtimestamp(expire, datetime.timezone.utc).isoformat(),
              "conditions": [["starts-with", "$key", "uploads/"]]}
    policy_b64 = base64.b64encode(json.dumps(policy).encode()).decode()
    digest = hmac.new(os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"].encode(), policy_b64.encode(), hashlib.sha1)
    return {"policy": policy_b64, "signature": base64.b64encode(digest.digest()).decode(),
            "host": bucket.endpoint, "expire": expire}


adapter = Mangum(app, lifespan="off")


def handler(event, context):
    return adapter(as_api_gateway(event), context)
