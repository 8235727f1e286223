"""What kind a stored object is (image, video or file): from its MIME type, else from its name."""

from __future__ import annotations

import pytest

from upvend.notices.object_keys import kind_of

IMAGES = ["jpg", "jpeg", "png", "gif", "webp", "heic", "bmp"]
VIDEOS = ["mp4", "mov", "m4v", "webm", "flv", "avi", "mkv", "m3u8", "ts", "wmv", "3gp"]


@pytest.mark.parametrize("ext, kind", [*((e, "image") for e in IMAGES), *((e, "video") for e in VIDEOS),
                                       ("pdf", "file"), ("html", "file")])
def test_an_untyped_object_is_known_by_its_extension(ext, kind):
    # OSS and COS store an upload that names no Content-Type as application/octet-stream.
    assert kind_of("application/octet-stream", f"uploads/o-a/2026/01/x.{ext}") == kind
    assert kind_of("application/octet-stream", f"uploads/o-a/2026/01/x.{ext.upper()}") == kind


@pytest.mark.parametrize("mime, kind", [("image/PNG", "image"), ("Video/MP4", "video"),
                                        (" video/mp4 ; codecs=avc1", "video"), ("image/jpeg;q=1", "image"),
                                        ("text/plain", "file")])
def test_the_mime_type_decides_whatever_its_case_spacing_or_parameters(mime, kind):
    assert kind_of(mime, "x.bin") == kind


@pytest.mark.parametrize("mime", [None, "", "  ", "; charset=binary"])
def test_without_a_mime_type_the_name_is_looked_up_in_the_system_table(mime):
    # Extensions outside the fallback lists are still known through mimetypes.
    assert kind_of(mime, "scan.tiff") == "image"
    assert kind_of(mime, "clip.mpeg") == "video"
    assert kind_of(mime, "notes.txt") == "file"
    assert kind_of(mime) == "file"


def test_a_given_mime_type_is_not_second_guessed_from_the_name():
    assert kind_of("text/plain", "scan.tiff") == "file"
