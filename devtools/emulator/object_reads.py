"""Anonymous GetObject / HeadObject on the emulated buckets, so media and cover URLs load in a browser.

The emulated buckets behave as public-read (as a bucket behind a public CDN
domain does): `<img src>` thumbnails carry no signature. Writes stay signed.
"""

from __future__ import annotations

from starlette.responses import Response

from devtools.emulator.objects import ObjectStore


def object_response(store: ObjectStore, bucket: str, key: str, method: str,
                    headers: dict[str, str] | None = None) -> Response | None:
    """The stored object as a GET (or HEAD) answer; None when there is no such object."""
    found = store.get(bucket, key)
    if found is None:
        return None
    obj, data = found
    answer = {"ETag": f'"{obj.etag}"', "Content-Length": str(obj.size), "Cache-Control": "max-age=60",
              **(headers or {})}
    return Response(b"" if method == "HEAD" else data, media_type=obj.content_type, headers=answer)
