"""The CAM policy attached to COS upload keys: upload actions on one prefix, nothing else."""

from __future__ import annotations

import json
from typing import Any

UPLOAD_ACTIONS = (
    "name/cos:PutObject",
    "name/cos:PostObject",
    "name/cos:InitiateMultipartUpload",
    "name/cos:ListMultipartUploads",
    "name/cos:ListParts",
    "name/cos:UploadPart",
    "name/cos:CompleteMultipartUpload",
    "name/cos:AbortMultipartUpload",
)


def cos_upload_resource(region: str, bucket: str, prefix: str) -> str:
    """`qcs::cos:<region>:uid/<appid>:<bucket>/<prefix>/*` (APPID = text after the bucket's last '-')."""
    appid = bucket.rsplit("-", 1)[1]
    return f"qcs::cos:{region}:uid/{appid}:{bucket}/{prefix.strip('/')}/*"


def cos_upload_policy(region: str, bucket: str, prefix: str) -> dict[str, Any]:
    """A policy allowing only put/post/multipart uploads under `prefix` of `bucket`."""
    return {
        "version": "2.0",
        "statement": [{
            "effect": "allow",
            "action": list(UPLOAD_ACTIONS),
            "resource": [cos_upload_resource(region, bucket, prefix)],
        }],
    }


def policy_text(policy: dict[str, Any]) -> str:
    """Compact JSON, as sent (URL-encoded) in AssumeRole's Policy."""
    return json.dumps(policy, separators=(",", ":"), ensure_ascii=False)
