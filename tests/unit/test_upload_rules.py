"""Upload rules at their edges: size limits per content class, the extension allow-list, keys and owners."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from upvend.errors import ConfigurationError, ValidationFailed
from upvend.uploads import (UploadRequest, caller_prefix, extension_of, new_object_key, owner_from_key,
                            upload_rule)

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def default_rules(monkeypatch):
    for name in ("UPLOAD_PREFIX", "MAX_IMAGE_BYTES", "MAX_VIDEO_BYTES", "MAX_AUDIO_BYTES", "ALLOWED_EXTENSIONS"):
        monkeypatch.delenv(f"UPVEND_{name}", raising=False)


def refused(code: str, *args) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        upload_rule(*args)
    assert caught.value.status == 400 and caught.value.code == code
    return caught.value


@pytest.mark.parametrize("file_name, content_type, limit", [
    ("a.jpg", "image/jpeg", 20 * MiB),
    ("a.mp4", "video/mp4", 2048 * MiB),
    ("a.mp3", "audio/mpeg", 200 * MiB),
    ("a.wav", "audio/wav", 200 * MiB),
])
def test_size_limit_per_content_class(file_name, content_type, limit):
    assert upload_rule(file_name, content_type, limit).max_bytes == limit
    assert upload_rule(file_name, content_type, 1).max_bytes == 1
    assert upload_rule(file_name, content_type).max_bytes == limit  # no size announced: the class limit
    refused("size_out_of_range", file_name, content_type, limit + 1)
    refused("size_out_of_range", file_name, content_type, 0)
    refused("size_out_of_range", file_name, content_type, -1)


@pytest.mark.parametrize("setting, file_name, content_type", [
    ("MAX_IMAGE_BYTES", "a.png", "image/png"),
    ("MAX_VIDEO_BYTES", "a.mov", "video/quicktime"),
    ("MAX_AUDIO_BYTES", "a.m4a", "audio/mp4"),
])
def test_size_limits_follow_their_settings(monkeypatch, setting, file_name, content_type):
    monkeypatch.setenv(f"UPVEND_{setting}", "1000")
    assert upload_rule(file_name, content_type, 1000).max_bytes == 1000
    refused("size_out_of_range", file_name, content_type, 1001)


CANONICAL = {
    "jpg": ("image", "image/jpeg"), "jpeg": ("image", "image/jpeg"), "png": ("image", "image/png"),
    "gif": ("image", "image/gif"), "webp": ("image", "image/webp"), "heic": ("image", "image/heic"),
    "mp4": ("video", "video/mp4"), "mov": ("video", "video/quicktime"), "m4v": ("video", "video/x-m4v"),
    "webm": ("video", "video/webm"), "flv": ("video", "video/x-flv"), "avi": ("video", "video/x-msvideo"),
    "mkv": ("video", "video/x-matroska"), "mp3": ("audio", "audio/mpeg"), "m4a": ("audio", "audio/mp4"),
    "aac": ("audio", "audio/aac"), "wav": ("audio", "audio/wav"),
}


@pytest.mark.parametrize("file_name", [*(f"x.{e}" for e in CANONICAL), "Holiday.Photo.JPG", "clip.WAV"])
def test_every_default_extension_has_its_class(file_name):
    ext = file_name.rsplit(".", 1)[1].lower()
    content_class, content_type = CANONICAL[ext]
    rule = upload_rule(file_name, content_type, 10)
    assert (rule.extension, rule.content_class, rule.content_type) == (ext, content_class, content_type)


@pytest.mark.parametrize("file_name", ["x.txt", "x.exe", "x.svg", "x.html", "noextension", "x.", ".jpg"])
def test_other_extensions_are_refused(file_name):
    error = refused("extension_not_allowed", file_name, "image/jpeg", 10)
    ext = file_name.rsplit(".", 1)[1] if "." in file_name.strip(".") else ""
    assert (f"'.{ext}'" in error.message) if ext else ("needs an extension" in error.message)


def test_a_narrowed_allow_list_refuses_the_rest(monkeypatch):
    monkeypatch.setenv("UPVEND_ALLOWED_EXTENSIONS", " .JPG, png ,")
    assert upload_rule("a.jpg", "image/jpeg", 10).extension == "jpg"
    assert upload_rule("a.PNG", "image/png", 10).extension == "png"
    for file_name, content_type in (("a.mp4", "video/mp4"), ("a.gif", "image/gif"), ("a.wav", "audio/wav")):
        refused("extension_not_allowed", file_name, content_type, 10)


def test_an_allowed_extension_without_a_content_class_is_a_clean_refusal(monkeypatch):
    """An operator may list an extension upvend has no rule for: that is a 4xx for the client, not a crash."""
    monkeypatch.setenv("UPVEND_ALLOWED_EXTENSIONS", "jpg,txt")
    error = refused("extension_not_allowed", "notes.txt", "text/plain", 10)
    assert ".txt" in error.message


@pytest.mark.parametrize("file_name, content_type", [
    ("a.mp4", "image/jpeg"), ("a.jpg", "video/mp4"), ("a.mp3", "video/mp4"), ("a.jpg", "images/jpeg"),
    ("a.jpg", "image"), ("a.wav", "audiox/wav"),
])
def test_content_type_must_match_the_class(file_name, content_type):
    refused("content_type_mismatch", file_name, content_type, 10)


def test_content_type_is_compared_case_insensitively():
    assert upload_rule("a.mp4", "VIDEO/MP4", 10).content_type.lower() == "video/mp4"


@pytest.mark.parametrize("file_name, extension", [
    ("a.jpg", "jpg"), ("A.JPG", "jpg"), ("a.tar.gz", "gz"), ("noext", ""), (".hidden", ""), ("a.", ""),
    ("dir.d/file", ""), ("dir.d\\file", ""), ("c:\\photos\\cat.PNG", "png"), ("x..jpg", "jpg"), ("..jpg", ""),
    ("dir\\.jpg", ""), ("dir/.jpg", ""), ("X.jpg", "jpg"), ("X.", ""),
])
def test_extension_of(file_name, extension):
    assert extension_of(file_name) == extension


@pytest.mark.parametrize("key, owner", [
    ("uploads/bob", None),  # a bare prefix names no object
    ("uploads/bob/2024/01/a.jpg", "bob"),
    ("uploads/o%2Fa/2024/01/a.jpg", "o/a"),
    ("uploads//2024/01/a.jpg", None),
    ("uploads/", None),
    ("uploadsX/bob/2024/01/a.jpg", None),
    ("other/bob/2024/01/a.jpg", None),
    ("xuploads/bob/a.jpg", None),
])
def test_owner_from_key(key, owner):
    assert owner_from_key(key) == owner


def test_owner_from_key_under_a_configured_prefix(monkeypatch):
    monkeypatch.setenv("UPVEND_UPLOAD_PREFIX", "/media/u/")
    assert owner_from_key("media/u/bob/2024/01/a.jpg") == "bob"
    assert owner_from_key("uploads/bob/2024/01/a.jpg") is None
    assert owner_from_key("media/u/bob") is None


@pytest.mark.parametrize("raw", ["a b", "a//b", "../x", "a/./b", "ü", "/"])
def test_upload_prefix_must_be_plain_segments(monkeypatch, raw):
    monkeypatch.setenv("UPVEND_UPLOAD_PREFIX", raw)
    with pytest.raises(ConfigurationError):
        caller_prefix("bob")


@pytest.mark.parametrize("user, prefix", [
    ("o-alice", "uploads/o-alice"), ("a/b", "uploads/a%2Fb"), ("a b~c.d_e", "uploads/a%20b~c.d_e"),
    ("50%", "uploads/50%25"), ("..", "uploads/.."),
])
def test_caller_prefix_quotes_the_user_and_round_trips(user, prefix):
    assert caller_prefix(user) == prefix
    assert owner_from_key(new_object_key(user, "jpg")) == user


def test_new_object_key_layout():
    when = datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    key = new_object_key("o-a", "jpg", now=when)
    assert re.fullmatch(r"uploads/o-a/2024/02/[0-9a-f]{32}\.jpg", key)
    assert new_object_key("o-a", "jpg", now=when) != key
    current = datetime.now(timezone.utc)
    assert new_object_key("o-a", "mp4").startswith(f"uploads/o-a/{current:%Y/%m}/")


@pytest.mark.parametrize("payload, ok", [
    ({"fileName": "a" * 251 + ".jpg", "contentType": "image/jpeg", "size": 1000}, True),  # 255 characters
    ({"fileName": "a" * 252 + ".jpg", "contentType": "image/jpeg", "size": 1000}, False),
    ({"fileName": "  a.jpg  ", "contentType": " image/jpeg ", "size": 1000}, True),
    ({"fileName": "", "contentType": "image/jpeg", "size": 1000}, False),
    ({"fileName": "a", "contentType": "image/jpeg", "size": 1000}, True),  # 1 character (upload_rule then wants an extension)
    ({"fileName": "a.jpg", "contentType": "a/b", "size": 1000}, True),  # 3 characters
    ({"fileName": "a.jpg", "contentType": "a/", "size": 1000}, False),
    ({"fileName": "a.jpg", "contentType": "image/" + "x" * 122, "size": 1000}, True),  # 128 characters
    ({"fileName": "a.jpg", "contentType": "image/" + "x" * 123, "size": 1000}, False),
    ({"fileName": "a.jpg", "contentType": "image/jpeg; charset=x", "size": 1000}, False),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1}, True),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 0}, False),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": "1"}, False),
    ({"fileName": "a.jpg", "contentType": "image/jpeg"}, False),  # the size is required
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "key": "uploads/eve/x.jpg", "size": 1000}, False),
])
def test_upload_request_edges(payload, ok):
    if ok:
        request = UploadRequest.model_validate(payload)
        assert request.fileName == payload["fileName"].strip()
    else:
        with pytest.raises(ValidationError):
            UploadRequest.model_validate(payload)


@pytest.mark.parametrize("raw, prefix", [("/media/u/", "media/u"), ("X-files", "X-files"), ("//up_1//", "up_1"),
                                         ("uploads", "uploads")])
def test_upload_prefix_is_trimmed_of_slashes_only(monkeypatch, raw, prefix):
    monkeypatch.setenv("UPVEND_UPLOAD_PREFIX", raw)
    assert caller_prefix("bob") == f"{prefix}/bob"


def test_the_documented_example_is_a_request_that_is_granted():
    """The example in the API document must be something a client can copy and get a form for."""
    examples = UploadRequest.model_json_schema()["examples"]
    assert examples
    for example in examples:
        request = UploadRequest.model_validate(example)
        rule = upload_rule(request.fileName, request.contentType, request.size)
        assert rule.max_bytes == request.size
