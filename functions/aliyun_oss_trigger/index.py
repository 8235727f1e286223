"""OSS trigger (oss:ObjectCreated:*): objects created under the upload prefix complete their media rows.

Each object's Content-Type is read with HeadObject (the event has none), so the
upload rules judge extension, size and type.
"""

from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.oss_head import stored_content_type
from upvend.notices.recording import record_notices
from upvend.notices.storage_triggers import OssTriggerEvent, oss_trigger_notices
from upvend.trigger import trigger_handler


def _content_type(bucket: str, key: str) -> str | None:
    # The event has no Content-Type; ask OSS with the function's role (oss:GetObject).
    return stored_content_type(bucket, key, function_credentials())


def created(event: OssTriggerEvent) -> dict:
    return record_notices(*oss_trigger_notices(event, _content_type))


handler = trigger_handler(OssTriggerEvent, created, function="aliyun-oss-trigger")
