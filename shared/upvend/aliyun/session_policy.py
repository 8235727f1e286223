"""The narrow RAM session policy passed with AssumeRole: OSS uploads into one prefix only."""

from __future__ import annotations

import json

from upvend.errors import BadRequest

# Effective rights = role ∩ this policy; an empty policy would grant the whole role.
OSS_UPLOAD_ACTIONS = ("oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart",
                      "oss:CompleteMultipartUpload", "oss:AbortMultipartUpload", "oss:ListParts")
# STS documents both 1024 bytes and 2048 characters; staying under the smaller always works.
MAX_POLICY_BYTES = 1023


def oss_upload_policy(bucket: str, prefix: str) -> str:
    """Compact JSON allowing only the upload actions on `acs:oss:*:*:<bucket>/<prefix>/*`."""
    resource = f"acs:oss:*:*:{bucket}/{prefix.strip('/')}/*"
    policy = {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": list(OSS_UPLOAD_ACTIONS), "Resource": [resource]},
    ]}
    text = json.dumps(policy, separators=(",", ":"))
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise BadRequest("The caller's upload prefix is too long for an STS session policy.",
                         code="prefix_too_long")
    return text
