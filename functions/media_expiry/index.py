"""Timer trigger (FC and SCF): upload reservations nobody used become `expired`; abandoned VOD media is deleted.

A run handles up to UPVEND_MEDIA_EXPIRY_BATCH rows and leaves the rest to the
next one. A failed run (e.g. the database is down) raises, so the platform shows it.
"""

from pydantic import BaseModel, ConfigDict

from upvend.media_expiry import sweep
from upvend.trigger import trigger_handler


class TimerEvent(BaseModel):
    """FC's (`triggerTime`, `triggerName`, `payload`) or SCF's (`Type`, `TriggerName`, `Time`) timer event;
    nothing in it is needed."""

    model_config = ConfigDict(extra="allow")


def expire(event: TimerEvent) -> dict:
    return sweep()


handler = main_handler = trigger_handler(TimerEvent, expire, function="media-expiry")
