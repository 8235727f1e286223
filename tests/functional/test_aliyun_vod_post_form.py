"""The PostObject form option of the VOD routes: signed with VOD's upload credential, posted as a client would."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import decode_blob, fresh_name
from tests.functional.notices_support import my_media, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42 emulated video for a form"
PNG_BYTES = b"\x89PNG\r\n\x1a\n emulated png for a form"


def _video(gateway, token: str, data: bytes = VIDEO_BYTES, **changes) -> httpx.Response:
    body = {"title": "Form trip", "fileName": "trip.mp4", "fileSize": len(data), "postObject": True,
            "contentType": "video/mp4", **changes}
    return gateway.post("/aliyun/vod/upload-video", json=body, headers=bearer(token))


def _post(form: dict, data: bytes, *, content_type: str | None = None, **field_changes) -> httpx.Response:
    """The form as wx.uploadFile sends it: every formData field, then the file as `file`."""
    fields = {**form["formData"], **field_changes}
    files = {"file": ("picked.bin", data, content_type or "application/octet-stream")}
    return httpx.post(form["host"], data=fields, files=files, timeout=15)


def test_video_form_uploads_and_vod_events_make_the_row_ready(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    answer = _video(gateway, token)
    assert answer.status_code == 200, answer.text
    video = answer.json()
    form, address = video["postObject"], decode_blob(video["uploadAddress"])
    endpoint = urlsplit(address["Endpoint"])
    expected_host = (f"{address['Endpoint']}/{address['Bucket']}" if endpoint.hostname.replace(".", "").isdigit()
                     else f"{endpoint.scheme}://{address['Bucket']}.{endpoint.netloc}")
    assert form["key"] == address["FileName"] and form["host"] == expected_host
    auth = decode_blob(video["uploadAuth"])
    assert form["formData"]["x-oss-security-token"] == auth["SecurityToken"]
    assert form["formData"]["x-oss-credential"].startswith(auth["AccessKeyId"] + "/")
    policy = json.loads(base64.b64decode(form["formData"]["policy"]))
    assert ["content-length-range", len(VIDEO_BYTES), len(VIDEO_BYTES)] in policy["conditions"]
    assert ["eq", "$Content-Type", "video/mp4"] in policy["conditions"]
    assert form["expire"] <= datetime.fromisoformat(video["expiresAt"].replace("Z", "+00:00")).timestamp()

    posted = _post(form, VIDEO_BYTES)
    assert posted.status_code == 200, posted.text
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    assert row["size"] == len(VIDEO_BYTES) and row["mediaUrl"].endswith(form["key"])
    assert [i["mediaId"] for i in my_media(gateway, token)] == [video["videoId"]]
    wait_idle(emulator)


def test_image_form_uploads_and_the_row_is_ready(gateway, login, switch):
    token = login(fresh_name())
    answer = gateway.post("/aliyun/vod/upload-image", headers=bearer(token), json={
        "imageType": "default", "imageExt": "png", "postObject": True, "fileSize": len(PNG_BYTES),
        "contentType": "image/png"})
    assert answer.status_code == 200, answer.text
    image = answer.json()
    assert _post(image["postObject"], PNG_BYTES).status_code == 200
    row = wait_for_media(gateway, token, image["imageId"], status="ready")
    assert row["kind"] == "image" and row["size"] == len(PNG_BYTES)


@pytest.mark.parametrize("change, code", [
    ({"data": VIDEO_BYTES + b"x"}, "EntityTooLarge"),
    ({"data": VIDEO_BYTES[:-1]}, "EntityTooSmall"),
    ({"Content-Type": "text/html"}, "AccessDenied"),
    ({"key": "sv/elsewhere/other.mp4"}, "AccessDenied"),
    ({"callback": base64.b64encode(b'{"callbackUrl":"http://127.0.0.1:9/"}').decode()}, "AccessDenied"),
])
def test_the_form_is_pinned_to_its_key_size_and_type(gateway, login, change, code):
    video = _video(gateway, login(fresh_name())).json()
    change = dict(change)
    data = change.pop("data", VIDEO_BYTES)
    posted = _post(video["postObject"], data, **change)
    assert posted.status_code in (400, 403), posted.text
    assert f"<Code>{code}</Code>" in posted.text


@pytest.mark.parametrize("changes, code", [
    ({"contentType": None}, "validation_error"),
    ({"fileSize": None}, "validation_error"),
    ({"contentType": "image/png"}, "content_type_mismatch"),
    ({"postObject": "yes"}, "validation_error"),
])
def test_a_refused_form_request_creates_no_vod_upload(gateway, login, changes, code):
    name = fresh_name()
    token = login(name)
    body = {k: v for k, v in {"title": "t", "fileName": "a.mp4", "fileSize": 10, "postObject": True,
                              "contentType": "video/mp4", **changes}.items() if v is not None}
    response = gateway.post("/aliyun/vod/upload-video", json=body, headers=bearer(token))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == code
    assert my_media(gateway, token) == []


def test_without_the_option_the_answer_is_unchanged(gateway, login):
    answer = gateway.post("/aliyun/vod/upload-video", headers=bearer(login(fresh_name())),
                          json={"title": "t", "fileName": "a.mp4", "fileSize": 1000})
    assert answer.status_code == 200 and "postObject" not in answer.json()
