"""The expiry timer's work: lapsed upload reservations become `expired`, and abandoned VOD media is deleted.

A reservation lapses a grace period after its credential (see upload_reservations);
reads already show it as expired, the timer writes it. A VOD reservation also
holds a media entry in VOD (CreateUploadVideo / CreateUploadImage made it), which
counts against the account until deleted: the timer deletes it through the same
path as DELETE /media/{id} first, and marks the row only once that succeeded, so
a failed deletion is tried again by the next run. Reservations made before
lapse times were recorded count from their creation plus the longest upload
credential (VOD's 3000 s UploadAuth) and the grace period.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from upvend import settings
from upvend.errors import UpvendError
from upvend.logs import get_logger
from upvend.media_removal import remove_from_cloud
from upvend.role_keys import has_role_key
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.storage.usage import purge_expired
from upvend import upload_reservations  # noqa: F401 (declares UPLOAD_EXPIRY_GRACE_SECONDS)

log = get_logger("upvend.media_expiry")
LONGEST_CREDENTIAL_SECONDS = 3000  # VOD's UploadAuth; forms and policies live shorter

settings.declare("MEDIA_EXPIRY_BATCH", settings.int_between(1, 1000), 200,
                 doc="Most lapsed reservations one run of the expiry timer handles (the next run takes the rest).")


def _holds_vod_media(record: MediaRecord) -> bool:
    return not (record.bucket and record.object_key)


def sweep(repo: MediaRepository | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Expire what lapsed; returns counts for the run's log line."""
    repo = repo or MediaRepository()
    now = now or datetime.now(timezone.utc)
    legacy_before = now - timedelta(seconds=LONGEST_CREDENTIAL_SECONDS + settings.get("UPLOAD_EXPIRY_GRACE_SECONDS"))
    due = repo.lapsed_reservations(now, legacy_before, limit=settings.get("MEDIA_EXPIRY_BATCH"))
    expired = released = skipped = failed = 0
    for record in due:
        if _holds_vod_media(record):
            if not has_role_key(record.provider):
                skipped += 1  # the other cloud's expiry timer releases it
                continue
            try:
                remove_from_cloud(record)
            except UpvendError as exc:
                failed += 1
                log.warning("could not release abandoned VOD media; the next run tries again",
                            extra={"provider": record.provider, "mediaId": record.media_id, "code": exc.code})
                continue
            released += 1
        if repo.mark_expired(record.provider, record.media_id):
            expired += 1
    # The usage-limit windows that ended (and spent login codes past their replay guard) go too.
    purged = purge_expired(repo.db, int(now.timestamp()))
    return {"due": len(due), "expired": expired, "released": released, "skipped": skipped, "failed": failed,
            "purgedCounters": purged}
