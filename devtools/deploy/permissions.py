"""Least-privilege policy documents (Aliyun RAM, Tencent CAM) built from each function's `permissions`.

A function lists the cloud API actions it calls in template.yaml (`permissions: [sts:AssumeRole, ...]`);
only actions known here are accepted, each with the narrowest resource that action can be scoped to.
`${UPVEND_...}` placeholders are deploy-time variables: substitute them (e.g. with `envsubst`) when the
document is attached.
"""

from __future__ import annotations

from typing import Any

ALIYUN_ACCOUNT = "${UPVEND_ALIYUN_ACCOUNT_ID}"
TENCENT_UIN = "${UPVEND_TENCENT_UIN}"

# The same variables the functions read: the role they assume, the bucket and the upload prefix.
_ALIYUN_UPLOAD_ROLE = "${UPVEND_ALIYUN_STS_ROLE_ARN}"
_OSS_UPLOADS = f"acs:oss:*:{ALIYUN_ACCOUNT}:${{UPVEND_ALIYUN_OSS_BUCKET}}/${{UPVEND_UPLOAD_PREFIX}}/*"
_TENCENT_UPLOAD_ROLE = "${UPVEND_TENCENT_STS_ROLE_ARN}"
_COS_UPLOADS = ("qcs::cos:${UPVEND_TENCENT_REGION}:uid/${UPVEND_TENCENT_APPID}:${UPVEND_TENCENT_COS_BUCKET}/"
                "${UPVEND_UPLOAD_PREFIX}/*")

# action -> resource. VOD upload and event APIs have no resource-level authorisation: their resource is "*".
KNOWN_ACTIONS: dict[str, dict[str, str]] = {
    "aliyun": {
        "sts:AssumeRole": _ALIYUN_UPLOAD_ROLE,
        "vod:CreateUploadVideo": "*",
        "vod:RefreshUploadVideo": "*",
        "vod:CreateUploadImage": "*",
        "vod:CreateUploadAttachedMedia": "*",
        "vod:GetVideoInfo": "*",
        "vod:GetMezzanineInfo": "*",
        "vod:GetImageInfo": "*",
        "vod:GetPlayInfo": "*",
        "vod:DeleteVideo": "*",
        "vod:DeleteImage": "*",
        # A PostObject form signed with the function's own role key is authorised as that role's PutObject.
        "oss:PutObject": _OSS_UPLOADS,
        "oss:GetObject": _OSS_UPLOADS,
        "oss:GetObjectMeta": _OSS_UPLOADS,
        "oss:DeleteObject": _OSS_UPLOADS,
    },
    "tencent": {
        "sts:AssumeRole": _TENCENT_UPLOAD_ROLE,
        "vod:PullEvents": "*",
        "vod:ConfirmEvents": "*",
        "vod:DescribeEventsState": "*",
        "vod:DescribeMediaInfos": "*",
        "vod:DeleteMedia": "*",
        "cos:HeadObject": _COS_UPLOADS,
        "cos:GetObject": _COS_UPLOADS,
        "cos:DeleteObject": _COS_UPLOADS,
    },
}

# What the upload role itself may do: write new objects (simple, form and multipart) under the upload prefix.
# Session policies passed to AssumeRole narrow this further to one caller's key.
_OSS_WRITE = ["oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart", "oss:CompleteMultipartUpload",
              "oss:AbortMultipartUpload", "oss:ListParts"]
# cos:ListMultipartUploads is a bucket request, but the official SDKs send it with the key as its prefix
# (sliceUploadFile looks for an upload to resume and fails when it is refused) and Tencent's STS SDK samples
# grant it on the allowed prefix: it stays, scoped like the rest.
_COS_WRITE = ["cos:PutObject", "cos:PostObject", "cos:InitiateMultipartUpload", "cos:ListMultipartUploads",
              "cos:ListParts", "cos:UploadPart", "cos:CompleteMultipartUpload", "cos:AbortMultipartUpload"]


def check_permissions(provider: str, actions: list[str]) -> list[str]:
    """Raise ValueError naming the first unknown action; return the actions."""
    known = KNOWN_ACTIONS.get(provider, {})
    for action in actions:
        if action not in known:
            raise ValueError(f"permission '{action}' is not known for {provider}; known: {', '.join(known)}")
    if len(set(actions)) != len(actions):
        raise ValueError("permissions repeat")
    return actions


def _grouped(provider: str, actions: list[str]) -> list[tuple[list[str], str]]:
    """Actions grouped by their resource, in first-seen order."""
    groups: dict[str, list[str]] = {}
    for action in actions:
        groups.setdefault(KNOWN_ACTIONS[provider][action], []).append(action)
    return [(acts, resource) for resource, acts in groups.items()]


def ram_policy(actions: list[str]) -> dict[str, Any]:
    """Aliyun RAM policy granting exactly `actions` (template names)."""
    return {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": acts, "Resource": [resource]} for acts, resource in _grouped("aliyun", actions)]}


def cam_policy(actions: list[str]) -> dict[str, Any]:
    """Tencent CAM policy granting exactly `actions` (template names, written `name/<service>:<Action>`)."""
    return {"version": "2.0", "statement": [
        {"effect": "allow", "action": [f"name/{a}" for a in acts], "resource": [resource]}
        for acts, resource in _grouped("tencent", actions)]}


def role_name(function: str) -> str:
    """The execution role of a function, named from a deploy-time prefix."""
    return f"${{UPVEND_ROLE_PREFIX}}-{function}"


def upload_role_policies(provider: str, assumers: list[str]) -> dict[str, dict[str, Any]]:
    """The upload role's own permission policy, and its trust policy naming the execution roles of the
    functions (`assumers`) that call sts:AssumeRole on it."""
    if provider == "aliyun":
        return {
            "upload-role.json": {"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": _OSS_WRITE, "Resource": [_OSS_UPLOADS]}]},
            "upload-role-trust.json": {"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"RAM": [f"acs:ram::{ALIYUN_ACCOUNT}:role/{role_name(fn)}" for fn in assumers]}}]},
        }
    return {
        "upload-role.json": {"version": "2.0", "statement": [
            {"effect": "allow", "action": [f"name/{a}" for a in _COS_WRITE], "resource": [_COS_UPLOADS]}]},
        "upload-role-trust.json": {"version": "2.0", "statement": [
            {"effect": "allow", "action": "name/sts:AssumeRole",
             "principal": {"qcs": [f"qcs::cam::uin/{TENCENT_UIN}:roleName/{role_name(fn)}" for fn in assumers]}}]},
    }


def function_role_trust(provider: str) -> dict[str, Any]:
    """Trust policy of a function execution role: the platform itself assumes it."""
    if provider == "aliyun":
        return {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["fc.aliyuncs.com"]}}]}
    return {"version": "2.0", "statement": [
        {"effect": "allow", "action": "name/sts:AssumeRole", "principal": {"service": ["scf.qcloud.com"]}}]}


def function_policy(provider: str, actions: list[str]) -> dict[str, Any]:
    return ram_policy(actions) if provider == "aliyun" else cam_policy(actions)
