"""ali-oss in Node, from login to a ready row: put and multipartUpload with the keys from /aliyun/sts.

Options the test sets, beyond the STS answer's fields (endpoint, bucket, keys, token): only `agent`, an
http.Agent whose `lookup` maps `*.localhost` to 127.0.0.1 (Node's resolver does not, browsers do).
No Host override, no path-style option.
"""

from __future__ import annotations


import httpx

from tests.clients.node_runner import run_node_json
from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.notices_support import switch, wait_for_media  # noqa: F401 (fixture)


def test_ali_oss_node_put_and_multipart_upload_end_in_ready_rows(stack, gateway, switch):
    result = run_node_json("ali_oss_node.js", stack.gateway_url, stack.emulator_url, fresh_name("node"),
                           packages=("ali-oss",))
    token, bucket = result["token"], result["bucket"]
    assert result["endpoint"].startswith("http://oss-cn-shanghai.localhost:")

    put = result["put"]
    assert put["status"] == 200
    row = wait_for_media(gateway, token, f"{bucket}/{put['key']}", status="ready")
    assert row["kind"] == "image" and row["etag"] == put["etag"].strip('"')

    multipart = result["multipart"]
    assert multipart["status"] == 200 and multipart["etag"].strip('"').endswith("-3")  # three 1 MiB parts
    row = wait_for_media(gateway, token, f"{bucket}/{multipart['key']}", status="ready")
    assert row["kind"] == "video" and row["size"] == multipart["size"]
    stored = httpx.get(row["playUrl"], timeout=10)  # the bucket is private: the signed URL GET /media gave
    assert stored.status_code == 200 and len(stored.content) == multipart["size"]
    assert gateway.get("/media", headers=bearer(token)).json()["items"][0]["status"] == "ready"

    # Outside the caller's prefix: OSS's own refusal; an expired key: OSS's expiry code.
    for refusal in (result["outsidePut"], result["outsideMultipart"]):
        assert refusal == {"refused": True, "code": "AccessDenied", "status": 403}
    assert result["expired"] == {"refused": True, "code": "SecurityTokenExpired", "status": 403}
