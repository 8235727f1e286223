"""Completion side effects of emulated uploads, with the payloads the clouds send.

- Aliyun VOD HTTP callbacks (signed) after uploads into VOD's storage,
- OSS upload callbacks (RSA-signed; their answer goes back to the uploader),
- OSS and COS trigger invocations of the template's trigger functions,
- Tencent VOD events after CommitUploadUGC, pushed and queued for PullEvents / ConfirmEvents,
plus the switch and logs under /_emulator/notices/ (see admin.py).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from devtools.emulator.notices.admin import NoticesAdminService
from devtools.emulator.notices.aliyun_vod import AliyunVodNotices
from devtools.emulator.notices.oss_upload_callback import OssUploadCallback
from devtools.emulator.notices.schedule import NoticeScheduler, NoticeSwitch
from devtools.emulator.notices.storage_triggers import StorageTriggers
from devtools.emulator.notices.tencent_vod import TencentVodNotices
from devtools.emulator.notices.vod_event_queue import VodEventQueue
from devtools.emulator.notices.vod_events_api import VodEventsApi
from devtools.emulator.service import Service

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def notice_services(emulator: Any, template_path: Path = TEMPLATE) -> list[Service]:
    """Register the upload listeners on `emulator`; returns the services to list first."""
    switch = NoticeSwitch()
    scheduler = NoticeScheduler(switch)
    queue = VodEventQueue()
    callbacks: deque[dict[str, Any]] = deque(maxlen=200)
    # The OSS callback answers the uploader, so it runs first and synchronously; the rest is scheduled.
    emulator.on_upload(OssUploadCallback(emulator, callbacks.append))
    emulator.on_upload(AliyunVodNotices(emulator, scheduler, switch))
    emulator.on_upload(StorageTriggers(emulator, scheduler, template_path))
    emulator.on_upload(TencentVodNotices(emulator, scheduler, switch, queue))
    return [NoticesAdminService(switch, scheduler, queue, lambda: list(callbacks)),
            VodEventsApi(emulator, queue, switch)]
