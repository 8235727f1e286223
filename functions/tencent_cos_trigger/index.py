"""COS trigger (cos:ObjectCreated:*): objects created under the upload prefix complete their media rows."""

from upvend.notices.recording import record_notices
from upvend.notices.storage_triggers import CosTriggerEvent, cos_trigger_notices
from upvend.trigger import trigger_handler


def created(event: CosTriggerEvent) -> dict:
    return record_notices(*cos_trigger_notices(event))


main_handler = trigger_handler(CosTriggerEvent, created, function="tencent-cos-trigger")
