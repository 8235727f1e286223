"""Vendor-sample style: FastAPI app, full Aliyun SDK clients and a SQLAlchemy engine, all at import."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import oss2  # noqa: E402,F401  (the samples create OSS clients next to STS)
from aliyunsdkcore.auth.credentials import StsTokenCredential  # noqa: E402
from aliyunsdkcore.client import AcsClient  # noqa: E402
from aliyunsdksts.request.v20150401.AssumeRoleRequest import AssumeRoleRequest  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from mangum import Mangum  # noqa: E402
from sample_adapter import as_api_gateway  # noqa: E402
from sqlalchemy import Column, MetaData, String, Table, create_engine  # noqa: E402

engine = create_engine(os.environ.get("BENCH_SQLALCHEMY_URL", "sqlite://"))
uploads = Table("uploads", MetaData(), Column("id", String(64), primary_key=True))
client = AcsClient(region_id=os.environ.get("UPVEND_ALIYUN_REGION", "cn-hangzhou"), credential=StsTokenCredential(
    os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"], os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
    os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", "")))
app = FastAPI()


@app.post("/aliyun/sts")
def sts():
    request = AssumeRoleRequest()
    request.set_RoleArn(os.environ["UPVEND_ALIYUN_STS_ROLE_ARN"])
    request.set_RoleSessionName("upload")
    request.set_endpoint(os.environ["UPVEND_ALIYUN_STS_ENDPOINT"].split("://", 1)[1].rstrip("/"))
    request.set_protocol_type("http")
    return json.loads(client.do_action_with_exception(request))["Credentials"]


adapter = Mangum(app, lifespan="off")


def handler(event, context):
    return adapter(as_api_gateway(event), context)
