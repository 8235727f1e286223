"""Applying a batch of notices (one trigger event, one pull) and summing up what happened."""

from __future__ import annotations

from typing import Iterable

from upvend.notices.final_rows import release_final_row
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice


def record_notices(notices: Iterable[MediaNotice], skipped: int = 0,
                   repo: MediaRepository | None = None) -> dict[str, int]:
    """Apply each notice in its own transaction; StorageUnavailable propagates (the sender retries).
    A notice that leaves its row rejected or deleted has the row's content removed."""
    repo = repo or MediaRepository()
    recorded = duplicates = 0
    for notice in notices:
        result = repo.record(notice)
        if result.new:
            recorded += 1
        else:
            duplicates += 1
        release_final_row(result)  # redeliveries too: a failed removal gets another try
    return {"recorded": recorded, "duplicates": duplicates, "skipped": skipped}
