"""Tencent VOD reliable callbacks (pull mode): PullEvents, apply each event, ConfirmEvents what committed.

Pull mode is authenticated (a TC3-signed call with the function's role) and
VOD keeps events for 4 days, so nothing is lost while the database is down.
Each event goes through the same mapping as the push callback, and the same
read-back of its file with DescribeMediaInfos. Only events
whose changes committed (or that can never apply: malformed, or a type upvend
does not record) are confirmed; the rest come back after VOD's 30 s window.

A run keeps pulling until VOD hands out nothing, as long as the invocation's
time budget (upvend.deadline) leaves room for one more PullEvents call. When
the budget runs out first, the run asks VOD how many events still wait
(DescribeEventsState) and logs that backlog for the next run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from upvend import deadline, settings
from upvend.errors import UpstreamError, UpvendError
from upvend.http.body import parse_model
from upvend.logs import get_logger
from upvend.notices.recording import record_notices
from upvend.notices.tencent_vod import VodEventContent, vod_notices
from upvend.notices.tencent_vod_media import CloudAnswer, describe_media, reread_notices, rereading
from upvend.storage.media import MediaRepository
from upvend.tencent import config as tencent_config
from upvend.tencent.api import call_tencent, sdk_client

log = get_logger("upvend.tencent_vod_pull")
MAX_EVENTS_PER_PULL = 16


# The same validators as the other Tencent settings (an endpoint URL, bounded whole seconds / counts).
settings.declare("TENCENT_VOD_PULL_TIMEOUT_SECONDS", settings.int_between(6, 60), 10,
                 doc="Timeout of each PullEvents call, in seconds (6 to 60; VOD long-polls up to 5 s). A run "
                     "starts another call only while its time budget leaves this much plus 1 s.")
# Left after the last PullEvents call for recording and confirming its batch.
BATCH_MARGIN_SECONDS = 1.0


class VodEventSource(Protocol):
    def pull(self) -> list[dict[str, Any]]: ...

    def confirm(self, handles: list[str]) -> None: ...

    def backlog(self) -> int: ...

    def describe(self, file_ids: list[str]) -> CloudAnswer: ...


class SdkEventSource:
    """PullEvents / ConfirmEvents through tencentcloud-sdk-python-vod with the function role's keys."""

    def __init__(self) -> None:
        self._client = sdk_client("tencentcloud.vod.v20180717.vod_client.VodClient", "TENCENT_VOD_API_ENDPOINT",
                                  tencent_config.role_credentials(), "",
                                  timeout=settings.get("TENCENT_VOD_PULL_TIMEOUT_SECONDS"))
        app = settings.get("TENCENT_VOD_SUB_APP_ID")
        self._app = {"SubAppId": app} if app else {}

    def pull(self) -> list[dict[str, Any]]:
        # The raw JSON, not the SDK's models: they drop fields this SDK version does not know.
        answer = call_tencent("VOD", "PullEvents", lambda: self._client.call_json("PullEvents", dict(self._app)))
        events = (answer.get("Response") or {}).get("EventSet") if isinstance(answer, dict) else None
        if events is not None and not isinstance(events, list):
            raise UpstreamError("VOD answered PullEvents with an EventSet that is not a list.", code="tencent_error")
        return events or []

    def describe(self, file_ids: list[str]) -> CloudAnswer:
        return describe_media(file_ids)

    def confirm(self, handles: list[str]) -> None:
        from tencentcloud.vod.v20180717 import models

        request = models.ConfirmEventsRequest()
        request.EventHandles = handles
        if self._app:
            request.SubAppId = self._app["SubAppId"]
        call_tencent("VOD", "ConfirmEvents", lambda: self._client.ConfirmEvents(request))

    def backlog(self) -> int:
        """DescribeEventsState's CountOfEventsToPull (approximate at VOD: it lags about 3 minutes)."""
        answer = call_tencent("VOD", "DescribeEventsState",
                              lambda: self._client.call_json("DescribeEventsState", dict(self._app)))
        count = (answer.get("Response") or {}).get("CountOfEventsToPull") if isinstance(answer, dict) else None
        if isinstance(count, bool) or not isinstance(count, int):
            raise UpstreamError("VOD answered DescribeEventsState without a count.", code="tencent_error")
        return count


@dataclass
class PullSummary:
    batches: int = 0
    pulled: int = 0
    recorded: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: int = 0
    failed: int = 0
    confirmed: int = 0
    drained: bool = False  # VOD handed out nothing more; False when the time budget ran out first
    backlog: int | None = None  # events still waiting when the budget ran out (None: drained, or unknown)


def _apply(raw: Any, source: VodEventSource, repo: MediaRepository, summary: PullSummary) -> None:
    """Apply one pulled event (then it may be confirmed); raises when it failed and must come back."""
    try:
        notices = vod_notices(parse_model(VodEventContent, raw))
        if notices and rereading():
            notices = reread_notices(notices, repo=repo, describe=source.describe)
        if not notices:
            summary.ignored += 1
            return
        outcome = record_notices(notices, repo=repo)
    except UpvendError as exc:
        if exc.status >= 500:
            raise  # storage trouble: the event must come back
        # Refused as malformed (bad shape, ids too long, ...): retrying can never succeed, and an
        # unconfirmed event would block every later batch for the four days VOD keeps it.
        summary.rejected += 1
        log.warning("malformed VOD event confirmed without recording", extra={"code": exc.code})
        return
    summary.recorded += outcome["recorded"]
    summary.duplicates += outcome["duplicates"]


def pull_and_record(source: VodEventSource, repo: MediaRepository | None = None,
                    budget: deadline.Deadline | None = None) -> dict[str, Any]:
    """Pull until VOD has nothing waiting or the time budget runs out, recording and confirming as it goes.

    The budget is the invocation's deadline unless given; another PullEvents call starts
    only while it leaves that call's timeout plus a margin. The first call always runs.
    """
    repo = repo or MediaRepository()
    budget = budget or deadline.current()
    reserve = settings.get("TENCENT_VOD_PULL_TIMEOUT_SECONDS") + BATCH_MARGIN_SECONDS
    summary = PullSummary()
    while summary.batches == 0 or budget.remaining() > reserve:
        events = source.pull()
        if not events:
            summary.drained = True
            break
        summary.batches += 1
        summary.pulled += len(events)
        _record_batch(source, events, repo, summary)
    if not summary.drained:
        summary.backlog = _backlog(source)
        log.warning("time budget spent with VOD events still waiting; the next run goes on",
                    extra={"backlog": summary.backlog, "pulled": summary.pulled, "batches": summary.batches})
    return asdict(summary)


def _record_batch(source: VodEventSource, events: list[Any], repo: MediaRepository, summary: PullSummary) -> None:
    """Apply one batch in order and confirm what committed; re-raise the first failure after confirming."""
    done: list[str] = []
    failure: Exception | None = None
    for raw in events:
        handle = raw.get("EventHandle") if isinstance(raw, dict) else None
        try:
            _apply(raw, source, repo, summary)
            if isinstance(handle, str) and handle:
                done.append(handle)
        except Exception as exc:  # not confirmed: VOD hands it out again after its window
            summary.failed += 1
            failure = exc
            break  # the rest of the batch would most likely fail the same way; it comes back too
    for start in range(0, len(done), MAX_EVENTS_PER_PULL):
        source.confirm(done[start:start + MAX_EVENTS_PER_PULL])
        summary.confirmed += len(done[start:start + MAX_EVENTS_PER_PULL])
    if failure is not None:
        log.error("VOD event not recorded; left unconfirmed for redelivery", extra=asdict(summary))
        raise failure


def _backlog(source: VodEventSource) -> int | None:
    """How many events VOD still holds, or None when it cannot tell (the run itself went fine)."""
    try:
        return source.backlog()
    except UpvendError as exc:
        log.warning("could not read the VOD event backlog", extra={"code": exc.code})
        return None
