"""The mutants of one module: small AST changes a test suite should notice.

Operators (each mutant changes one node):
- comparisons: `<`↔`<=`, `>`↔`>=`, `==`↔`!=`, `in`↔`not in`, `is`↔`is not`
- conditions: `and`↔`or`, `not x` → `x`, an `if`/ternary test negated, a comprehension filter dropped
- constants: numbers ± 1, `True`↔`False`, strings without spaces (separators, header names,
  error codes, formats) wrapped in `XX`; message strings and docstrings are left alone
- arithmetic: `+`↔`-`, `*`↔`/`, `//` → `*`
- statements: a `raise` or a bare call statement replaced by `pass`
- calls: `.lower()`, `.upper()`, `.strip()`, `.lstrip()`, `.rstrip()` dropped (`x.lower()` → `x`)

Mutants are named by where they sit (the enclosing function) and what they change, not by
line, so a name stays valid while the code around it moves.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable, Iterator

_COMPARE_SWAP: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_BINOP_SWAP: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
                                 ast.FloorDiv: ast.Mult}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or",
           ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//"}
_DROPPED_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip"}


@dataclass(frozen=True)
class Mutant:
    """One change: its stable name, the line it is on, and what the code reads like after it."""

    index: int
    name: str
    line: int
    after: str


@dataclass(frozen=True)
class _Site:
    path: tuple[tuple[str, int | None], ...]  # fields from the module root to the node
    description: str
    line: int
    apply: Callable[[ast.AST], ast.AST | None]  # the replacement for the node (None: unchanged parent edit)


def _short(node: ast.AST, limit: int = 90) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _header(stmt: ast.stmt) -> str:
    """A statement as one line; compound statements by their header only."""
    if isinstance(stmt, (ast.If, ast.While)):
        return f"{'if' if isinstance(stmt, ast.If) else 'while'} {_short(stmt.test)}:"
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return f"for {_short(stmt.target)} in {_short(stmt.iter)}:"
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return "with " + ", ".join(_short(i) for i in stmt.items) + ":"
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return f"def {stmt.name}({_short(stmt.args)}):"
    if isinstance(stmt, ast.ClassDef):
        return f"class {stmt.name}:"
    if isinstance(stmt, ast.Try):
        return "try:"
    return _short(stmt)


def _is_docstring(parent: ast.AST | None, node: ast.AST) -> bool:
    return (isinstance(parent, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and bool(parent.body) and parent.body[0] is node and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))


class _Collector:
    """Walks the tree in a fixed order and records every mutation site."""

    def __init__(self) -> None:
        self.sites: list[_Site] = []

    def walk(self, node: ast.AST, path: tuple, scope: str, stmt: ast.stmt | None, parent: ast.AST | None) -> None:
        if _is_docstring(parent, node) or isinstance(node, (ast.Import, ast.ImportFrom)):
            return
        if isinstance(node, ast.stmt):
            stmt = node
        self._visit(node, path, scope, stmt, parent)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = f"{scope}.{node.name}" if scope else node.name
        message_call = isinstance(node, ast.Call) and self._is_message_call(node)
        for field_name, value in ast.iter_fields(node):
            if field_name == "decorator_list":
                continue  # dataclass(frozen=...) and the like: no behaviour a test could see
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if message_call and field_name == "args" and isinstance(item, ast.JoinedStr):
                        continue  # the text of an error or log message is for people
                    if isinstance(item, ast.AST):
                        self.walk(item, path + ((field_name, index),), scope, stmt, node)
            elif isinstance(value, ast.AST):
                self.walk(value, path + ((field_name, None),), scope, stmt, node)

    @staticmethod
    def _is_message_call(call: ast.Call) -> bool:
        """An exception, model or log call: its positional f-strings are messages, not behaviour."""
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        return name[:1].isupper() or name in {"debug", "info", "warning", "error", "exception"}

    def _add(self, path: tuple, scope: str, stmt: ast.stmt | None, node: ast.AST, what: str,
             apply: Callable[[ast.AST], ast.AST | None]) -> None:
        where = f"{scope or '<module>'}: {what}"
        if stmt is not None and not isinstance(node, ast.stmt):
            where += f"  in  {_header(stmt)}"
        self.sites.append(_Site(path, where, getattr(node, "lineno", getattr(stmt, "lineno", 0)), apply))

    def _visit(self, node: ast.AST, path: tuple, scope: str, stmt: ast.stmt | None, parent: ast.AST | None) -> None:
        add = lambda what, apply: self._add(path, scope, stmt, node, what, apply)  # noqa: E731
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _COMPARE_SWAP:
                    new = _COMPARE_SWAP[type(op)]
                    add(f"'{_SYMBOL[type(op)]}' -> '{_SYMBOL[new]}' in {_short(node)}",
                        lambda n, i=i, new=new: _replace_op(n, i, new))
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            add(f"'{_SYMBOL[type(node.op)]}' -> '{_SYMBOL[new]}' in {_short(node)}",
                lambda n, new=new: _with(n, op=new()))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(f"'not' dropped in {_short(node)}", lambda n: n.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            new = _BINOP_SWAP[type(node.op)]
            add(f"'{_SYMBOL[type(node.op)]}' -> '{_SYMBOL[new]}' in {_short(node)}",
                lambda n, new=new: _with(n, op=new()))
        elif isinstance(node, ast.Constant):
            self._constant(node, add)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _DROPPED_METHODS:
            add(f"'.{node.func.attr}()' dropped in {_short(node)}", lambda n: n.func.value)
        elif isinstance(node, ast.Raise):
            add(f"'{_short(node, 60)}' replaced by pass", lambda n: _pass(n))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            add(f"call '{_short(node, 60)}' replaced by pass", lambda n: _pass(n))
        elif isinstance(node, ast.comprehension):
            for i, condition in enumerate(node.ifs):
                add(f"filter 'if {_short(condition)}' dropped",
                    lambda n, i=i: _with(n, ifs=n.ifs[:i] + n.ifs[i + 1:]))
        if isinstance(node, (ast.If, ast.IfExp, ast.While)) and not isinstance(node.test, (ast.Compare, ast.BoolOp,
                                                                                          ast.UnaryOp)):
            add(f"condition negated: 'not ({_short(node.test)})'",
                lambda n: _with(n, test=ast.UnaryOp(op=ast.Not(), operand=n.test)))

    @staticmethod
    def _constant(node: ast.Constant, add: Callable) -> None:
        value = node.value
        if isinstance(value, bool):
            add(f"{value} -> {not value}", lambda n: _with(n, value=not n.value))
        elif isinstance(value, (int, float)):
            add(f"{value!r} -> {value + 1!r}", lambda n: _with(n, value=n.value + 1))
            add(f"{value!r} -> {value - 1!r}", lambda n: _with(n, value=n.value - 1))
        elif isinstance(value, str) and " " not in value:
            add(f"{value!r} -> {'XX' + value + 'XX'!r}", lambda n: _with(n, value="XX" + n.value + "XX"))


def _with(node: ast.AST, **changes) -> ast.AST:
    new = copy.copy(node)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def _replace_op(node: ast.Compare, index: int, new: type) -> ast.AST:
    ops = list(node.ops)
    ops[index] = new()
    return _with(node, ops=ops)


def _pass(node: ast.stmt) -> ast.stmt:
    return ast.copy_location(ast.Pass(), node)


def _sites(source: str) -> list[_Site]:
    collector = _Collector()
    collector.walk(ast.parse(source), (), "", None, None)
    return collector.sites


def mutants(source: str) -> list[Mutant]:
    """Every mutant of `source`, in a fixed order; names made unique with #2, #3 ..."""
    seen: dict[str, int] = {}
    result = []
    for index, site in enumerate(_sites(source)):
        seen[site.description] = seen.get(site.description, 0) + 1
        name = site.description + (f"  #{seen[site.description]}" if seen[site.description] > 1 else "")
        result.append(Mutant(index, name, site.line, _after(source, site)))
    return result


def mutated_tree(source: str, index: int) -> ast.Module:
    """The module's tree with mutant `index` applied (line numbers kept, for tracebacks)."""
    site = _sites(source)[index]
    tree = ast.parse(source)
    _apply(tree, site)
    return ast.fix_missing_locations(tree)


def _apply(tree: ast.Module, site: _Site) -> ast.AST:
    *parents, (last_field, last_index) = site.path
    holder: ast.AST = tree
    for name, position in parents:
        holder = getattr(holder, name) if position is None else getattr(holder, name)[position]
    old = getattr(holder, last_field) if last_index is None else getattr(holder, last_field)[last_index]
    new = ast.copy_location(site.apply(old), old)
    if last_index is None:
        setattr(holder, last_field, new)
    else:
        getattr(holder, last_field)[last_index] = new
    return new


def _after(source: str, site: _Site) -> str:
    tree = ast.parse(source)
    new = _apply(tree, site)
    return _short(new, 120)


def iter_names(source: str) -> Iterator[str]:
    """The mutant names alone (for checking the equivalence file)."""
    return (m.name for m in mutants(source))
