"""Pull mode: apply each pulled event through the push mapping, confirm only what committed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.test_aliyun_cold_start import modules_loaded_by
from upvend.deadline import Deadline
from upvend.errors import StorageUnavailable, UpstreamError
from upvend.notices.tencent_vod_media import CloudAnswer, CloudFile
from upvend.notices.tencent_vod_pull import pull_and_record
from upvend.storage.media import Recorded



def upload(file_id: str, handle: str | None = None, owner: str = "o-alice") -> dict[str, Any]:
    event: dict[str, Any] = {"EventType": "NewFileUpload", "FileUploadEvent": {
        "FileId": file_id, "MediaBasicInfo": {"SourceInfo": {"SourceContext": owner}}}}
    if handle is not None:
        event["EventHandle"] = handle
    return event


class FakeVod:
    """PullEvents hands out the given batches in turn; ConfirmEvents is recorded; the backlog is what is left;
    DescribeMediaInfos knows the files of the events handed out (with their SourceContext), except `unknown`."""

    def __init__(self, *batches: list[dict[str, Any]], backlog_fails: bool = False,
                 unknown: frozenset[str] = frozenset(), describe_fails: bool = False) -> None:
        self.batches = list(batches)
        self.confirmed: list[list[str]] = []
        self.backlog_fails = backlog_fails
        self.owners: dict[str, str | None] = {}
        self.unknown, self.describe_fails = unknown, describe_fails

    def pull(self) -> list[dict[str, Any]]:
        batch = self.batches.pop(0) if self.batches else []
        for event in batch:
            upload_event = event.get("FileUploadEvent") or {}
            if upload_event.get("FileId"):
                source = upload_event.get("MediaBasicInfo", {}).get("SourceInfo", {})
                self.owners[upload_event["FileId"]] = source.get("SourceContext")
        return batch

    def describe(self, file_ids: list[str]) -> CloudAnswer:
        if self.describe_fails:
            raise UpstreamError("VOD did not answer.", code="tencent_unreachable")
        known = {f: CloudFile(f, owner=self.owners.get(f)) for f in file_ids if f not in self.unknown}
        return CloudAnswer(known, frozenset(set(file_ids) - set(known)))

    def confirm(self, handles: list[str]) -> None:
        self.confirmed.append(list(handles))

    def backlog(self) -> int:
        if self.backlog_fails:
            raise UpstreamError("VOD is unreachable.", code="upstream_unreachable")
        return sum(len(batch) for batch in self.batches)


class FakeRepo:
    """Records applied notices; media ids in `down` fail as an unreachable database would."""

    def __init__(self, down: set[str] = frozenset()) -> None:
        self.down = down
        self.keys: set[str] = set()

    def get(self, provider: str, media_id: str) -> None:
        return None  # no row yet: the owner is VOD's SourceContext, and none is final

    def record(self, notice) -> Recorded:
        if notice.media_id in self.down:
            raise StorageUnavailable("The database is unreachable.")
        new = notice.dedupe_key not in self.keys
        self.keys.add(notice.dedupe_key)
        return Recorded(new, None)  # no row is final here


def test_every_committed_event_is_confirmed_and_pulling_stops_when_nothing_waits():
    vod = FakeVod([upload("1", "h1"), upload("2", "h2"), upload("1", "h3")], [upload("3", "h4")])
    summary = pull_and_record(vod, FakeRepo(), budget=Deadline(60))
    assert vod.confirmed == [["h1", "h2", "h3"], ["h4"]]
    assert summary == {"batches": 2, "pulled": 4, "recorded": 3, "duplicates": 1, "ignored": 0, "rejected": 0,
                       "failed": 0, "confirmed": 4, "drained": True, "backlog": None}


def test_ignored_and_malformed_events_are_confirmed_so_they_do_not_come_back_forever():
    other = {"EventHandle": "h1", "EventType": "EditMediaComplete", "EditMediaCompleteEvent": {}}
    malformed = {"EventHandle": "h2", "EventType": "NewFileUpload", "FileUploadEvent": {"FileId": ""}}
    vod = FakeVod([other, malformed, upload("5", "h3")])
    summary = pull_and_record(vod, FakeRepo(), budget=Deadline(60))
    assert vod.confirmed == [["h1", "h2", "h3"]]
    assert (summary["ignored"], summary["rejected"], summary["recorded"]) == (1, 1, 1)


def test_an_event_the_table_refuses_is_confirmed_and_does_not_block_the_batch():
    vod = FakeVod([upload("x" * 600, "h1"), upload("2", "h2")])  # a FileId longer than any id column
    summary = pull_and_record(vod, FakeRepo(), budget=Deadline(60))
    assert vod.confirmed == [["h1", "h2"]]
    assert (summary["rejected"], summary["recorded"], summary["failed"]) == (1, 1, 0)


def test_a_failed_event_and_the_rest_of_its_batch_stay_unconfirmed_and_the_run_fails():
    vod = FakeVod([upload("1", "h1"), upload("down", "h2"), upload("3", "h3")], [upload("4", "h4")])
    with pytest.raises(StorageUnavailable):
        pull_and_record(vod, FakeRepo(down={"down"}), budget=Deadline(60))
    assert vod.confirmed == [["h1"]]
    assert vod.batches == [[upload("4", "h4")]]  # no further pulls after a failure


def test_one_run_drains_a_backlog_of_many_batches():
    """400 events used to take 20 batches a run (320), leaving 80 for the next minute's run."""
    vod = FakeVod(*[[upload(str(b * 16 + n), f"h{b}-{n}") for n in range(16)] for b in range(25)])
    summary = pull_and_record(vod, FakeRepo(), budget=Deadline(60))
    assert (summary["batches"], summary["pulled"], summary["confirmed"]) == (25, 400, 400)
    assert summary["drained"] and summary["backlog"] is None and vod.batches == []


def test_a_spent_budget_stops_after_the_first_batch_and_logs_the_backlog(caplog, monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PULL_TIMEOUT_SECONDS", "6")
    vod = FakeVod(*[[upload(str(n), f"h{n}")] for n in range(5)])
    with caplog.at_level("WARNING", logger="upvend.tencent_vod_pull"):
        summary = pull_and_record(vod, FakeRepo(), budget=Deadline(6.9))  # under one call's 6 s + 1 s margin
    assert summary["batches"] == 1 and vod.confirmed == [["h0"]]
    assert (summary["drained"], summary["backlog"]) == (False, 4)
    [line] = [r for r in caplog.records if r.getMessage().startswith("time budget spent")]
    assert (line.backlog, line.pulled) == (4, 1)


def test_another_batch_starts_only_while_the_budget_leaves_a_pull_timeout_and_a_margin(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PULL_TIMEOUT_SECONDS", "6")
    vod = FakeVod(*[[upload(str(n), f"h{n}")] for n in range(5)])
    assert pull_and_record(vod, FakeRepo(), budget=Deadline(7.5))["batches"] == 5


def test_an_unreadable_backlog_does_not_fail_the_run(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PULL_TIMEOUT_SECONDS", "6")
    vod = FakeVod([upload("1", "h1")], [upload("2", "h2")], backlog_fails=True)
    summary = pull_and_record(vod, FakeRepo(), budget=Deadline(1))
    assert (summary["confirmed"], summary["drained"], summary["backlog"]) == (1, False, None)


def test_events_for_files_vod_does_not_know_are_confirmed_without_a_write():
    vod = FakeVod([upload("gone", "h1"), upload("2", "h2")], unknown=frozenset({"gone"}))
    repo = FakeRepo()
    summary = pull_and_record(vod, repo, budget=Deadline(60))
    assert vod.confirmed == [["h1", "h2"]]
    assert (summary["ignored"], summary["recorded"]) == (1, 1)
    assert repo.keys == {"tencent-vod:NewFileUpload:2"}


def test_a_failed_read_back_leaves_the_event_unconfirmed():
    vod = FakeVod([upload("1", "h1")], describe_fails=True)
    with pytest.raises(UpstreamError):
        pull_and_record(vod, FakeRepo(), budget=Deadline(60))
    assert vod.confirmed == []


def test_loading_the_pull_function_imports_no_sdk():
    assert modules_loaded_by(["tencent_vod_pull"], "main_handler", ("tencentcloud",)) == "[]"
