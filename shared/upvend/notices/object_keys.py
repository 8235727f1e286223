"""Reading storage notices' object keys back into the server-chosen key and its owner."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from urllib.parse import unquote

from upvend import settings
from upvend.uploads import extension_of
from upvend.user_ids import is_user_id

_IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic", "bmp"}
_VIDEO_EXTENSIONS = {"mp4", "mov", "m4v", "webm", "flv", "avi", "mkv", "m3u8", "ts", "wmv", "3gp"}


@dataclass(frozen=True)
class UploadKey:
    """An object key under the upload prefix, as the server issued it, and whom it was issued to."""

    key: str
    owner: str


def upload_key(reported: str) -> UploadKey | None:
    """The issued key behind a key a notice reports (URL-encoded or not); None outside the upload prefix.

    Issued keys are `<root>/<user id>/<yyyy>/<mm>/<hex>.<ext>`, and a user id needs
    no escaping. Each segment is decoded exactly once (undoing a platform's URL
    encoding), and the user segment must then be a user id: decoding more often
    would let `o-b%256Fb` (a folder an id with a `%` once got) pass for `o-bob`.
    """
    segments = (reported if "/" in reported else unquote(reported)).split("/")
    root = settings.get("UPLOAD_PREFIX").split("/")
    if len(segments) < len(root) + 2 or segments[:len(root)] != root or not all(segments[len(root):]):
        return None
    owner = unquote(segments[len(root)])
    if not is_user_id(owner):
        return None
    rest = [unquote(s) for s in segments[len(root) + 1:]]
    return UploadKey("/".join([*root, owner, *rest]), owner)


def kind_of(mime_type: str | None, name: str | None = None) -> str:
    """`image`, `video` or `file`, from the MIME type, else from the name's extension."""
    mime = (mime_type or "").split(";")[0].strip().lower()
    if not mime and name:
        mime = mimetypes.guess_type("x." + extension_of(name))[0] or ""
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    ext = extension_of(name or "")
    return "image" if ext in _IMAGE_EXTENSIONS else "video" if ext in _VIDEO_EXTENSIONS else "file"
