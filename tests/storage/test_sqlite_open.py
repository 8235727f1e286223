"""Many cold starts opening one new SQLite file at once all get a connection."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from upvend.storage.dialects import SqliteDialect


def test_concurrent_first_opens_of_a_new_file_all_succeed(tmp_path):
    failures: list[str] = []
    for round_ in range(100):
        url = SimpleNamespace(database=str(tmp_path / f"r{round_}.sqlite3"))

        def open_and_write() -> None:
            try:
                conn = SqliteDialect().connect(url, 3.0)
                conn.execute("CREATE TABLE IF NOT EXISTS t (a)")
                conn.close()
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(repr(exc))

        threads = [threading.Thread(target=open_and_write) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
