"""Timer trigger: Tencent VOD reliable callbacks (pull mode) into the media table.

Each run pulls the waiting events (PullEvents, up to 16 at a time), applies them
through the same mapping as the push callback, and confirms only what committed;
an event that failed comes back after VOD's 30 s window. A failed run (e.g. the
database is down) raises, so the platform shows it; VOD keeps events for 4 days.
"""

from pydantic import BaseModel, ConfigDict

from upvend.notices.tencent_vod_pull import SdkEventSource, pull_and_record
from upvend.trigger import trigger_handler


class TimerEvent(BaseModel):
    """SCF's timer event (`{"Type": "Timer", "TriggerName", "Time", "Message"}`); nothing in it is needed."""

    model_config = ConfigDict(extra="allow")

    Type: str | None = None
    TriggerName: str | None = None
    Time: str | None = None


def pull(event: TimerEvent) -> dict:
    return pull_and_record(SdkEventSource())


main_handler = trigger_handler(TimerEvent, pull, function="tencent-vod-pull")
