"""The COS keys' CAM policies at their edges: multipart steps, form envelope, bucket APPIDs, odd prefixes, wire form."""

from __future__ import annotations

import json

import pytest

from devtools.emulator.tencent.keys import policy_allows
from upvend.tencent.cam_policy import cos_form_policy, cos_upload_policy, policy_text
from upvend.uploads import class_limit

BUCKET = "b-1250000000"
INSIDE = "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/uploads/o-a/2026/01/x.mp4"


@pytest.mark.parametrize("action", ["name/cos:ListMultipartUploads", "name/cos:ListParts", "name/cos:UploadPart",
                                    "name/cos:CompleteMultipartUpload", "name/cos:AbortMultipartUpload"])
def test_every_step_of_a_slice_upload_is_allowed_inside_the_prefix_only(action):
    # cos-js-sdk-v5 / cos-wx-sdk-v5 sliceUploadFile: list uploads (to resume), list parts, upload, complete or abort.
    policy = cos_upload_policy("ap-guangzhou", BUCKET, "uploads/o-a")
    assert policy_allows(policy, action, INSIDE)
    assert not policy_allows(policy, action, INSIDE.replace("/o-a/", "/o-b/"))


def test_a_form_may_carry_its_envelope_of_64_kib_above_the_class_limit_and_no_more():
    policy = cos_upload_policy("ap-guangzhou", BUCKET, "uploads/o-a")
    limit = class_limit("video")
    at_limit = {"cos:content-length": str(limit + 64 * 1024)}
    assert policy_allows(policy, "name/cos:PostObject", INSIDE, at_limit)
    assert not policy_allows(policy, "name/cos:PostObject", INSIDE, {"cos:content-length": str(limit + 64 * 1024 + 1)})


def test_the_appid_is_the_text_after_the_buckets_last_dash():
    policy = cos_upload_policy("ap-guangzhou", "my-media-1250000000", "uploads/o-a")
    resource = "qcs::cos:ap-guangzhou:uid/1250000000:my-media-1250000000/uploads/o-a/x.mp4"
    assert policy_allows(policy, "name/cos:UploadPart", resource)
    assert policy_allows(cos_form_policy("ap-guangzhou", "my-media-1250000000", "uploads/o-a"),
                         "name/cos:PostObject", resource)


@pytest.mark.parametrize("prefix", ["uploads/o-a/", "/uploads/o-a"])
def test_slashes_around_the_prefix_are_not_doubled(prefix):
    assert policy_allows(cos_upload_policy("ap-guangzhou", BUCKET, prefix), "name/cos:UploadPart", INSIDE)


def test_a_user_id_ending_in_x_keeps_its_own_folder():
    policy = cos_upload_policy("ap-guangzhou", BUCKET, "uploads/o-aX")
    assert policy_allows(policy, "name/cos:UploadPart", INSIDE.replace("/o-a/", "/o-aX/"))
    assert not policy_allows(policy, "name/cos:UploadPart", INSIDE)


def test_policies_are_cam_syntax_version_2_sent_as_compact_json():
    # CAM policy syntax (cloud.tencent.com/document/product/598/10603): "version" is required and is "2.0".
    for policy in (cos_upload_policy("ap-guangzhou", BUCKET, "uploads/o-a"),
                   cos_form_policy("ap-guangzhou", BUCKET, "uploads/o-a")):
        assert policy["version"] == "2.0"
        text = policy_text(policy)
        assert json.loads(text) == policy and text == json.dumps(policy, separators=(",", ":"))
