"""Reading storage notices' object keys back into the server-chosen key and its owner."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from urllib.parse import quote, unquote

from upvend import settings
from upvend.uploads import extension_of

_IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic", "bmp"}
_VIDEO_EXTENSIONS = {"mp4", "mov", "m4v", "webm", "flv", "avi", "mkv", "m3u8", "ts", "wmv", "3gp"}


@dataclass(frozen=True)
class UploadKey:
    """An object key under the upload prefix, as the server issued it, and whom it was issued to."""

    key: str
    owner: str


def upload_key(reported: str) -> UploadKey | None:
    """The issued key behind a key a notice reports (URL-encoded or not); None outside the upload prefix.

    Issued keys are `<root>/<quoted user>/<yyyy>/<mm>/<hex>.<ext>`: only the user
    segment can hold `%` escapes. Unquoting it until it is plain and quoting it
    again gives the issued key whether or not the platform URL-encoded the key.
    """
    segments = (reported if "/" in reported else unquote(reported)).split("/")
    root = settings.get("UPLOAD_PREFIX").split("/")
    if len(segments) < len(root) + 2 or segments[:len(root)] != root or not all(segments[len(root):]):
        return None
    owner = unquote(unquote(segments[len(root)]))
    rest = [unquote(s) for s in segments[len(root) + 1:]]
    return UploadKey("/".join([*root, quote(owner, safe="-_.~"), *rest]), owner)


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
