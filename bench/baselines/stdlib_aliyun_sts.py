"""Peer style: STS AssumeRole with a hand-rolled RPC signature, no caller auth, no session policy."""

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from urllib.parse import quote, urlencode
from urllib.request import urlopen


def _enc(value):
    return quote(str(value), safe="-_.~")


def handler(event, context):
    params = {"Format": "JSON", "Version": "2015-04-01", "AccessKeyId": os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
              "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
              "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "Action": "AssumeRole",
              "RoleArn": os.environ["UPVEND_ALIYUN_STS_ROLE_ARN"], "RoleSessionName": "upload",
              "SecurityToken": os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", "")}
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()))
    key = (os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] + "&").encode()
    params["Signature"] = base64.b64encode(hmac.new(key, ("GET&%2F&" + _enc(canonical)).encode(),
                                                    hashlib.sha1).digest()).decode()
    with urlopen(os.environ["UPVEND_ALIYUN_STS_ENDPOINT"].rstrip("/") + "/?" + urlencode(params), timeout=10) as r:
        answer = json.load(r)
    return {"statusCode": 200, "headers": {"content-type": "application/json", "access-control-allow-origin": "*"},
            "body": json.dumps(answer.get("Credentials", answer))}
