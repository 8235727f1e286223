"""Server-chosen object keys under a per-user prefix, and the upload rules per content class.

Keys look like `<root>/<user>/<yyyy>/<mm>/<32 hex>.<ext>`. The user part is the
JWT subject, percent-encoded, so the owner can be read back from any key
(storage triggers attribute objects this way) and no user can name a key
inside another user's prefix.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Annotated, Optional
from datetime import datetime, timezone
from urllib.parse import quote, unquote

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints

from upvend import settings
from upvend.errors import ValidationFailed

MiB = 1024 * 1024


def _prefix_root(raw: str) -> str:
    root = raw.strip("/")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", root):
        raise ValueError("must be path segments of letters, digits, '-' and '_'")
    return root


settings.declare("UPLOAD_PREFIX", _prefix_root, "uploads", doc="Root folder of every user's upload prefix.")
settings.declare("MAX_IMAGE_BYTES", lambda raw: int(raw), 20 * MiB, doc="Largest image upload, in bytes: forms and COS "
                 "temporary keys carry it, the trigger and callback check it.")
settings.declare("MAX_VIDEO_BYTES", lambda raw: int(raw), 2048 * MiB,
                 doc="Largest video upload, in bytes (as for images).")
settings.declare("MAX_AUDIO_BYTES", lambda raw: int(raw), 200 * MiB,
                 doc="Largest audio upload, in bytes (as for images).")
settings.declare("ALLOWED_EXTENSIONS", lambda raw: tuple(e.strip().lower().lstrip(".") for e in raw.split(",")
                                                          if e.strip()),
                 ("jpg", "jpeg", "png", "gif", "webp", "heic", "mp4", "mov", "m4v", "webm", "flv", "avi", "mkv",
                  "mp3", "m4a", "aac", "wav"),
                 doc="Comma-separated file extensions accepted for upload, "
                     "each one of the upload types table (upvend.uploads.UPLOAD_TYPES); credential routes refuse "
                     "others and the notices skip them.")

# The one table of what may be uploaded: extension -> (content class, the Content-Type it is stored with).
# Clients get it from `upload_types()` (GET /console/config.json, `upvend upload-types`), never their own copy.
UPLOAD_TYPES = {
    "jpg": ("image", "image/jpeg"), "jpeg": ("image", "image/jpeg"), "png": ("image", "image/png"),
    "gif": ("image", "image/gif"), "webp": ("image", "image/webp"), "heic": ("image", "image/heic"),
    "mp4": ("video", "video/mp4"), "mov": ("video", "video/quicktime"), "m4v": ("video", "video/x-m4v"),
    "webm": ("video", "video/webm"), "flv": ("video", "video/x-flv"), "avi": ("video", "video/x-msvideo"),
    "mkv": ("video", "video/x-matroska"),
    "mp3": ("audio", "audio/mpeg"), "m4a": ("audio", "audio/mp4"), "aac": ("audio", "audio/aac"),
    "wav": ("audio", "audio/wav"),
}
# What OSS and COS store when an upload names no Content-Type.
UNTYPED = ("application/octet-stream", "binary/octet-stream")
_LIMITS = {"image": "MAX_IMAGE_BYTES", "video": "MAX_VIDEO_BYTES", "audio": "MAX_AUDIO_BYTES"}


@dataclass(frozen=True)
class UploadRule:
    """What one upload may be: its extension, content class, Content-Type and size limit.

    `max_bytes` is the size the client announced when it gave one (so a form cannot
    carry a larger file than it asked for), else its content class's limit.
    """

    extension: str
    content_class: str
    content_type: str
    max_bytes: int


class UploadRequest(BaseModel):
    """What a client asks for when it wants a form for one new object."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"fileName": "cat.jpg", "contentType": "image/jpeg", "size": 102400}]})

    fileName: Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    # Optional: the server derives the type from the extension; when given it must be that type.
    contentType: Optional[Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=3, max_length=128,
                                                                 pattern=r"^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$")]] = None
    # Required: the form pins it as its largest size and it counts against the caller's daily bytes.
    size: Annotated[StrictInt, Field(gt=0)]


def extension_of(file_name: str) -> str:
    """The lowercase extension of a client file name ('' when there is none)."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def allowed_type(extension: str) -> tuple[str, str] | None:
    """(content class, Content-Type) of an allowed extension; None when uploads of it are refused."""
    ext = extension.lower()
    return UPLOAD_TYPES.get(ext) if ext in settings.get("ALLOWED_EXTENSIONS") else None


def class_limit(content_class: str) -> int:
    """The size limit of a content class, in bytes."""
    return settings.get(_LIMITS[content_class])


def upload_rule(file_name: str, content_type: str | None = None, size: int | None = None) -> UploadRule:
    """Check a requested upload against the allow-list and limits; raise ValidationFailed if refused.

    The Content-Type is the one of the extension in UPLOAD_TYPES: a client may name it, never another.
    """
    ext = extension_of(file_name)
    allowed = allowed_type(ext) if ext else None
    if allowed is None:
        raise ValidationFailed(f"File extension '.{ext}' is not allowed." if ext else "fileName needs an extension.",
                               code="extension_not_allowed")
    content_class, derived = allowed
    if content_type is not None and _media_type(content_type) != derived:
        raise ValidationFailed(f"contentType must be {derived} for a .{ext} file (or left out).",
                               code="content_type_mismatch")
    max_bytes = class_limit(content_class)
    if size is not None and not 0 < size <= max_bytes:
        raise ValidationFailed(f"size must be between 1 and {max_bytes} bytes for {content_class}.",
                               code="size_out_of_range")
    return UploadRule(ext, content_class, derived, size or max_bytes)


def refused_object(key: str, size: int | None, content_type: str | None) -> str | None:
    """Why a stored object breaks the upload rules (`extension`, `size`, `content_type`), or None.

    For objects that arrived without a server-made form (temporary keys): what the
    event does not report (size, type) is not judged, and neither is the type the
    clouds store when a request names none (it never renders as a page).
    """
    allowed = allowed_type(extension_of(key))
    if allowed is None:
        return "extension"
    content_class, derived = allowed
    if size is not None and not 0 < size <= class_limit(content_class):
        return "size"
    if content_type and _media_type(content_type) not in (derived, *UNTYPED):
        return "content_type"
    return None


def upload_types() -> dict[str, dict[str, object]]:
    """The allowed extensions with their Content-Type, content class and size limit, for clients."""
    return {ext: {"contentType": UPLOAD_TYPES[ext][1], "class": UPLOAD_TYPES[ext][0],
                  "maxBytes": class_limit(UPLOAD_TYPES[ext][0])}
            for ext in settings.get("ALLOWED_EXTENSIONS") if ext in UPLOAD_TYPES}


def caller_prefix(user_id: str) -> str:
    """The folder every object of `user_id` lives under, without a trailing slash."""
    return f"{settings.get('UPLOAD_PREFIX')}/{quote(user_id, safe='-_.~')}"


def new_object_key(user_id: str, extension: str, *, now: datetime | None = None) -> str:
    """A fresh, unguessable key under the caller's prefix, keeping the extension."""
    now = now or datetime.now(timezone.utc)
    return f"{caller_prefix(user_id)}/{now:%Y/%m}/{secrets.token_hex(16)}.{extension}"


def owner_from_key(key: str) -> str | None:
    """The user id a key was issued to, or None when the key is outside the upload prefix."""
    root = settings.get("UPLOAD_PREFIX") + "/"
    if not key.startswith(root):
        return None
    user = key[len(root):].split("/", 1)
    return unquote(user[0]) if len(user) == 2 and user[0] else None


GENERATED_BEGIN, GENERATED_END = "// BEGIN GENERATED\n", "// END GENERATED\n"


def upload_types_js() -> str:
    """The table as the JavaScript block between a client's `// BEGIN GENERATED` and `// END GENERATED` lines."""
    rows = [f'  "{ext}": {json.dumps(entry, sort_keys=True)},' for ext, entry in sorted(upload_types().items())]
    return "const UPLOAD_TYPES = {\n" + "\n".join(rows) + "\n};\n"


def with_generated_table(source: str) -> str:
    """`source` with its generated block replaced by the current table; ValueError without the markers."""
    start, end = source.find(GENERATED_BEGIN), source.find(GENERATED_END)
    if start < 0 or end < start:
        raise ValueError("no // BEGIN GENERATED ... // END GENERATED block")
    return source[:start + len(GENERATED_BEGIN)] + upload_types_js() + source[end:]
