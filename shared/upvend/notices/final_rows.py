"""After a notice: a row that is `rejected` or `deleted` keeps no content in the cloud.

A notice can arrive for a row that is already final: the upload finished after its
owner deleted the row (the form was still valid), or the upload broke what was
reserved (bigger than the declared size: the notice itself made the row
`rejected`). The content is then removed through the same path as DELETE
/media/{id}; removal is idempotent, so a redelivered notice only repeats a
harmless call. A removal that fails is logged with the row, and the answer to
the notice is unaffected (the notice itself was recorded).
"""

from __future__ import annotations

from upvend.errors import UpvendError
from upvend.logs import get_logger
from upvend.media_removal import remove_from_cloud
from upvend.storage.media import MediaRepository
from upvend.storage.notices import FINAL_STATUSES, MediaNotice

log = get_logger("upvend.final_rows")


def release_final_row(repo: MediaRepository, notice: MediaNotice) -> bool:
    """Remove the content of the notice's row if the row is final; True when a removal was made."""
    if notice.status is None:
        return False  # snapshots and the like say nothing about the content's arrival
    row = repo.get(notice.provider, notice.media_id)
    if row is None or row.status not in FINAL_STATUSES:
        return False
    try:
        remove_from_cloud(row)
    except UpvendError as exc:
        log.warning("could not remove the content of a final row", extra={
            "provider": row.provider, "mediaId": row.media_id, "status": row.status, "code": exc.code})
        return False
    log.info("removed the content of a final row", extra={"provider": row.provider, "mediaId": row.media_id,
                                                           "status": row.status})
    return True
