"""Emulated STS AssumeRole: records the session policy and issues keys the emulator will recognise."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.aliyun.config import ACCOUNT_ID
from devtools.emulator.aliyun.keys import AccessKey
from devtools.emulator.aliyun.ram_policy import PolicyGrammarError, parse_policy
from devtools.emulator.aliyun.state import AliyunState, RpcError

MAX_POLICY_CHARS = 2048  # AssumeRole's documented limit on the Policy parameter
ROLE_MAX_SESSION_SECONDS = 3600


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def assume_role(state: AliyunState, params: dict[str, str], caller: AccessKey) -> dict[str, Any]:
    role_arn = params.get("RoleArn", "")
    if not caller.allows("sts:AssumeRole", role_arn):
        raise RpcError("NoPermission", "You are not authorized to do this action.", 403)
    if not re.fullmatch(r"acs:ram::\d+:role/[A-Za-z0-9.@_/-]+", role_arn):
        raise RpcError("InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
    if role_arn != state.dev.role_arn:
        raise RpcError("EntityNotExist.Role", "The role not exists: " + role_arn, 404)
    session = params.get("RoleSessionName", "")
    if not re.fullmatch(r"[A-Za-z0-9.@_-]{2,64}", session):
        raise RpcError("InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed.")
    try:
        duration = int(params.get("DurationSeconds") or 3600)
    except ValueError:
        raise RpcError("InvalidParameter.DurationSeconds", "The DurationSeconds is invalid.") from None
    if not 900 <= duration <= ROLE_MAX_SESSION_SECONDS:
        raise RpcError("InvalidParameter.DurationSeconds",
                       f"The Min/Max value of DurationSeconds is 15min/{ROLE_MAX_SESSION_SECONDS // 60}min.")
    text = params.get("Policy") or None
    policy = None
    if text is not None:
        if len(text) > MAX_POLICY_CHARS:
            raise RpcError("InvalidParameter.PolicySize", "The policy size exceeds the limit.")
        try:
            policy = parse_policy(text)
        except PolicyGrammarError as exc:
            raise RpcError("InvalidParameter.PolicyGrammar", f"The policy grammar is invalid: {exc}.") from None
    key = state.keys.issue(duration=duration, policy=policy, policy_text=text, session_name=session,
                           purpose="assume-role")
    role_name = role_arn.rsplit("/", 1)[1]
    return {
        "Credentials": {"AccessKeyId": key.key_id, "AccessKeySecret": key.secret,
                        "SecurityToken": key.token, "Expiration": _iso(key.expires_at or 0)},
        "AssumedRoleUser": {"Arn": f"acs:ram::{ACCOUNT_ID}:role/{role_name}/{session}",
                            "AssumedRoleId": f"{ACCOUNT_ID[:12]}:{session}"},
    }
