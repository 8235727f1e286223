"""build/aliyun/s.yaml: Serverless Devs (edition 3.0.0), one `fc3` resource per function.

Each function's `props` follow the fc3 component's own JSON schema (src/schema.json of devsapp/fc3, pinned
in tests/deploy/schemas/); the custom domain is an `fc3-domain` resource routing every HTTP route by path.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from devtools.deploy.capacity import pinned_environment
from devtools.deploy.failed_events import async_invoke_config, has_failure_path
from devtools.deploy.targets import (SERVERLESS_DEVS as ENV, browser_origins, deployable, runtime,
                                     uses_database)
from devtools.deploy.variables import Variables, function_variables
from devtools.template import Function, Template

ACCOUNT = "${config('AccountID')}"  # the account of the credentials `s` deploys with
# Component versions the rendered props were checked against (their schema.json files are pinned in the tests).
FC3 = "fc3@0.1.22"
FC3_DOMAIN = "fc3-domain@0.0.29"


def _ref(name: str, variables: Variables) -> str:
    kind = variables.kind(name)
    return ENV.ref(name, "" if kind == "optional" else variables.defaults.get(name))


def environment(fn: Function, variables: Variables) -> dict[str, str]:
    """Values given in the template stay; every other variable (secrets always) is read at deploy time.
    An optional one is written with an empty default, which `s` accepts unset (the function's own default
    then applies); a bare ${env('NAME')} that is unset stops `s` before it deploys anything. The settings the
    instance caps fix are written as values."""
    pinned = pinned_environment(fn)
    return {e.name: pinned.get(e.name, e.value if e.value is not None else _ref(e.name, variables)) for e in fn.env}


def http_methods(fn: Function, environ: Mapping[str, str]) -> list[str]:
    """The route methods, plus OPTIONS when the function allows browser origins: FC passes a preflight
    request to the function only when the trigger lists OPTIONS."""
    methods = {route.method for route in fn.http}
    return sorted(methods | ({"OPTIONS"} if browser_origins(fn, environ) else set()))


def triggers(fn: Function, variables: Variables, environ: Mapping[str, str]) -> list[dict[str, Any]]:
    if fn.http:
        # anonymous: the platform lets every request through; the function checks the caller's JWT.
        return [{"triggerName": "http", "triggerType": "http", "qualifier": "LATEST",
                 "triggerConfig": {"authType": "anonymous", "disableURLInternet": False,
                                   "methods": http_methods(fn, environ)}}]
    trigger = fn.trigger
    assert trigger is not None
    if trigger.oss:
        oss = trigger.oss
        # No invocationRole: fc3 then creates and uses its default OSS trigger role
        # (AliyunOSSEventNotificationRole), which a fresh account does not have under any other name.
        return [{"triggerName": "oss", "triggerType": "oss", "qualifier": "LATEST",
                 "sourceArn": f"acs:oss:${{vars.region}}:{ACCOUNT}:{ENV.value(oss.bucket, variables.defaults)}",
                 "triggerConfig": {"events": list(oss.events), "filter": {"key": {
                     "prefix": ENV.value(oss.prefix, variables.defaults), "suffix": oss.suffix}}}}]
    if trigger.timer:
        return [{"triggerName": "timer", "triggerType": "timer", "qualifier": "LATEST",
                 "triggerConfig": {"cronExpression": f"@every {trigger.timer.every_minutes}m",
                                   "enable": trigger.timer.enabled, "payload": ""}}]
    raise ValueError(f"{fn.name}: a {trigger.kind} trigger cannot run on Function Compute")


def resource(template: Template, fn: Function, variables: Variables, environ: Mapping[str, str]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "region": "${vars.region}",
        "functionName": fn.name,
        "description": f"{template.app}: {fn.name}",
        "runtime": runtime(template, "aliyun"),
        "handler": fn.handler,
        "code": f"./dist/{fn.name}.zip",
        "memorySize": fn.memory,
        "timeout": fn.timeout,
        "internetAccess": True,  # kept with a VPC too: the functions call WeChat, STS and VOD over the internet
        "environmentVariables": environment(fn, variables),
        "layers": [ENV.ref("UPVEND_FC_LAYER_ARN")],
        "instanceConcurrency": fn.instance_concurrency,
    }
    if fn.instances is not None:
        # FC 3.0 reserves these instances for the function and never runs more (PutConcurrencyConfig)
        props["concurrencyConfig"] = {"reservedConcurrency": fn.instances}
    failures = async_invoke_config(template, fn)
    if failures:
        props["asyncInvokeConfig"] = failures
    if fn.permissions or has_failure_path(template, "aliyun", fn):
        props["role"] = f"acs:ram::{ACCOUNT}:role/{ENV.ref('UPVEND_ROLE_PREFIX')}-{fn.name}"
    network = template.network.aliyun
    if network and uses_database(fn):
        props["vpcConfig"] = {"vpcId": ENV.value(network.vpc_id),
                              "vSwitchIds": [ENV.value(v) for v in network.vswitch_ids],
                              "securityGroupId": ENV.value(network.security_group_id)}
    logs = template.logs.aliyun
    if logs:
        props["logConfig"] = {"project": ENV.value(logs.project), "logstore": ENV.value(logs.logstore),
                              "enableRequestMetrics": True, "enableInstanceMetrics": True,
                              "logBeginRule": "DefaultRegex"}
    props["triggers"] = triggers(fn, variables, environ)
    return {"component": FC3, "props": props}


def resource_id(fn: Function) -> str:
    return fn.name.replace("-", "_")


def route_path(path: str) -> str:
    """A template route as an FC custom-domain path: a `{name}` segment and all after it become `*`."""
    return re.sub(r"\{[A-Za-z_][A-Za-z0-9_]*\}.*$", "*", path)


def custom_domain(template: Template, functions: list[Function], environ: Mapping[str, str]) -> dict[str, Any]:
    """One domain for the whole API (what the console needs): every HTTP route of every function, by path."""
    domain = template.domain.aliyun
    assert domain is not None
    methods: dict[tuple[str, str], set[str]] = {}
    for fn in functions:
        extra = {"OPTIONS"} if browser_origins(fn, environ) else set()
        for route in fn.http:
            methods.setdefault((route_path(route.path), resource_id(fn)), set()).update({route.method, *extra})
    # a reference to the function's resource: `s` deploys the function before the domain
    routes = [{"path": path, "functionName": f"${{resources.{rid}.props.functionName}}", "qualifier": "LATEST",
               "methods": sorted(verbs)} for (path, rid), verbs in methods.items()]
    props: dict[str, Any] = {"region": "${vars.region}", "domainName": ENV.value(domain.name),
                             "protocol": domain.protocol, "routeConfig": {"routes": routes}}
    if domain.cert_id:
        props["certConfig"] = {"certId": ENV.value(domain.cert_id)}
    return {"component": FC3_DOMAIN, "props": props}


def render_s_yaml(template: Template, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Serverless Devs project for every deployed Aliyun function of the template."""
    environ = environ or {}
    functions = deployable(template, "aliyun")
    variables = function_variables(template, "aliyun")
    resources = {resource_id(fn): resource(template, fn, variables, environ) for fn in functions}
    if template.domain.aliyun and any(fn.http for fn in functions):
        resources["custom_domain"] = custom_domain(template, [fn for fn in functions if fn.http], environ)
    return {
        "edition": "3.0.0",
        "name": template.app,
        "access": "default",
        "vars": {"region": ENV.ref("UPVEND_ALIYUN_REGION")},
        "resources": resources,
    }
