"""A realistic first request for every deployable HTTP route, built as the platform's event."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from devtools.gateway.events import IncomingRequest, event_for
from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN, DEV_VOD_CALLBACK_KEY
from devtools.stack import LocalStack
from devtools.template import Function


@dataclass
class Job:
    function: Function
    method: str
    path: str
    body: bytes
    headers: dict[str, str]


def _json(data: dict) -> bytes:
    return json.dumps(data).encode()


def request_for(stack: LocalStack, fn: Function, method: str, path: str, token: str, video_id: str) -> Job:
    """The request a client (or the platform, for callbacks) would send first."""
    auth = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    bodies = {
        "/auth/wechat": (_json({"code": "test-bench"}), {"content-type": "application/json"}),
        "/aliyun/vod/upload-video": (_json({"title": "Bench", "fileName": "bench.mp4", "fileSize": 1048576}), auth),
        "/aliyun/vod/upload-video/refresh": (_json({"videoId": video_id}), auth),
        "/aliyun/vod/upload-image": (_json({"imageType": "default", "imageExt": "jpg", "fileSize": 204800}), auth),
        "/aliyun/sts": (b"{}", auth),
        "/aliyun/oss/post-policy": (_json({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000}), auth),
        "/tencent/vod/signature": (b"{}", auth),
        "/tencent/cos/sts": (b"{}", auth),
        "/tencent/cos/post-policy": (_json({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000}), auth),
        "/tencent/vod/signature/explain": (_json({"signature": "bm90LWEtc2lnbmF0dXJl"}), auth),
        "/media": (b"", auth),
    }
    if path == "/aliyun/vod/callback":
        from upvend.notices.aliyun_vod import vod_signature
        stamp = str(int(time.time()))
        url = f"{stack.gateway_url}{path}"
        body = _json({"EventTime": "2024-05-01T00:00:00Z", "EventType": "FileUploadComplete", "VideoId": video_id,
                      "Status": "success", "Size": 1048576, "FileUrl": "https://example.com/v.mp4"})
        headers = {"x-vod-timestamp": stamp, "x-vod-signature": vod_signature(url, stamp, DEV_VOD_CALLBACK_KEY),
                   "content-type": "application/json"}
        return Job(fn, method, path, body, headers)
    if path == "/aliyun/oss/callback":
        from upvend.aliyun.callback_binding import callback_binding
        bucket, key = stack.settings["UPVEND_ALIYUN_OSS_BUCKET"], "uploads/o-bench/2024/05/0123abcd.jpg"
        body = urlencode({"bucket": bucket, "object": key, "etag": "D8E8FCA2DC0F896FD7CB4CB0031BA249", "size": "5",
                          "mimeType": "image/jpeg", "uid": "o-bench",  # pinned as the post-policy function pins it
                          "binding": callback_binding(bucket, key, "o-bench")}).encode()
        headers = {"content-type": "application/x-www-form-urlencoded",
                   **stack.emulator.service("oss-callback-key").sign(f"{stack.gateway_url}{path}", body)}
        return Job(fn, method, path, body, headers)
    if path == "/tencent/vod/callback/{token}":
        body = _json({"EventType": "NewFileUpload", "FileUploadEvent": {
            "FileId": "5285890800000000001", "MediaBasicInfo": {"Name": "b", "Type": "mp4", "Size": 10,
                                                                 "MediaUrl": "https://example.com/b.mp4",
                                                                 "SourceInfo": {"SourceContext": "o-bench"}}}})
        return Job(fn, method, f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}", body,
                   {"content-type": "application/json"})
    if path == "/media/{id}":
        return Job(fn, method, "/media/YWxpeXVuOm5vbmU", b"", auth)
    if path == "/console/assets/{name}":
        return Job(fn, method, "/console/assets/console.js", b"", {})
    if path.startswith("/console"):  # public pages: what a browser fetches first
        return Job(fn, method, path, b"", {"accept": "text/html"})
    body, headers = bodies[path]
    return Job(fn, method, path, body, headers)


def event_bytes(job: Job) -> bytes:
    """The platform event of `job` as the bytes the child process reads."""
    incoming = IncomingRequest(method=job.method, path=job.path, query=[], headers=list(job.headers.items()),
                               body=job.body, client_ip="127.0.0.1", host="127.0.0.1")
    event = event_for(job.function, incoming, "bench-request")
    return event if isinstance(event, bytes) else json.dumps(event).encode()
