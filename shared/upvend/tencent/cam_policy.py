"""The CAM policies attached to COS keys: uploads into one prefix, of the allowed types and sizes only.

Two scopes. The keys handed to clients (`/tencent/cos/sts`) get one statement
per content class: PutObject, PostObject and InitiateMultipartUpload on
`<prefix>/*.<ext>` for that class's allowed extensions; PutObject's Content-Type
header, when sent, must be one of the class's types (`cos:content-type`,
`string_equal_if_exist`: without one COS stores `application/octet-stream`);
PutObject's and PostObject's Content-Length may not exceed the class limit
(`cos:content-length`; a form's envelope gets FORM_OVERHEAD_BYTES). What a key
can still do (a form of its own, or a multipart upload, with any Content-Type;
a multipart upload of any total size) is stored but not recorded: the COS
trigger checks every object. The keys that sign
`/tencent/cos/post-policy` forms never leave the server and may only PostObject
(the form's own policy pins key, type and size).
"""

from __future__ import annotations

import json
from typing import Any

from upvend.uploads import UPLOAD_TYPES, allowed_type, class_limit

MULTIPART_ACTIONS = (
    "name/cos:ListMultipartUploads",
    "name/cos:ListParts",
    "name/cos:UploadPart",
    "name/cos:CompleteMultipartUpload",
    "name/cos:AbortMultipartUpload",
)
FORM_ACTIONS = ("name/cos:PostObject",)
# A PostObject request's Content-Length is the whole multipart form: the file plus its fields.
FORM_OVERHEAD_BYTES = 64 * 1024


def cos_upload_resource(region: str, bucket: str, prefix: str, pattern: str = "*") -> str:
    """`qcs::cos:<region>:uid/<appid>:<bucket>/<prefix>/<pattern>` (APPID = text after the bucket's last '-')."""
    appid = bucket.rsplit("-", 1)[1]
    return f"qcs::cos:{region}:uid/{appid}:{bucket}/{prefix.strip('/')}/{pattern}"


def _classes() -> dict[str, list[str]]:
    """Allowed extensions by content class, in table order."""
    classes: dict[str, list[str]] = {}
    for ext in UPLOAD_TYPES:
        allowed = allowed_type(ext)
        if allowed is not None:
            classes.setdefault(allowed[0], []).append(ext)
    return classes


def cos_upload_policy(region: str, bucket: str, prefix: str) -> dict[str, Any]:
    """The policy of the keys clients get: typed, size-capped uploads of allowed extensions under `prefix`."""
    statements: list[dict[str, Any]] = []
    for content_class, extensions in _classes().items():
        resources = [cos_upload_resource(region, bucket, prefix, f"*.{ext}") for ext in extensions]
        types = sorted({UPLOAD_TYPES[ext][1] for ext in extensions})
        typed = {"string_equal_if_exist": {"cos:content-type": types}}
        limit = class_limit(content_class)
        statements.append({"effect": "allow", "action": ["name/cos:PutObject"], "resource": resources,
                           "condition": {**typed, "numeric_less_than_equal": {"cos:content-length": limit}}})
        statements.append({"effect": "allow", "action": ["name/cos:PostObject"], "resource": resources,
                           "condition": {"numeric_less_than_equal": {"cos:content-length": limit + FORM_OVERHEAD_BYTES}}})
        # No type condition here: cos-nodejs-sdk-v5 sends an empty Content-Type when it starts a slice upload.
        statements.append({"effect": "allow", "action": ["name/cos:InitiateMultipartUpload"], "resource": resources})
    statements.append({"effect": "allow", "action": list(MULTIPART_ACTIONS),
                       "resource": [cos_upload_resource(region, bucket, prefix)]})
    return {"version": "2.0", "statement": statements}


def cos_form_policy(region: str, bucket: str, prefix: str) -> dict[str, Any]:
    """The policy of the server-side keys that sign PostObject forms: PostObject under `prefix`, nothing else."""
    return {"version": "2.0", "statement": [{"effect": "allow", "action": list(FORM_ACTIONS),
                                             "resource": [cos_upload_resource(region, bucket, prefix)]}]}


def policy_text(policy: dict[str, Any]) -> str:
    """Compact JSON, as sent (URL-encoded) in AssumeRole's Policy."""
    return json.dumps(policy, separators=(",", ":"), ensure_ascii=False)
