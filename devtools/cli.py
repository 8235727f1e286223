"""`upvend`: the developer command line (local only; never shipped)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from devtools.gateway.registry import REPO
from devtools.template import TemplateError, load_template


def cmd_template(args: argparse.Namespace) -> int:
    """Validate template.yaml and list its functions."""
    try:
        template = load_template(args.file)
    except TemplateError as exc:
        print(exc, file=sys.stderr)
        return 2
    for fn in template.functions:
        where = ", ".join(f"{r.method} {r.path}" for r in fn.http) or f"{fn.trigger.kind} trigger"
        print(f"{fn.name:28} {fn.provider:8} {where}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Decode a VOD upload signature, check it, and say what is wrong; exit 1 when something is."""
    from devtools.gateway.registry import ensure_layer_on_path

    ensure_layer_on_path()
    from upvend.tencent.vod_explain import explain_signature, render_text

    result = explain_signature(args.signature, args.key)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else render_text(result))
    return 0 if result.ok else 1


def _providers(args: argparse.Namespace) -> list[str]:
    from devtools.deploy.targets import PROVIDERS, check_provider

    return [check_provider(args.provider)] if args.provider else list(PROVIDERS)


def cmd_package(args: argparse.Namespace) -> int:
    """Build the layer zip and the function zips of each provider under build/<provider>/dist."""
    from devtools.deploy.package import package
    from devtools.deploy.wheels import PackagingError

    try:
        template = load_template(args.file)
        for provider in _providers(args):
            built = package(template, provider, repo=args.file.parent, out=args.build / provider,
                            cache_root=args.build / "wheels", python=args.python)
            print(built.report(args.build))
    except (TemplateError, PackagingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Write build/<provider>/s.yaml or serverless.yml and the policy documents."""
    from devtools.deploy.render import render, write

    try:
        template = load_template(args.file)
        rendered = {provider: render(template, provider, stage=args.stage, environ=os.environ)
                    for provider in _providers(args)}
        for provider, files in rendered.items():  # written only when every provider rendered
            for path in write(files, args.build / provider):
                print(path.relative_to(args.build.parent) if path.is_relative_to(args.build.parent) else path)
    except TemplateError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    """Deploy the rendered files with the provider's CLI (or print what to install and run)."""
    from devtools.deploy.deploy import DeployError, deploy

    try:
        template = load_template(args.file)
        return deploy(template, args.provider, args.build / args.provider, os.environ, dry_run=args.dry_run)
    except (TemplateError, DeployError) as exc:
        print(exc, file=sys.stderr)
        return 2


def cmd_upload_types(args: argparse.Namespace) -> int:
    """The table the servers enforce, with the current UPVEND_ALLOWED_EXTENSIONS / UPVEND_MAX_* settings."""
    from upvend.uploads import upload_types, with_generated_table

    if args.into is None:
        print(json.dumps({"uploadTypes": upload_types()}, indent=2, sort_keys=True))
        return 0
    try:
        args.into.write_text(with_generated_table(args.into.read_text()))
    except (OSError, ValueError) as exc:
        print(f"{args.into}: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Write docs/settings.md and docs/http-api.md from the code; with --check, only say which are stale."""
    from devtools.docs.generate import stale, write

    if args.check:
        out_of_date = stale()
        for path in out_of_date:
            print(f"{path.relative_to(REPO)} is out of date: run `make docs`", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in write():
        print(f"wrote {path.relative_to(REPO)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upvend", description="upvend developer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    tpl = sub.add_parser("template", help="validate template.yaml and list its functions")
    tpl.add_argument("--file", type=Path, default=REPO / "template.yaml")
    tpl.set_defaults(run=cmd_template)
    exp = sub.add_parser("explain", help="decode a Tencent VOD upload signature and say what is wrong with it")
    exp.add_argument("signature", help="the signature, as given to the SDK's getSignature callback")
    exp.add_argument("--key", help="the SecretKey that should have signed it (checks the HMAC)")
    exp.add_argument("--json", action="store_true", help="print JSON instead of text")
    exp.set_defaults(run=cmd_explain)

    def deploy_command(name: str, run, help_text: str, provider_required: bool = False) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--file", type=Path, default=REPO / "template.yaml")
        cmd.add_argument("--build", type=Path, default=REPO / "build", help="output root (default build/)")
        cmd.add_argument("--provider", required=provider_required,
                         help="aliyun or tencent" + ("" if provider_required else " (default: both)"))
        cmd.set_defaults(run=run)
        return cmd

    types = sub.add_parser("upload-types", help="print the upload types table (extension -> Content-Type, class, "
                                                 "size limit) as JSON, for clients such as a mini-program")
    types.add_argument("--into", type=Path, help="rewrite the // BEGIN GENERATED block of this client file instead "
                                                 "(e.g. miniprogram/upvend/upload_types.js)")
    types.set_defaults(run=cmd_upload_types)

    docs = sub.add_parser("docs", help="write docs/settings.md and docs/http-api.md from the code")
    docs.add_argument("--check", action="store_true", help="only report the stale ones (exit 1 if any)")
    docs.set_defaults(run=cmd_docs)

    deploy_command("package", cmd_package, "build the layer and function zips").add_argument(
        "--python", help="target Python X.Y (default: template.yaml `python`)")
    deploy_command("render", cmd_render, "write the deploy files and policy documents").add_argument(
        "--stage", default="prod", help="serverless-cloud-framework stage (default prod)")
    deploy_command("deploy", cmd_deploy, "deploy with `s` or `scf`", provider_required=True).add_argument(
        "--dry-run", action="store_true", help="print the plan only")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `upvend explain ... --json | head`: the reader stopped early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    main()
