"""One instance checking limits against a shared database, for the two-process tests.

Reads a JSON job on stdin: {"url", "start_at", "job": "credentials" | "reservations" | "logins", "count", ...};
waits until `start_at` (wall clock) so both instances run at once, and prints the outcomes as JSON.
"""

from __future__ import annotations

import json
import sys
import time

from upvend.errors import RateLimited, Unauthorized
from upvend.quotas import credential_allowed, login_allowed, within_credential_limits
from upvend.storage.database import Database
from upvend.storage.media import MediaRecord, MediaRepository


def _outcome(attempt) -> str:
    try:
        attempt()
        return "ok"
    except RateLimited as exc:
        return exc.code
    except Unauthorized as exc:
        return exc.code


def main() -> None:
    job = json.loads(sys.stdin.read())
    db = Database(job["url"], connections=1)
    db.ready()
    user, tag = job.get("user", "o-shared"), job["tag"]
    attempts = {
        "credentials": lambda i: lambda: credential_allowed(user, size=job.get("size"), db=db),
        "reservations": lambda i: lambda: within_credential_limits(
            user, lambda tx: _reserve(db, tx, user, f"{tag}-{i}"), reserves=True, db=db),
        "logins": lambda i: lambda: login_allowed(job.get("ip", "198.51.100.7"), f"code-{i % job['codes']}", db=db),
    }[job["job"]]
    time.sleep(max(0.0, job["start_at"] - time.time()))
    outcomes = [_outcome(attempts(i)) for i in range(job["count"])]
    db.pool.close_all()
    print(json.dumps(outcomes))


def _reserve(db: Database, tx, user: str, media_id: str) -> None:
    MediaRepository(db).create_uploading_in(tx, MediaRecord(provider="aliyun", media_id=media_id, kind="video",
                                                            status="uploading", owner=user))


if __name__ == "__main__":
    main()
