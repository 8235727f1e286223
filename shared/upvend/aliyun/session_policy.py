"""The narrow RAM session policy passed with AssumeRole: OSS uploads of allowed extensions into one prefix.

OSS's RAM condition keys say nothing about an upload's Content-Type or size, so
the policy narrows what it can: the resources are `<bucket>/<prefix>/*.<ext>` for
each allowed extension. Type and size are enforced by forms only; the OSS
trigger skips objects that break the upload rules.
"""

from __future__ import annotations

import json

from upvend.errors import BadRequest
from upvend.logs import get_logger
from upvend.uploads import UPLOAD_TYPES, allowed_type

log = get_logger("upvend.session_policy")

# Effective rights = role ∩ this policy; an empty policy would grant the whole role.
OSS_UPLOAD_ACTIONS = ("oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart",
                      "oss:CompleteMultipartUpload", "oss:AbortMultipartUpload", "oss:ListParts")
# AssumeRole's Policy: 1 to 2048 characters since STS's 2022-09 change (it was 1024).
MAX_POLICY_CHARS = 2048


def _document(resources: list[str]) -> str:
    policy = {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": list(OSS_UPLOAD_ACTIONS), "Resource": resources},
    ]}
    return json.dumps(policy, separators=(",", ":"))


def oss_upload_policy(bucket: str, prefix: str) -> str:
    """Compact JSON allowing only the upload actions on `acs:oss:*:*:<bucket>/<prefix>/*.<allowed ext>`.

    When one pattern per extension would not fit STS's size limit (a very long
    bucket name or user id), the policy falls back to `<prefix>/*`, logged.
    """
    base = f"acs:oss:*:*:{bucket}/{prefix.strip('/')}/"
    extensions = [ext for ext in UPLOAD_TYPES if allowed_type(ext) is not None]
    text = _document([f"{base}*.{ext}" for ext in extensions])
    if len(text) > MAX_POLICY_CHARS:
        log.warning("session policy too long for one resource per extension; scoping by prefix only",
                    extra={"chars": len(text)})
        text = _document([f"{base}*"])
    if len(text) > MAX_POLICY_CHARS:
        raise BadRequest("The caller's upload prefix is too long for an STS session policy.",
                         code="prefix_too_long")
    return text
