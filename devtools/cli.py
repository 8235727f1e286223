"""`upvend`: the developer command line (local only; never shipped)."""

from __future__ import annotations

import argparse
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upvend", description="upvend developer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    tpl = sub.add_parser("template", help="validate template.yaml and list its functions")
    tpl.add_argument("--file", type=Path, default=REPO / "template.yaml")
    tpl.set_defaults(run=cmd_template)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
