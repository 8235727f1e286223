"""A request and its answer for every route of the OpenAPI document (and so of docs/http-api.md).

Answers are abbreviated real answers of the local stack; a test validates each example against the
route's request and response models, so they cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class RouteExample:
    """`request` is the body (JSON value, or text for a form), `params` the path and query values, `headers`
    the signature headers a cloud sends with a notice (shown, not checked: their values are per request)."""

    response: Any
    request: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    request_type: str = "application/json"
    response_type: str | None = None


EXAMPLES: dict[tuple[str, str], RouteExample] = {}

TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvLWFsaWNlIiwiaWF0IjoxNzk1ODU4MTMzLCJleHAiOjE3OTU4NjUzMzN9.rp_R…"
VIDEO_ID = "1449c34aa9934278ad7fbfbf754c452e"
KEY = "uploads/o-alice/2026/11/18d8e9c06b3780fec8beef8393a10b15.jpg"
IMAGE = {"fileName": "cat.jpg", "contentType": "image/jpeg", "size": 5}
VOD_ANSWER = {"videoId": VIDEO_ID, "uploadAddress": "eyJFbmRwb2ludCI6Imh0dHA6Ly9vc3MtY24tc2hhbmdoYWk…",
              "uploadAuth": "eyJTZWN1cml0eVRva2VuIjoiQ0FJU3ppUXhQR1VOUV9FNy…",
              "requestId": "BAA9A49C-2F77-4AAB-91C0-155B14283178", "expiresAt": "2026-11-28T10:18:45Z"}
UPLOADING_ROW = {"id": "YWxpeXVuOjE0NDljMzRhYTk5MzQyNzhhZDdmYmZiZjc1NGM0NTJl", "provider": "aliyun",
                 "mediaId": VIDEO_ID, "kind": "video", "status": "uploading", "title": "Trip", "size": 1048576,
                 "mimeType": None, "mediaUrl": None, "coverUrl": None, "bucket": None, "objectKey": None,
                 "region": "cn-shanghai", "etag": None,
                 "extra": {"contentClass": "video", "fileName": "trip.mp4", "service": "vod"},
                 "createdAt": "2026-11-28T09:28:54.986Z", "updatedAt": "2026-11-28T09:28:54.986Z",
                 "playUrl": None, "thumbnailUrl": None, "urlsExpireAt": None}
READY_ROW = {"id": "YWxpeXVuOnVwdmVuZC1kZXYvdXBsb2Fkcy9vLWFsaWNlLzIwMjYvMTEvMThkOGU5YzA2YjM3ODBmZWM4YmVlZjgzOTNh…",
             "provider": "aliyun", "mediaId": f"upvend-dev/{KEY}", "kind": "image", "status": "ready",
             "title": None, "size": 5, "mimeType": "image/jpeg", "mediaUrl": None, "coverUrl": None,
             "bucket": "upvend-dev", "objectKey": KEY, "region": None, "etag": "5D41402ABC4B2A76B9719D911017C592",
             "extra": {"format": "jpeg"}, "createdAt": "2026-11-28T09:29:05.800Z",
             "updatedAt": "2026-11-28T09:29:05.800Z",
             "playUrl": f"http://upvend-dev.oss-cn-shanghai.localhost:8001/{KEY}?x-oss-credential=…&x-oss-signature=…",
             "thumbnailUrl": f"http://upvend-dev.oss-cn-shanghai.localhost:8001/{KEY}?x-oss-process=image%2Fresize…",
             "urlsExpireAt": "2026-11-28T09:39:07Z"}

EXAMPLES.update({
    ("POST", "/auth/wechat"): RouteExample(
        request={"code": "test-alice"}, response={"token": TOKEN, "expiresIn": 7200}),
    ("POST", "/aliyun/vod/upload-video"): RouteExample(
        request={"title": "Trip", "fileName": "trip.mp4", "fileSize": 1048576}, response=VOD_ANSWER),
    ("POST", "/aliyun/vod/upload-video/refresh"): RouteExample(
        request={"videoId": VIDEO_ID}, response=VOD_ANSWER),
    ("POST", "/aliyun/vod/upload-image"): RouteExample(
        request={"imageType": "cover", "imageExt": "jpg", "fileSize": 204800},
        response={"imageId": "9b67cff8ad714681a746947b0b8478cd",
                  "imageUrl": "http://127.0.0.1:8001/outin-upvend-local/image/cover/10E70EEE570B4E7C85978ABF9113A953.jpg",
                  "uploadAddress": "eyJFbmRwb2ludCI6Imh0dHA6Ly9vc3MtY24tc2hhbmdoYWk…",
                  "uploadAuth": "eyJTZWN1cml0eVRva2VuIjoiQ0FJUzdrbndET01qM090dkhl…",
                  "requestId": "C7F4F36B-BAC7-489F-9062-C3130BC1164A", "expiresAt": "2026-11-28T10:18:45Z"}),
    ("POST", "/aliyun/sts"): RouteExample(
        request={}, response={"accessKeyId": "STS.Nb27e480ae75113e32163", "accessKeySecret": "cHlmpm-YetcM8g0v9Vl1…",
                              "securityToken": "CAISqRLSZVGSv2V_m7FFeeGfFMH3R9DftkQdtOU1…",
                              "expiration": "2026-11-28T09:43:46Z", "region": "cn-shanghai", "bucket": "upvend-dev",
                              "endpoint": "http://oss-cn-shanghai.localhost:8001", "prefix": "uploads/o-alice/"}),
    ("POST", "/aliyun/oss/post-policy"): RouteExample(
        request=IMAGE,
        response={"host": "http://upvend-dev.oss-cn-shanghai.localhost:8001", "key": KEY, "expire": 1795858726,
                  "formData": {"key": KEY, "policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMS0yOFQwOTozODo0Ni4wMDBa…",
                               "x-oss-signature-version": "OSS4-HMAC-SHA256",
                               "x-oss-credential": "STS.LocalDevFunctionRoleKey/20261128/cn-shanghai/oss/aliyun_v4_request",
                               "x-oss-date": "20261128T092846Z", "x-oss-signature": "8b28b3fa15d46829…",
                               "success_action_status": "200", "Content-Type": "image/jpeg",
                               "x-oss-security-token": "local-dev-function-role-security-token",
                               "callback": "eyJjYWxsYmFja1VybCI6Imh0dHA6Ly8xMjcuMC4wLjE6ODAwMC9h…"}}),
    ("POST", "/tencent/vod/signature"): RouteExample(
        request={}, response={"signature": "WopxIBf9tfBnZLN3TDNTrcIm8ZRzZWNyZXRJZD1BS0lEbG9jYWxEZXZWb2RVcGxv…",
                              "expiresAt": "2026-11-28T09:38:46Z", "ugcHost": "http://vod2.localhost:8001"}),
    ("POST", "/tencent/vod/signature/explain"): RouteExample(
        request={"signature": "WopxIBf9tfBnZLN3TDNTrcIm8ZRzZWNyZXRJZD1BS0lEbG9jYWxEZXZWb2RVcGxv…"},
        response={"ok": True, "hmac": "match", "problems": [],
                  "original": "secretId=AKIDlocalDevVodUploadKey00000000000000&currentTimeStamp=1795858135&…",
                  "fields": [{"name": "sourceContext", "value": "o-alice", "problem": None,
                              "meaning": "echoed in the NewFileUpload event (≤ 250 chars); upvend puts the "
                                         "uploader's id"}]}),
    ("POST", "/tencent/cos/sts"): RouteExample(
        request={}, response={"credentials": {"tmpSecretId": "AKIDtmp8bedf5ef3a7db4314a6071ee175f",
                                              "tmpSecretKey": "oZ84RhPd_9BvtB0hMQUE…",
                                              "sessionToken": "88ZMYBBqfJitWJtVpX6xKo2_3vx5p95L…"},
                              "startTime": 1795858127, "expiredTime": 1795859927,
                              "bucket": "upvend-dev-1250000000", "region": "ap-guangzhou",
                              "prefix": "uploads/o-alice/"}),
    ("POST", "/tencent/cos/post-policy"): RouteExample(
        request=IMAGE,
        response={"url": "http://upvend-dev-1250000000.cos.ap-guangzhou.localhost:8001/",
                  "key": "uploads/o-alice/2026/11/0855db79515d8c81addb2108e0195cd9.jpg", "expire": 1795858727,
                  "formData": {"key": "uploads/o-alice/2026/11/0855db79515d8c81addb2108e0195cd9.jpg",
                               "Content-Type": "image/jpeg", "x-cos-meta-uid": "o-alice",
                               "policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMS0yOFQwOTozODo0Ny4wMDBa…",
                               "q-sign-algorithm": "sha1", "q-ak": "AKIDtmp2a9cccd91d3d82bf74d530146551",
                               "q-key-time": "1795858127;1795858727", "q-signature": "ade74aa21bf1ea61e460…",
                               "x-cos-security-token": "HTiuuHpaJazD3Up7QB55hGF2rcp0…"}}),
    ("GET", "/media"): RouteExample(
        params={"limit": 2}, response={"items": [READY_ROW, UPLOADING_ROW],
                                       "nextCursor": "WyIyMDI2LTExLTI4VDA5OjI4OjUzLjg5NloiLCJhbGl5dW4i…"}),
    ("GET", "/media/{id}"): RouteExample(params={"id": UPLOADING_ROW["id"]}, response=UPLOADING_ROW),
    ("DELETE", "/media/{id}"): RouteExample(
        params={"id": READY_ROW["id"]},
        response={**READY_ROW, "status": "deleted", "updatedAt": "2026-11-28T09:41:12.345Z", "playUrl": None,
                  "thumbnailUrl": None, "urlsExpireAt": None}),
    ("POST", "/aliyun/vod/callback"): RouteExample(
        headers={"X-VOD-TIMESTAMP": "1795858200", "X-VOD-SIGNATURE": "<md5(URL|timestamp|AuthKey)>"},
        request={"EventTime": "2026-11-28T09:30:00Z", "EventType": "FileUploadComplete", "VideoId": VIDEO_ID,
                 "Status": "success", "Size": 1048576, "FileUrl": "https://outin-….oss-cn-shanghai.aliyuncs.com/…",
                 "Extend": "{\"uid\": \"o-alice\"}"},
        response={"status": "recorded"}),
    ("POST", "/aliyun/oss/callback"): RouteExample(
        headers={"x-oss-pub-key-url": "aHR0cHM6Ly9nb3NzcHVibGljLmFsaWNkbi5jb20vY2FsbGJhY2tfcHViX2tleV92MS5wZW0=",
                 "authorization": "<base64 RSA-MD5 signature of path, query and body>"},
        request_type="application/x-www-form-urlencoded",
        request=f"bucket=upvend-dev&object={KEY.replace('/', '%2F')}&etag=5D41402ABC4B2A76B9719D911017C592&size=5"
                "&mimeType=image%2Fjpeg&imageInfo.height=&imageInfo.width=&imageInfo.format=jpeg&uid=o-alice"
                "&binding=ROfINxCPsGuyJV3VHUw3euLKtC_U5p4iQVNBAQ2V0wE",
        response={"status": "recorded", "id": READY_ROW["id"]}),
    ("POST", "/tencent/vod/callback/{token}"): RouteExample(
        params={"token": "<UPVEND_TENCENT_VOD_CALLBACK_TOKEN>"},
        request={"EventType": "NewFileUpload", "FileUploadEvent": {
            "FileId": "5285890781234567890", "MediaBasicInfo": {
                "Name": "trip", "Type": "mp4", "MediaUrl": "https://1400000001.vod2.myqcloud.com/…/trip.mp4",
                "SourceInfo": {"SourceType": "Upload", "SourceContext": "o-alice"}},
            "MetaData": {"Size": 1048576}}},
        response={"code": 0, "status": "recorded"}),
    ("GET", "/console"): RouteExample(
        response='<!doctype html>\n<html lang="en">\n<head>\n  <title>upvend console</title>…'),
    ("GET", "/console/upload"): RouteExample(
        response='<!doctype html>\n<html lang="en">\n<head>\n  <title>upvend upload demo</title>…'),
    ("GET", "/console/config.json"): RouteExample(
        response={"apiBase": "", "uploadTypes": {
            "jpg": {"contentType": "image/jpeg", "class": "image", "maxBytes": 20971520},
            "mp4": {"contentType": "video/mp4", "class": "video", "maxBytes": 2147483648},
            "mp3": {"contentType": "audio/mpeg", "class": "audio", "maxBytes": 209715200}}}),
    ("GET", "/console/assets/{name}"): RouteExample(
        params={"name": "style.css"}, response_type="text/css",
        response="/* upvend console and upload demo: one small stylesheet, no external fonts or assets. */\n…"),
})
