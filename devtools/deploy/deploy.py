"""`make deploy`: run the official CLI on the rendered files, or say exactly what to install and run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, TextIO

from devtools.deploy.targets import DEPLOY_VARIABLES, SECTION_VARIABLES, check_provider, runtime
from devtools.deploy.tencent_cli import INSTALL_TCCLI, ToolProblem, check_scf_cli, reserved_concurrency_commands
from devtools.deploy.variables import check_database_url, classify
from devtools.template import Template

INSTALL = {"aliyun": ("s", "Serverless Devs", "npm i -g @serverless-devs/s",
                      "s config add --AccessKeyID <id> --AccessKeySecret <secret> -a default"),
           "tencent": ("scf", "Serverless Cloud Framework", "npm i -g serverless-cloud-framework",
                       "put TENCENT_SECRET_ID / TENCENT_SECRET_KEY in build/tencent/.env, or let `scf deploy` "
                       "show its login QR code")}
_REFERENCES = re.compile(r"\$\{env(?:\('([A-Z][A-Z0-9_]*)'(?:,\s*'[^']*')?\)|:([A-Z][A-Z0-9_]*))\}")


class DeployError(RuntimeError):
    """Deployment cannot start; the message says what is missing."""


@dataclass
class Step:
    description: str
    argv: list[str]
    cwd: Path
    layer_arn_from: str | None = None  # a layer name: read its published ARN from this step's output

    def shown(self) -> str:
        return f"(cd {self.cwd} && {' '.join(self.argv)})"


@dataclass
class Plan:
    provider: str
    steps: list[Step]
    required: list[str]  # deploy-time variables that must be set
    optional: list[str]  # function settings that may be left unset (deployed empty: the default applies)
    defaults: dict[str, str] = field(default_factory=dict)  # used when unset (a trigger needs a real value)
    missing: list[str] = field(default_factory=list)


def referenced_variables(out: Path) -> list[str]:
    """Every environment variable the rendered files read at deploy time."""
    names: dict[str, None] = {}
    for path in sorted(out.rglob("*.y*ml")):
        if "stage" in path.relative_to(out).parts:
            continue
        for match in _REFERENCES.finditer(path.read_text(encoding="utf-8")):
            names[match.group(1) or match.group(2)] = None
    return list(names)


def make_plan(template: Template, provider: str, out: Path, environ: Mapping[str, str]) -> Plan:
    """The commands that deploy build/<provider>, and the variables they need."""
    check_provider(provider)
    deploy_file = out / ("s.yaml" if provider == "aliyun" else "serverless.yml")
    if not deploy_file.is_file() or not (out / "dist" / f"{template.layer.name}.zip").is_file():
        raise DeployError(f"{deploy_file} or the packages are missing: run `make package render PROVIDER={provider}`")
    check_database_url(template, provider, environ)
    variables = classify(template, provider, referenced_variables(out))
    required, optional, defaults = variables.required, variables.optional, variables.defaults
    steps: list[Step] = []
    if provider == "aliyun":
        access = ["-a", environ["UPVEND_ALIYUN_ACCESS"]] if environ.get("UPVEND_ALIYUN_ACCESS") else []
        if not environ.get("UPVEND_FC_LAYER_ARN"):
            steps.append(Step("publish the layer (prints its layerVersionArn)", [
                "s", "cli", "fc3", "layer", "publish", "--region", environ.get("UPVEND_ALIYUN_REGION", "<region>"),
                "--layer-name", template.layer.name, "--code", f"./dist/{template.layer.name}.zip",
                "--compatible-runtime", runtime(template, "aliyun"), *access], out, template.layer.name))
            required.remove("UPVEND_FC_LAYER_ARN")
        steps.append(Step("deploy every function and trigger of s.yaml", ["s", "deploy", "-t", "s.yaml", "-y", *access],
                          out))
    else:
        steps.append(Step("deploy the layer, then every function (one instance per folder)", ["scf", "deploy"], out))
        region = environ.get("UPVEND_TENCENT_REGION", "<region>")
        steps += [Step(description, argv, out)
                  for description, argv in reserved_concurrency_commands(out / "reserved-concurrency.json", region)]
    missing = [n for n in required if not environ.get(n)]
    return Plan(provider, steps, required, optional, defaults, missing)


def describe(plan: Plan, template: Template) -> str:
    """The plan as text; variable names only, never their values."""
    lines = [f"deploy plan for {plan.provider}:"]
    lines += [f"  {i}. {step.description}\n     {step.shown()}" for i, step in enumerate(plan.steps, 1)]
    lines.append("  needs: " + (", ".join(plan.required) or "nothing"))
    if plan.optional:
        lines.append("  optional (unset = function default): " + ", ".join(plan.optional))
    if plan.defaults:
        lines.append("  defaults when unset: " + ", ".join(f"{n}={v}" for n, v in plan.defaults.items()))
    if plan.missing:
        lines.append("  MISSING: " + ", ".join(plan.missing))
        known = {**SECTION_VARIABLES, **DEPLOY_VARIABLES[plan.provider]}
        lines += [f"    {n}: {known[n]}" for n in plan.missing if n in known]
    return "\n".join(lines)


def _run(step: Step, env: dict[str, str], out: TextIO) -> str:
    process = subprocess.Popen(step.argv, cwd=step.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    assert process.stdout is not None
    captured = []
    for line in process.stdout:
        out.write(line)
        captured.append(line)
    if process.wait() != 0:
        raise DeployError(f"`{' '.join(step.argv)}` failed with exit status {process.returncode}")
    return "".join(captured)


def deploy_environment(plan: Plan, environ: Mapping[str, str]) -> dict[str, str]:
    """The CLI's environment: unset optional settings empty (the function default applies), defaults filled."""
    return {**environ, **{n: "" for n in plan.optional if n not in environ},
            **{n: v for n, v in plan.defaults.items() if not environ.get(n)}}


_UNRESOLVED = re.compile(r"\$\{(env|vars|config|resources)\b")


def preview(plan: Plan, env: Mapping[str, str], out: TextIO) -> int:
    """`s preview`: Serverless Devs resolves every ${...} of s.yaml offline. Only the verdict is printed: the
    resolved file holds the secrets' values."""
    env = dict(env)
    if not env.get("UPVEND_FC_LAYER_ARN"):  # not published yet: a placeholder of the same form
        env["UPVEND_FC_LAYER_ARN"] = "acs:fc:cn-hangzhou:0:layers/preview/versions/1"
    access = ["-a", env["UPVEND_ALIYUN_ACCESS"]] if env.get("UPVEND_ALIYUN_ACCESS") else []
    try:
        done = subprocess.run(["s", "preview", "-t", "s.yaml", "-o", "json", *access], cwd=plan.steps[-1].cwd, env=env,
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"s preview could not run: {exc}", file=out)
        return 1
    start = done.stdout.find("{")
    if done.returncode != 0 or start < 0:
        errors = [line for line in (done.stdout + done.stderr).splitlines() if "Error" in line or "not found" in line]
        print("s preview failed:\n  " + "\n  ".join(errors[:10] or ["(no error message)"]), file=out)
        return 1
    left = sorted({m.group(0) for m in _UNRESOLVED.finditer(done.stdout[start:])})
    if left:
        print(f"s preview left {', '.join(m + '...}' for m in left)} unresolved (is an access with an AccountID configured? "
              "`s config add ... --AccountID <id>`)", file=out)
        return 1
    print(f"s preview: every variable of s.yaml resolved ({len(json.loads(done.stdout[start:])['resources'])} "
          "resources)", file=out)
    return 0


def deploy(template: Template, provider: str, out: Path, environ: Mapping[str, str], *, dry_run: bool = False,
           which: Callable[[str], str | None] = shutil.which, stdout: TextIO = sys.stdout) -> int:
    """Print the plan; unless `dry_run`, run it with the installed CLI. Returns an exit status.
    A dry run still runs what the CLI can do offline: `s preview` resolves every variable of s.yaml."""
    plan = make_plan(template, provider, out, environ)
    print(describe(plan, template), file=stdout)
    command, tool, install, login = INSTALL[provider]
    installed = which(command) is not None
    if provider == "tencent" and installed:
        try:
            check_scf_cli(which)
        except ToolProblem as exc:
            raise DeployError(str(exc)) from None
    if dry_run:
        status = 0
        if provider == "aliyun" and installed and not plan.missing:
            status = preview(plan, deploy_environment(plan, environ), stdout)
        elif provider == "aliyun":
            print("s preview skipped: " + ("set the MISSING variables first" if installed else "`s` is not installed"),
                  file=stdout)
        print("DRY_RUN: nothing was deployed.", file=stdout)
        return status
    if not installed:
        print(f"\n{tool} (`{command}`) is not installed. Install it, give it credentials, then run the plan:\n"
              f"  {install}\n  {login}\n  make deploy PROVIDER={provider}", file=stdout)
        return 1
    if plan.missing:
        print(f"\nset {', '.join(plan.missing)} and run again.", file=stdout)
        return 1
    if any(step.argv[0] == "tccli" for step in plan.steps) and which("tccli") is None:
        print(f"\ntccli is not installed; it sets the functions' reserved quotas (their instance caps), which the "
              f"scf component cannot. Install it: {INSTALL_TCCLI}", file=stdout)
        return 1
    env = deploy_environment(plan, environ)
    for step in plan.steps:
        output = _run(step, env, stdout)
        if step.layer_arn_from:
            found = re.search(rf"acs:fc:[\w-]+:\d+:layers/{re.escape(step.layer_arn_from)}/versions/\d+", output)
            if not found:
                raise DeployError("the layer was published but its layerVersionArn was not in the output; "
                                  "set UPVEND_FC_LAYER_ARN and run again")
            env["UPVEND_FC_LAYER_ARN"] = found.group(0)
            print(f"layer: {found.group(0)}", file=stdout)
    return 0
