"""The upload types table at its edges: stored sizes at the limits, untyped objects, type parameters, the JS block."""

from __future__ import annotations

import pytest

from upvend.uploads import GENERATED_BEGIN, GENERATED_END, allowed_type, refused_object, with_generated_table

LIMIT = 100
KEY = "uploads/o-a/2026/01/x.jpg"


@pytest.fixture(autouse=True)
def small_images(monkeypatch):
    monkeypatch.delenv("UPVEND_ALLOWED_EXTENSIONS", raising=False)
    monkeypatch.setenv("UPVEND_MAX_IMAGE_BYTES", str(LIMIT))


@pytest.mark.parametrize("size, refused", [(0, "size"), (1, None), (LIMIT, None), (LIMIT + 1, "size")])
def test_a_stored_objects_size_is_judged_at_both_ends(size, refused):
    assert refused_object(KEY, size, "image/jpeg") == refused


@pytest.mark.parametrize("stored, refused", [
    ("application/octet-stream", None),  # OSS stores this when a request names no type
    ("binary/octet-stream", None),  # and COS this
    ("Application/Octet-Stream", None),
    ("image/jpeg;charset=binary", None),
    ("image/jpeg ; q=1", None),
    (" IMAGE/JPEG", None),
    ("text/html", "content_type"),
    ("text/html; image/jpeg", "content_type"),
])
def test_the_stored_type_is_its_media_type_or_the_clouds_untyped_default(stored, refused):
    assert refused_object(KEY, 10, stored) == refused


def test_an_extension_is_looked_up_whatever_its_case():
    assert allowed_type("JPG") == allowed_type("jpg") == ("image", "image/jpeg")


@pytest.mark.parametrize("source", [
    "let a = 1;\n" + GENERATED_END,  # no beginning
    "let a = 1;\n" + GENERATED_BEGIN,  # no end
    GENERATED_END + "x\n" + GENERATED_BEGIN,  # the end before the beginning
    "let a = 1;\n",
])
def test_a_client_file_without_a_whole_generated_block_is_refused(source):
    with pytest.raises(ValueError):
        with_generated_table(source)


def test_a_block_at_the_very_start_of_a_file_is_replaced():
    replaced = with_generated_table(GENERATED_BEGIN + "stale\n" + GENERATED_END + "tail\n")
    assert replaced.startswith(GENERATED_BEGIN + "const UPLOAD_TYPES = {\n") and "stale" not in replaced
    assert replaced.endswith(GENERATED_END + "tail\n") and '"jpg": ' in replaced
