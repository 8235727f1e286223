"""The one upload types table: what the server pins, what clients are given, and the mini-program's copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from upvend.errors import ValidationFailed
from upvend.uploads import UPLOAD_TYPES, refused_object, upload_rule, upload_types, with_generated_table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def default_rules(monkeypatch):
    for name in ("ALLOWED_EXTENSIONS", "MAX_IMAGE_BYTES", "MAX_VIDEO_BYTES", "MAX_AUDIO_BYTES"):
        monkeypatch.delenv(f"UPVEND_{name}", raising=False)


def test_the_content_type_comes_from_the_extension():
    assert upload_rule("cat.png").content_type == "image/png"
    assert upload_rule("Trip.MOV", "video/quicktime").content_type == "video/quicktime"
    for name, claimed in (("cat.png", "image/svg+xml"), ("cat.png", "image/jpeg"), ("cat.jpg", "text/html")):
        with pytest.raises(ValidationFailed) as refused:
            upload_rule(name, claimed)
        assert refused.value.code == "content_type_mismatch"


def test_stored_objects_are_judged_by_the_same_table(monkeypatch):
    monkeypatch.setenv("UPVEND_MAX_IMAGE_BYTES", "100")
    assert refused_object("uploads/u/a.jpg", 100, "image/jpeg") is None
    assert refused_object("uploads/u/a.jpg", None, None) is None
    assert refused_object("uploads/u/a.html", 10, "text/html") == "extension"
    assert refused_object("uploads/u/a.jpg", 101, "image/jpeg") == "size"
    assert refused_object("uploads/u/a.jpg", 0, "image/jpeg") == "size"
    assert refused_object("uploads/u/a.jpg", 10, "image/svg+xml") == "content_type"


def test_clients_get_every_allowed_extension_and_only_those(monkeypatch):
    assert set(upload_types()) == set(UPLOAD_TYPES)
    monkeypatch.setenv("UPVEND_ALLOWED_EXTENSIONS", "jpg,mp4,exe")
    assert upload_types() == {"jpg": {"contentType": "image/jpeg", "class": "image", "maxBytes": 20 << 20},
                              "mp4": {"contentType": "video/mp4", "class": "video", "maxBytes": 2048 << 20}}


def test_the_mini_program_table_is_the_generated_one():
    path = REPO / "miniprogram" / "upvend" / "upload_types.js"
    source = path.read_text()
    assert with_generated_table(source) == source, "run: upvend upload-types --into " + str(path.relative_to(REPO))
