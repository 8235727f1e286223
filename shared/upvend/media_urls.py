"""Public URLs for media stored in object-storage buckets (OSS, COS) that notices give no URL for.

OSS callbacks and triggers name a bucket and key, not a URL; COS events carry
the bucket's own domain, which a private bucket does not serve. When a bucket is
served publicly (a CDN domain in front of it), `UPVEND_MEDIA_BASE_URLS` maps the
bucket to that base URL and media rows of that bucket get `<base-url>/<key>` as their
media URL instead; rows of other buckets keep what their notice said.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from upvend import settings


def _bucket_bases(raw: str) -> dict[str, str]:
    bases: dict[str, str] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        bucket, sep, base = part.partition("=")
        parsed = urlsplit(base.strip())
        if not sep or not bucket.strip() or parsed.scheme not in ("http", "https") or not parsed.netloc \
                or parsed.query or parsed.fragment:
            raise ValueError("must be comma-separated <bucket>=<http(s) base URL> pairs")
        bases[bucket.strip()] = base.strip().rstrip("/")
    return bases


settings.declare("MEDIA_BASE_URLS", _bucket_bases, {},
                 doc="Comma-separated <bucket>=<base-url> pairs of buckets served publicly (e.g. a CDN "
                     "domain): GET /media gives OSS/COS rows of those buckets <base-url>/<key> as mediaUrl; rows of "
                     "other buckets keep what their notice said. Clients open playUrl / thumbnailUrl when the "
                     "bucket is private.")


def object_url(bucket: str | None, key: str | None) -> str | None:
    """`<base-url>/<key>` when `bucket` has a configured public base URL, else None."""
    if not bucket or not key:
        return None
    base = settings.get("MEDIA_BASE_URLS").get(bucket)
    return f"{base}/{quote(key, safe='/-_.~')}" if base else None
