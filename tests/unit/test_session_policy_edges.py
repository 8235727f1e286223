"""The STS session policy at its edges: every multipart step, narrowed extensions, odd prefixes, STS's size limit."""

from __future__ import annotations

import json
import logging

import pytest

from devtools.emulator.aliyun.ram_policy import allows, parse_policy
from upvend.aliyun.session_policy import oss_upload_policy
from upvend.errors import BadRequest

RESOURCE = "acs:oss:*:*:bkt/uploads/o-alice/"


@pytest.mark.parametrize("action", ["oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart",
                                    "oss:CompleteMultipartUpload", "oss:AbortMultipartUpload", "oss:ListParts"])
def test_every_step_of_a_multipart_upload_is_allowed_inside_the_prefix(action):
    # ali-oss's multipartUpload initiates, uploads parts, lists them on resume, completes or aborts.
    policy = parse_policy(oss_upload_policy("bkt", "uploads/o-alice"))
    assert allows(policy, action, RESOURCE + "movie.mp4")
    assert not allows(policy, action, "acs:oss:*:*:bkt/uploads/o-bob/movie.mp4")


def test_a_narrowed_extension_list_narrows_the_policy(monkeypatch):
    monkeypatch.setenv("UPVEND_ALLOWED_EXTENSIONS", "jpg")
    policy = parse_policy(oss_upload_policy("bkt", "uploads/o-alice"))
    assert allows(policy, "oss:PutObject", RESOURCE + "a.jpg")
    assert not allows(policy, "oss:PutObject", RESOURCE + "a.mp4")


@pytest.mark.parametrize("prefix", ["uploads/o-alice/", "/uploads/o-alice"])
def test_slashes_around_the_prefix_are_not_doubled(prefix):
    assert allows(parse_policy(oss_upload_policy("bkt", prefix)), "oss:PutObject", RESOURCE + "a.jpg")


def test_a_user_id_ending_in_x_keeps_its_own_folder():
    policy = parse_policy(oss_upload_policy("bkt", "uploads/o-aliceX"))
    assert allows(policy, "oss:PutObject", "acs:oss:*:*:bkt/uploads/o-aliceX/a.jpg")
    assert not allows(policy, "oss:PutObject", "acs:oss:*:*:bkt/uploads/o-alice/a.jpg")


def _prefix_for(length: int) -> str:
    """An upload prefix whose policy text (one resource per extension) is exactly `length` characters."""
    short = "uploads/u"
    return short + "u" * (length - len(oss_upload_policy("bkt", short)))


def test_sts_size_limit_boundaries(monkeypatch, caplog):
    """2048 characters (STS's limit) keep one resource per extension; one more falls back to the prefix;
    a prefix-only policy of 2048 is still issued, one of 2049 is refused."""
    monkeypatch.setenv("UPVEND_ALLOWED_EXTENSIONS", "jpg")  # one resource: the text grows one per character
    at_limit = oss_upload_policy("bkt", _prefix_for(2048))
    assert len(at_limit) == 2048 and json.loads(at_limit)["Statement"][0]["Resource"][0].endswith("/*.jpg")
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="upvend.session_policy"):
        over = oss_upload_policy("bkt", _prefix_for(2049))
    assert json.loads(over)["Statement"][0]["Resource"][0].endswith("u/*") and len(over) == 2049 - len(".jpg")
    [record] = [r for r in caplog.records if r.name == "upvend.session_policy"]
    assert record.levelno == logging.WARNING and record.chars == 2049
    fallback_at_limit = oss_upload_policy("bkt", _prefix_for(2048 + len(".jpg")))
    assert len(fallback_at_limit) == 2048
    with pytest.raises(BadRequest) as caught:
        oss_upload_policy("bkt", _prefix_for(2049 + len(".jpg")))
    assert caught.value.code == "prefix_too_long" and caught.value.status == 400
