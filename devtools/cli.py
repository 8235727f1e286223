"""`upvend`: the developer command line (local only; never shipped)."""

from __future__ import annotations

import argparse
import json
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
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
