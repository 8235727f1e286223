"""The cover image emulated VOD's snapshot step leaves in storage, so the `CoverUrl` it announces loads.

VOD takes a frame of the uploaded video; the emulator cannot decode video, so every cover is the same
small JPEG (a 16x9 blue frame), stored where SnapshotComplete says the cover is.
"""

from __future__ import annotations

import base64

from devtools.emulator.objects import ObjectStore

COVER_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh"
    "Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB"
    "UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA"
    "AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y"
    "WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM"
    "ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcg"
    "LikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAJABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAIE"
    "/8QAHBAAAQQDAQAAAAAAAAAAAAAAAQIDBBIABRHh/8QAFAEBAAAAAAAAAAAAAAAAAAAABP/EABsRAAEEAwAAAAAAAAAAAAAAABMA"
    "ARESQVGB/9oADAMBAAIRAxEAPwCNS3FdlKTMKA3QkWXUd6PcbZuK1KSmGUFugJquw70+ZhxjguUlnjWEIjUpHV//2Q=="
)


def cover_key(media_id: str) -> str:
    """Where VOD's cover snapshot of a video lives in its storage bucket."""
    return f"snapshot/{media_id}/cover-00001.jpg"


def store_cover(store: ObjectStore, bucket: str, media_id: str) -> str:
    """Store the cover for `media_id`; returns its key."""
    key = cover_key(media_id)
    store.put(bucket, key, COVER_JPEG, "image/jpeg")
    return key
