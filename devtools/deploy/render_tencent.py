"""build/tencent/: a serverless-cloud-framework multi-instance app.

`scf deploy` run in build/tencent deploys every sub-folder holding a serverless.yml as one instance of
the same app (app and stage are inherited from build/tencent/serverless.yml): one `layer` instance and
one `scf` instance per function, the functions naming the layer through `${output:...}` so it is
deployed first.
"""

from __future__ import annotations

from typing import Any, Mapping

from devtools.deploy.capacity import pinned_environment
from devtools.deploy.failed_events import dead_letter
from devtools.deploy.targets import CLOUD_FRAMEWORK as ENV, browser_origins, deployable, runtime, uses_database
from devtools.template import Function, Template, TemplateError

REGION = ENV.ref("UPVEND_TENCENT_REGION")
RESERVED = {"dist", "stage", "policies"}


def environment(fn: Function) -> dict[str, str]:
    """Values given in the template stay; every other variable (secrets always) is read at deploy time; the
    settings the instance caps fix are written as values."""
    pinned = pinned_environment(fn)
    return {e.name: pinned.get(e.name, e.value if e.value is not None else ENV.ref(e.name)) for e in fn.env}


def cron(every_minutes: int) -> str:
    """SCF's seven-field cron (second minute hour day month weekday year) for "every N minutes"."""
    if every_minutes < 60 and 60 % every_minutes == 0:
        return f"0 */{every_minutes} * * * * *"
    if every_minutes % 60 == 0 and 24 % (every_minutes // 60) == 0:
        hours = every_minutes // 60
        return "0 0 0 * * * *" if hours == 24 else f"0 0 */{hours} * * * *"
    raise TemplateError(f"template.yaml: timer every_minutes={every_minutes}: SCF cron can only repeat at a "
                        "divisor of 60 minutes or of 24 hours")


def cors_config(fn: Function, environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The function URL's CORS rule (tencent-component-toolkit `triggers/http.js` sends it as the trigger's
    CorsConfig): the same origins, methods and headers the function itself allows."""
    origins = browser_origins(fn, environ)
    if not origins:
        return None
    return {"enable": True, "origins": origins, "methods": sorted({r.method for r in fn.http} | {"OPTIONS"}),
            "headers": ["Authorization", "Content-Type"], "maxAge": 600}


def events(fn: Function, environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    if fn.http:
        # Function URL (API Gateway triggers are retired); NONE: the function checks the caller's JWT.
        parameters: dict[str, Any] = {"qualifier": "$DEFAULT", "authType": "NONE",
                                      "netConfig": {"enableExtranet": True, "enableIntranet": False}}
        cors = cors_config(fn, environ or {})
        if cors:
            parameters["corsConfig"] = cors
        return [{"http": {"parameters": parameters}}]
    trigger = fn.trigger
    assert trigger is not None
    if trigger.cos:
        cos = trigger.cos
        bucket = f"{ENV.value(cos.bucket)}.cos.{REGION}.myqcloud.com"
        flt = {k: v for k, v in (("prefix", ENV.value(cos.prefix)), ("suffix", cos.suffix)) if v}
        # the cos event takes one event name: one trigger per configured event
        return [{"cos": {"parameters": {"bucket": bucket, "qualifier": "$DEFAULT", "filter": flt,
                                        "events": event, "enable": True}}} for event in cos.events]
    if trigger.timer:
        return [{"timer": {"parameters": {"name": "timer", "qualifier": "$DEFAULT", "cronExpression": cron(trigger.timer.every_minutes),
                                          "enable": trigger.timer.enabled}}}]
    raise ValueError(f"{fn.name}: a {trigger.kind} trigger cannot run on SCF")


def layer_output(template: Template, key: str) -> str:
    return f"${{output:${{stage}}:${{app}}:{template.layer.name}.{key}}}"


def function_instance(template: Template, fn: Function, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "name": fn.name,
        "namespace": "default",
        "type": "event",
        "src": f"../stage/functions/{fn.name}",
        "handler": fn.handler,
        "runtime": runtime(template, "tencent"),
        "region": REGION,
        "description": f"{template.app}: {fn.name}",
        "memorySize": fn.memory,
        "timeout": fn.timeout,
        "environment": {"variables": environment(fn)},
        "layers": [{"name": layer_output(template, "name"), "version": layer_output(template, "version")}],
    }
    if fn.permissions:
        inputs["role"] = f"{ENV.ref('UPVEND_ROLE_PREFIX')}-{fn.name}"
    network = template.network.tencent
    if network and uses_database(fn):
        inputs["vpcConfig"] = {"vpcId": ENV.value(network.vpc_id), "subnetId": ENV.value(network.subnet_id)}
        inputs["publicAccess"] = True  # kept with a VPC: the functions call WeChat and VOD over the internet
    logs = template.logs.tencent
    if logs:
        inputs["cls"] = {"logsetId": ENV.value(logs.logset_id), "topicId": ENV.value(logs.topic_id)}
    letter = dead_letter(template, fn)
    if letter:
        inputs["deadLetter"] = letter
    inputs["events"] = events(fn, environ)
    return {"component": "scf", "name": fn.name, "inputs": inputs}


def layer_instance(template: Template) -> dict[str, Any]:
    return {"component": "layer", "name": template.layer.name, "inputs": {
        "name": template.layer.name, "region": REGION, "src": "../stage/layer",
        "runtimes": [runtime(template, "tencent")], "description": f"{template.app} layer"}}


def render_app(template: Template, stage: str = "prod",
               environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Relative path -> document: the app file, the layer instance and one instance per function."""
    functions = deployable(template, "tencent")
    names = [template.layer.name] + [fn.name for fn in functions]
    clash = sorted(RESERVED.intersection(names)) or sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise TemplateError(f"template.yaml: '{clash[0]}' cannot name a Tencent function: build/tencent uses it "
                            "for the layer or for build output")
    files: dict[str, dict[str, Any]] = {"serverless.yml": {"app": template.app, "stage": stage}}
    files[f"{template.layer.name}/serverless.yml"] = layer_instance(template)
    for fn in functions:
        files[f"{fn.name}/serverless.yml"] = function_instance(template, fn, environ)
    return files
