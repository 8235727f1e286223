"""A COS PostObject form checked against its policy: expiry, conditions, size, extra fields.

A form with a `Signature` field and no policy carries a request signature instead (checked by cos.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.tencent.cos_signature import post_policy_signature
from devtools.emulator.tencent.form import MalformedForm, parse_form

# Form fields that sign the form rather than describe the object; no condition needed for them.
_SIGNATURE_FIELDS = {"policy", "q-signature", "q-key-time", "x-cos-security-token", "file"}
_MANDATORY_CONDITIONS = ("q-sign-algorithm", "q-ak", "q-sign-time")


class PolicyViolation(Exception):
    def __init__(self, message: str, status: int = 403, code: str = "AccessDenied") -> None:
        super().__init__(message)
        self.status, self.code = status, code


@dataclass
class PostForm:
    fields: dict[str, str]
    data: bytes
    key: str
    policy_text: bytes
    meta: dict[str, str] = field(default_factory=dict)
    request_signature: str | None = None  # the `Signature` field (a request signature), when there is no policy

    def signature_matches(self, secret_key: str) -> bool:
        expected = post_policy_signature(secret_key, self.fields.get("q-key-time", ""), self.policy_text)
        return hmac.compare_digest(expected, self.fields.get("q-signature", ""))


def check_post_form(content_type: str, body: bytes, bucket: str, now: float | None = None) -> PostForm:
    """Parse the form and check it against its policy; raise PolicyViolation like COS answers."""
    try:
        parts = parse_form(content_type, body)
    except MalformedForm as exc:
        raise PolicyViolation(f"Malformed POST body: {exc}.", 400, "MalformedPOSTRequest") from None
    if not parts or parts[-1].name != "file":
        raise PolicyViolation("The file must be the last form field.", 400, "InvalidArgument")
    fields = {p.name: p.text for p in parts[:-1]}
    file = parts[-1]
    key = fields.get("key", "").replace("${filename}", file.filename or "")
    meta = {k.lower(): v for k, v in fields.items() if k.lower().startswith("x-cos-meta-")}
    if "policy" not in fields and fields.get("Signature"):
        if not key:
            raise PolicyViolation("The key field is required.", 400, "InvalidArgument")
        return PostForm(fields, file.value, key, b"", meta, request_signature=fields["Signature"])
    try:
        policy_text = base64.b64decode(fields.get("policy", ""), validate=True)
        policy = json.loads(policy_text)
    except (binascii.Error, ValueError):
        raise PolicyViolation("The policy field is not Base64 of a JSON document.", 400,
                              "InvalidPolicyDocument") from None
    if not key:
        raise PolicyViolation("The key field is required.", 400, "InvalidArgument")
    form = PostForm(fields, file.value, key, policy_text, meta)
    _check_policy(policy, form, bucket, datetime.now(timezone.utc).timestamp() if now is None else now)
    return form


def _check_policy(policy: Any, form: PostForm, bucket: str, now: float) -> None:
    if not isinstance(policy, dict) or not isinstance(policy.get("conditions"), list):
        raise PolicyViolation("The policy needs expiration and conditions.", 400, "InvalidPolicyDocument")
    try:
        expiration = datetime.fromisoformat(str(policy.get("expiration")).replace("Z", "+00:00"))
    except ValueError:
        raise PolicyViolation("The policy expiration is not ISO 8601.", 400, "InvalidPolicyDocument") from None
    if expiration.tzinfo is None or expiration.timestamp() < now:
        raise PolicyViolation("Invalid according to Policy: Policy expired.")
    values = {name.lower(): value for name, value in form.fields.items()}
    values.update({"key": form.key, "bucket": bucket, "q-sign-time": form.fields.get("q-key-time", "")})
    covered = {"bucket"}
    for condition in policy["conditions"]:
        covered.add(_check_condition(condition, values, len(form.data)))
    missing = [name for name in _MANDATORY_CONDITIONS if name not in covered]
    if missing:
        raise PolicyViolation(f"The policy lacks the mandatory condition(s) {', '.join(missing)}.", 400,
                              "InvalidPolicyDocument")
    extra = sorted(name for name in values if name not in covered and name not in _SIGNATURE_FIELDS)
    if extra:
        raise PolicyViolation(f"Invalid according to Policy: Extra input fields: {', '.join(extra)}.")


def _check_condition(condition: Any, values: dict[str, str], size: int) -> str:
    """Check one condition; return the (lowercase) field it covers."""
    if isinstance(condition, dict) and len(condition) == 1:
        name, expected = next(iter(condition.items()))
        op, name = "eq", name.lower()
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] == "content-length-range":
        low, high = condition[1], condition[2]
        if size < int(low):
            raise PolicyViolation("Your proposed upload is smaller than the minimum allowed size.", 400,
                                  "EntityTooSmall")
        if size > int(high):
            raise PolicyViolation("Your proposed upload exceeds the maximum allowed size.", 400, "EntityTooLarge")
        return "content-length-range"
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] in ("eq", "starts-with") \
            and str(condition[1]).startswith("$"):
        op, name, expected = condition[0], str(condition[1])[1:].lower(), condition[2]
    else:
        raise PolicyViolation(f"Unknown policy condition {json.dumps(condition)[:80]}.", 400,
                              "InvalidPolicyDocument")
    actual = values.get(name)
    ok = actual is not None and (actual == str(expected) if op == "eq" else actual.startswith(str(expected)))
    if not ok:
        raise PolicyViolation(f"Invalid according to Policy: Policy Condition failed: [\"{op}\", \"${name}\", "
                              f"\"{expected}\"].")
    return name
