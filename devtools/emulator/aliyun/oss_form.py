"""PostObject forms: the multipart body, and the signed policy's conditions checked against it."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.aliyun.oss_errors import OssError

_DISPOSITION_PARAM = re.compile(r';\s*([A-Za-z*]+)="([^"]*)"')
# Fields that need no condition: the signature machinery, the key (OSS checks it only when the
# policy has a condition on it; the session policy still bounds it) and callback variables.
_EXEMPT = {"policy", "signature", "ossaccesskeyid", "x-oss-signature", "file", "key"}


@dataclass
class PostForm:
    fields: list[tuple[str, str]] = field(default_factory=list)  # in order, names as sent
    file_name: str | None = None
    file_type: str | None = None
    data: bytes = b""

    def get(self, name: str) -> str | None:
        """Field names are case-insensitive; values are not."""
        return next((v for k, v in self.fields if k.lower() == name.lower()), None)

    def names(self) -> set[str]:
        return {k.lower() for k, _ in self.fields}

    def callback_vars(self) -> dict[str, str]:
        return {k: v for k, v in self.fields if k.lower().startswith("x:")}


def parse_multipart(body: bytes, content_type: str) -> PostForm:
    """Parse multipart/form-data exactly (bytes kept as sent); the file must be the last part."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if "multipart/form-data" not in content_type or not match:
        raise OssError("InvalidArgument", "PostObject needs a multipart/form-data body.", 400)
    delimiter = b"\r\n--" + match.group(1).encode()
    chunks = (b"\r\n" + body).split(delimiter)
    form = PostForm()
    seen_file = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, value = chunk[2:].partition(b"\r\n\r\n")
        if not sep:
            raise OssError("InvalidArgument", "A form part has no header block.", 400)
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, text = line.partition(":")
            headers[name.strip().lower()] = text.strip()
        params = dict((k.lower(), v) for k, v in _DISPOSITION_PARAM.findall(headers.get("content-disposition", "")))
        if "name" not in params:
            raise OssError("InvalidArgument", "A form part has no name.", 400)
        if seen_file:
            raise OssError("InvalidArgument", "The file field must be the last field of the form.", 400)
        if params["name"].lower() == "file":
            seen_file = True
            form.file_name, form.file_type, form.data = params.get("filename"), headers.get("content-type"), value
        else:
            form.fields.append((params["name"], value.decode("utf-8")))
    if not seen_file:
        raise OssError("InvalidArgument", "The form has no file field.", 400)
    return form


def decode_policy(policy_b64: str) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(policy_b64, validate=True))
    except (ValueError, TypeError):
        raise OssError("InvalidPolicyDocument", "The policy is not Base64 of a JSON document.", 400) from None
    if not isinstance(policy, dict) or "expiration" not in policy or not isinstance(policy.get("conditions"), list):
        raise OssError("InvalidPolicyDocument", "The policy needs expiration and conditions.", 400)
    return policy


def _denied(reason: str) -> OssError:
    return OssError("AccessDenied", f"Invalid according to Policy: {reason}", 403)


def check_policy(policy: dict[str, Any], form: PostForm, bucket: str, *, now: datetime | None = None,
                 token_needs_condition: bool) -> None:
    """Enforce expiry, every condition, and that every non-exempt field is covered by a condition."""
    now = now or datetime.now(timezone.utc)
    try:
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except ValueError:
        raise OssError("InvalidPolicyDocument", "The policy expiration is not ISO 8601.", 400) from None
    if expiration.tzinfo is None or expiration <= now:
        raise _denied("Policy expired.")
    covered: set[str] = set()
    for cond in policy["conditions"]:
        covered |= _check_condition(cond, form, bucket)
    exempt = set(_EXEMPT) | ({"x-oss-security-token"} if not token_needs_condition else set())
    extra = sorted(n for n in form.names() - covered - exempt if not n.startswith("x:"))
    if extra:
        raise _denied("Extra input fields: " + ", ".join(extra))


def _field_value(name: str, form: PostForm, bucket: str) -> str | None:
    return bucket if name.lower() == "bucket" else form.get(name)


def _check_condition(cond: Any, form: PostForm, bucket: str) -> set[str]:
    text = json.dumps(cond, separators=(",", ":"))
    if isinstance(cond, dict) and len(cond) == 1:
        (name, expected), = cond.items()
        if _field_value(name, form, bucket) != str(expected):
            raise _denied(f"Policy Condition failed: {text}")
        return {name.lower()}
    if isinstance(cond, list) and len(cond) == 3 and cond[0] == "content-length-range":
        low, high = int(cond[1]), int(cond[2])
        if len(form.data) > high:
            raise OssError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.", 400)
        if len(form.data) < low:
            raise OssError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.", 400)
        return set()
    if isinstance(cond, list) and len(cond) == 3 and cond[0] in ("eq", "starts-with") \
            and isinstance(cond[1], str) and cond[1].startswith("$"):
        name = cond[1][1:]
        value = _field_value(name, form, bucket)
        ok = value is not None and (value == str(cond[2]) if cond[0] == "eq" else value.startswith(str(cond[2])))
        if not ok:
            raise _denied(f"Policy Condition failed: {text}")
        return {name.lower()}
    if isinstance(cond, list) and len(cond) == 3 and cond[0] in ("in", "not-in") \
            and isinstance(cond[1], str) and cond[1].startswith("$") and isinstance(cond[2], list):
        name = cond[1][1:]
        value = _field_value(name, form, bucket)
        listed = value is not None and value in [str(item) for item in cond[2]]
        if listed != (cond[0] == "in"):
            raise _denied(f"Policy Condition failed: {text}")
        return {name.lower()}
    raise OssError("InvalidPolicyDocument", f"Unknown policy condition {text}.", 400)
