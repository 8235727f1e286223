"""Peer style (vod-server-demo): a VOD upload signature for anyone who asks."""

import base64
import hashlib
import hmac
import json
import os
import random
import time
from urllib.parse import urlencode


def handler(event, context):
    now = int(time.time())
    original = urlencode({"secretId": os.environ["UPVEND_TENCENT_VOD_SECRET_ID"], "currentTimeStamp": now,
                          "expireTime": now + 86400, "random": random.randint(0, 1000000)})
    mac = hmac.new(os.environ["UPVEND_TENCENT_VOD_SECRET_KEY"].encode(), original.encode(), hashlib.sha1).digest()
    return {"statusCode": 200, "headers": {"content-type": "application/json", "access-control-allow-origin": "*"},
            "body": json.dumps({"signature": base64.b64encode(mac + original.encode()).decode()})}
