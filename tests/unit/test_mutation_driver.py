"""The mutation driver behind `make mutate`: which mutants it makes, their names, and how one is applied."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from devtools.mutation.loader import source_digest
from devtools.mutation.operators import mutants, mutated_tree

SOURCE = textwrap.dedent('''
    """Module docstring: never mutated."""
    LIMIT = 250

    def check(value, headers):
        """Function docstring."""
        if len(value) > LIMIT and value != "":
            raise ValueError(f"too long: {len(value)} characters", "code_here")
        sig = headers.get("X-Sig", "").lower()
        keys = [k for k in headers if k]
        log(value)
        return not sig, "|".join(keys), value or None
''')


def names() -> list[str]:
    return [m.name for m in mutants(SOURCE)]


def test_each_operator_appears():
    found = "\n".join(names())
    for expected in ("250 -> 251", "250 -> 249", "'>' -> '>='", "'!=' -> '=='", "'and' -> 'or'",
                     "raise ValueError", "replaced by pass", "'.lower()' dropped", "filter 'if k' dropped",
                     "'not' dropped", "'|' -> 'XX|XX'", "'X-Sig' -> 'XXX-SigXX'", "call 'log(value)'",
                     "'or' -> 'and'"):
        assert expected in found, expected


def test_docstrings_and_message_text_are_left_alone():
    changes = [n.split("  in  ")[0] for n in names() if "replaced by pass" not in n]  # what changes
    assert not any("docstring" in c or "too long" in c or "characters" in c for c in changes)
    assert "check: 'code_here' -> 'XXcode_hereXX'" in changes  # a positional code is not a message


def test_names_are_unique_and_survive_moved_lines():
    first = names()
    assert len(first) == len(set(first))
    moved = [m.name for m in mutants("\n\n# a comment\n" + SOURCE)]
    assert moved == first


def test_a_mutated_tree_compiles_and_keeps_line_numbers():
    for mutant in mutants(SOURCE):
        tree = mutated_tree(SOURCE, mutant.index)
        compile(tree, "example.py", "exec")
    boundary = next(m for m in mutants(SOURCE) if "'>' -> '>='" in m.name)
    namespace: dict = {"log": lambda value: None}
    exec(compile(mutated_tree(SOURCE, boundary.index), "example.py", "exec"), namespace)
    assert boundary.line == 7
    with pytest.raises(ValueError):  # the mutant refuses exactly 250, which the original accepts
        namespace["check"]("x" * 250, {})


def test_the_hook_applies_a_mutant_in_a_child_process_only():
    """UPVEND_MUTANT makes a fresh interpreter import the mutated module; the file itself is untouched."""
    root = Path(__file__).resolve().parents[2]
    target = root / "shared/upvend/tencent/vod_signature.py"
    source = target.read_bytes()
    index = next(m.index for m in mutants(source.decode()) if m.name.startswith("<module>: 20 -> 21"))
    probe = "import upvend.tencent.vod_signature as m; print(m.MAC_BYTES)"
    env = {**os.environ, "PYTHONPATH": str(root / "devtools/mutation/hook"),
           "UPVEND_MUTANT": f"upvend.tencent.vod_signature:{index}:{source_digest(source)}"}
    mutated = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert mutated.stdout.strip() == "21", mutated.stderr
    env.pop("UPVEND_MUTANT")
    plain = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert plain.stdout.strip() == "20", plain.stderr
    assert target.read_bytes() == source


def test_a_scope_keeps_only_the_named_functions_and_module_calls(monkeypatch):
    from devtools.mutation import __main__ as driver

    source = SOURCE + "\nsettings.declare('NAME', parse, secret=True)\nTABLE = {'a': 'b'}\n\ndef other():\n    return 1\n"
    monkeypatch.setitem(driver.SCOPES, "example", ("check", "settings.declare("))
    kept = driver.module_mutants("example", source)
    assert kept and all(m.name.startswith(("check: ", "<module>: ")) for m in kept)
    assert any("secret=True" in m.name for m in kept)
    assert not any("TABLE" in m.name or "LIMIT = 250" in m.name or m.name.startswith("other") for m in kept)
    assert len(driver.module_mutants("unscoped", source)) == len(mutants(source))


def test_the_contributing_notes_name_every_mutated_module():
    from devtools.mutation.targets import SCOPES, TARGETS

    notes = (Path(__file__).resolve().parents[2] / "docs/contributing.md").read_text(encoding="utf-8")
    assert "make mutate" in notes
    for module in [*TARGETS, *SCOPES]:
        assert f"`{module}`" in notes, module
