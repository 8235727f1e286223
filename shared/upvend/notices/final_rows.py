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
from upvend.storage.media import Recorded
from upvend.storage.notices import FINAL_STATUSES

log = get_logger("upvend.final_rows")


def release_final_row(recorded: Recorded) -> bool:
    """Remove the content of a recorded notice's row if the row is final; True when a removal was made.

    `recorded.row` is None for notices that set no status (snapshots and the like say nothing about the
    content's arrival)."""
    row = recorded.row
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
