"""Peer style (the OSS "appserver" sample): a V1 PostObject policy, no caller auth, no size or type limits."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import time


def handler(event, context):
    expire = int(time.time()) + 30
    policy = {"expiration": datetime.datetime.utcfromtimestamp(expire).isoformat() + "Z",
              "conditions": [["starts-with", "$key", "uploads/"]]}
    policy_b64 = base64.b64encode(json.dumps(policy).encode()).decode()
    secret = os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"].encode()
    signature = base64.b64encode(hmac.new(secret, policy_b64.encode(), hashlib.sha1).digest()).decode()
    body = {"accessid": os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"], "host": os.environ["UPVEND_ALIYUN_OSS_ENDPOINT"],
            "policy": policy_b64, "signature": signature, "expire": expire, "dir": "uploads/"}
    return {"statusCode": 200, "headers": {"content-type": "application/json", "access-control-allow-origin": "*"},
            "body": json.dumps(body)}
