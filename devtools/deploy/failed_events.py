"""Durable failure paths of the storage-trigger functions, from `failed_events:` in template.yaml.

Both platforms invoke a storage trigger asynchronously and retry it (FC: maxAsyncRetryAttempts, 3 by default;
SCF: 2); an event that still fails is dropped unless the function has a failure destination. Messages there
carry the original event, and handling it again is safe (every write is idempotent).
- FC 3.0: `asyncInvokeConfig.destinationConfig.onFailure.destination`, an MNS queue
  (`acs:mns:<region>:<account-id>:/queues/<queue>/messages`); FC sends with the function's role, which needs
  mns:SendMessage on the queue.
- SCF: `deadLetter` of the scf component (tencent-component-toolkit `formatInputs` -> CreateFunction
  DeadLetterConfig {Type, Name, FilterType}); SCF's dead-letter queues are CMQ queues or topics.
"""

from __future__ import annotations

from typing import Any

from devtools.deploy.targets import SERVERLESS_DEVS, CLOUD_FRAMEWORK
from devtools.template import Function, Template

ACCOUNT = "${config('AccountID')}"


def storage_trigger(fn: Function) -> bool:
    return fn.trigger is not None and (fn.trigger.oss is not None or fn.trigger.cos is not None)


def has_failure_path(template: Template, provider: str, fn: Function) -> bool:
    return storage_trigger(fn) and getattr(template.failed_events, provider) is not None


def async_invoke_config(template: Template, fn: Function) -> dict[str, Any] | None:
    """fc3 `asyncInvokeConfig` of an OSS-trigger function (retries, event age, failure destination)."""
    failed = template.failed_events.aliyun
    if failed is None or not storage_trigger(fn):
        return None
    queue = SERVERLESS_DEVS.value(failed.mns_queue)
    return {"qualifier": "LATEST", "maxAsyncRetryAttempts": failed.max_retries,
            "maxAsyncEventAgeInSeconds": failed.max_event_age_seconds,
            "destinationConfig": {"onFailure": {
                "destination": f"acs:mns:${{vars.region}}:{ACCOUNT}:/queues/{queue}/messages"}}}


def dead_letter(template: Template, fn: Function) -> dict[str, str] | None:
    """scf component `deadLetter` of a COS-trigger function."""
    failed = template.failed_events.tencent
    if failed is None or not storage_trigger(fn):
        return None
    letter = {"type": CLOUD_FRAMEWORK.value(failed.type), "name": CLOUD_FRAMEWORK.value(failed.name)}
    if failed.filter_type:
        letter["filterType"] = CLOUD_FRAMEWORK.value(failed.filter_type)
    return letter


def destination_statement(template: Template, fn: Function) -> dict[str, Any] | None:
    """What the function's role needs to deliver a failed event (Aliyun RAM; `${NAME}` left for envsubst)."""
    failed = template.failed_events.aliyun
    if failed is None or not storage_trigger(fn) or fn.provider != "aliyun":
        return None
    return {"Effect": "Allow", "Action": ["mns:SendMessage"],
            "Resource": [f"acs:mns:*:${{UPVEND_ALIYUN_ACCOUNT_ID}}:/queues/{failed.mns_queue}/messages"]}
