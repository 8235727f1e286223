"""build/aliyun/s.yaml: Serverless Devs (edition 3.0.0), one `fc3` resource per function."""

from __future__ import annotations

from typing import Any

from devtools.deploy.targets import SERVERLESS_DEVS as ENV, deployable, runtime
from devtools.template import Function, Template

ACCOUNT = "${config('AccountID')}"  # the account of the credentials `s` deploys with


def environment(fn: Function) -> dict[str, str]:
    """Values given in the template stay; every other variable (secrets always) is read at deploy time."""
    return {e.name: e.value if e.value is not None else ENV.ref(e.name) for e in fn.env}


def triggers(fn: Function) -> list[dict[str, Any]]:
    if fn.http:
        methods = sorted({route.method for route in fn.http})
        # anonymous: the platform lets every request through; the function checks the caller's JWT.
        return [{"triggerName": "http", "triggerType": "http", "qualifier": "LATEST",
                 "triggerConfig": {"authType": "anonymous", "disableURLInternet": False, "methods": methods}}]
    trigger = fn.trigger
    assert trigger is not None
    if trigger.oss:
        oss = trigger.oss
        key = {k: v for k, v in (("prefix", ENV.value(oss.prefix)), ("suffix", oss.suffix)) if v}
        return [{"triggerName": "oss", "triggerType": "oss", "qualifier": "LATEST",
                 "sourceArn": f"acs:oss:${{vars.region}}:{ACCOUNT}:{ENV.value(oss.bucket)}",
                 "invocationRole": f"acs:ram::{ACCOUNT}:role/aliyunosseventnotificationrole",
                 "triggerConfig": {"events": list(oss.events), "filter": {"key": key}}}]
    if trigger.timer:
        return [{"triggerName": "timer", "triggerType": "timer", "qualifier": "LATEST",
                 "triggerConfig": {"cronExpression": f"@every {trigger.timer.every_minutes}m",
                                   "enable": trigger.timer.enabled, "payload": ""}}]
    raise ValueError(f"{fn.name}: a {trigger.kind} trigger cannot run on Function Compute")


def resource(template: Template, fn: Function) -> dict[str, Any]:
    props: dict[str, Any] = {
        "region": "${vars.region}",
        "functionName": fn.name,
        "description": f"{template.app}: {fn.name}",
        "runtime": runtime(template, "aliyun"),
        "handler": fn.handler,
        "code": f"./dist/{fn.name}.zip",
        "memorySize": fn.memory,
        "timeout": fn.timeout,
        "internetAccess": True,
        "environmentVariables": environment(fn),
        "layers": [ENV.ref("UPVEND_FC_LAYER_ARN")],
    }
    if fn.permissions:
        props["role"] = f"acs:ram::{ACCOUNT}:role/{ENV.ref('UPVEND_ROLE_PREFIX')}-{fn.name}"
    props["triggers"] = triggers(fn)
    return {"component": "fc3", "props": props}


def render_s_yaml(template: Template) -> dict[str, Any]:
    """The Serverless Devs project for every Aliyun function of the template."""
    return {
        "edition": "3.0.0",
        "name": template.app,
        "access": "default",
        "vars": {"region": ENV.ref("UPVEND_ALIYUN_REGION")},
        "resources": {fn.name.replace("-", "_"): resource(template, fn) for fn in deployable(template, "aliyun")},
    }
