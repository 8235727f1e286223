"""OSS trigger (oss:ObjectCreated:*): objects created under the upload prefix complete their media rows."""

from upvend.notices.recording import record_notices
from upvend.notices.storage_triggers import OssTriggerEvent, oss_trigger_notices
from upvend.trigger import trigger_handler


def created(event: OssTriggerEvent) -> dict:
    return record_notices(*oss_trigger_notices(event))


handler = trigger_handler(OssTriggerEvent, created, function="aliyun-oss-trigger")
