"""Server-chosen object keys under a per-user prefix, and the upload rules per content class.

Keys look like `<root>/<user>/<yyyy>/<mm>/<32 hex>.<ext>`. The user part is the
JWT subject, percent-encoded, so the owner can be read back from any key
(storage triggers attribute objects this way) and no user can name a key
inside another user's prefix.
"""

from __future__ import annotations

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
settings.declare("MAX_IMAGE_BYTES", lambda raw: int(raw), 20 * MiB, doc="Largest image upload.")
settings.declare("MAX_VIDEO_BYTES", lambda raw: int(raw), 2048 * MiB, doc="Largest video upload.")
settings.declare("MAX_AUDIO_BYTES", lambda raw: int(raw), 200 * MiB, doc="Largest audio upload.")
settings.declare("ALLOWED_EXTENSIONS", lambda raw: tuple(e.strip().lower().lstrip(".") for e in raw.split(",")
                                                          if e.strip()),
                 ("jpg", "jpeg", "png", "gif", "webp", "heic", "mp4", "mov", "m4v", "webm", "flv", "avi", "mkv",
                  "mp3", "m4a", "aac", "wav"),
                 doc="File extensions accepted for upload.")

_CLASSES = {
    "image": ({"jpg", "jpeg", "png", "gif", "webp", "heic"}, "MAX_IMAGE_BYTES"),
    "video": ({"mp4", "mov", "m4v", "webm", "flv", "avi", "mkv"}, "MAX_VIDEO_BYTES"),
    "audio": ({"mp3", "m4a", "aac", "wav"}, "MAX_AUDIO_BYTES"),
}


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
    contentType: Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=3, max_length=128,
                                                        pattern=r"^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$")]
    size: Optional[Annotated[StrictInt, Field(gt=0)]] = None


def extension_of(file_name: str) -> str:
    """The lowercase extension of a client file name ('' when there is none)."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def upload_rule(file_name: str, content_type: str, size: int | None = None) -> UploadRule:
    """Check a requested upload against the allow-list and limits; raise ValidationFailed if refused."""
    ext = extension_of(file_name)
    if not ext or ext not in settings.get("ALLOWED_EXTENSIONS"):
        raise ValidationFailed(f"File extension '.{ext}' is not allowed." if ext else "fileName needs an extension.",
                               code="extension_not_allowed")
    content_class = next((name for name, (exts, _) in _CLASSES.items() if ext in exts), None)
    if content_class is None:
        raise ValidationFailed(f"File extension '.{ext}' has no content class.", code="extension_not_allowed")
    if not content_type.lower().startswith(content_class + "/"):
        raise ValidationFailed(f"contentType must be {content_class}/* for a .{ext} file.",
                               code="content_type_mismatch")
    max_bytes = settings.get(_CLASSES[content_class][1])
    if size is not None and not 0 < size <= max_bytes:
        raise ValidationFailed(f"size must be between 1 and {max_bytes} bytes for {content_class}.",
                               code="size_out_of_range")
    return UploadRule(ext, content_class, content_type, size or max_bytes)


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
