"""`python -m devtools.mutation [--module NAME] [--jobs N]`: mutate, run each module's tests, report.

For every target module: run its tests once unchanged (they must pass; their time sets
the per-mutant timeout), then once per mutant in a forked child that imports the
module with that mutant applied. A mutant is killed when the tests fail or time out.
Prints a score per module and every survivor; survivors named in equivalent.yaml
are shown with their reason. Exits 1 when a module scores under --min-score or a
survivor is unexplained.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from devtools.mutation.loader import ENV, source_digest
from devtools.mutation.operators import Mutant, mutants
from devtools.mutation.targets import SCOPES, TARGETS

ROOT = Path(__file__).resolve().parents[2]
HOOK_DIR = Path(__file__).resolve().parent / "hook"
EQUIVALENT_FILE = Path(__file__).resolve().parent / "equivalent.yaml"
# Imported once in the parent so each forked run starts warm. In the child, the mutated module
# and every upvend or test module holding something of it are dropped, so they are imported again,
# mutated. The emulator (devtools) keeps the original: it plays the cloud, which the mutant does not change.
_PRELOAD = ("pytest", "pydantic", "httpx", "hypothesis", "tests.conftest")


def _drop_dependents(target: str) -> None:
    """Remove `target` and, transitively, every module that holds a reference into a removed one."""
    removed = {target}
    changed = True
    while changed:
        changed = False
        for name, module in list(sys.modules.items()):
            if name in removed or module is None or not name.startswith(("upvend", "tests")):
                continue
            for value in list(vars(module).values()):
                try:
                    origin = value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None)
                except Exception:  # noqa: BLE001 (an object with a strange __getattr__ holds nothing of ours)
                    continue
                if origin in removed and not str(origin).startswith(name + "."):  # a package's own submodule
                    removed.add(name)
                    changed = True
                    break
    for name in removed:
        sys.modules.pop(name, None)


_CHANGED = 75  # exit code of a child that found the module's source changed since the mutants were listed


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | timeout | survived
    seconds: float


def module_mutants(module: str, source: str) -> list[Mutant]:
    """The mutants of `module`: all of them, or those inside the scopes SCOPES names for it."""
    found = mutants(source)
    scope = SCOPES.get(module)
    if scope is None:
        return found
    calls = [entry for entry in scope if entry.endswith("(")]
    return [m for m in found if m.name.split(": ", 1)[0] in scope
            or (m.name.startswith("<module>: ") and any(call in m.name for call in calls))]


def _module_path(module: str) -> Path:
    return ROOT / "shared" / (module.replace(".", "/") + ".py")


def _pytest_args(tests: list[str]) -> list[str]:
    return ["-x", "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts=",
            "--rootdir", str(ROOT), *tests]


def _run_forked(tests: list[str], mutant_env: str | None, timeout: float, log: Path) -> tuple[str, float]:
    """Run pytest in a forked child (own process group); 'passed', 'failed' or 'timeout'."""
    import pytest

    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        code = 70
        try:
            os.setpgid(0, 0)
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            # Entry-point plugins (schemathesis, hypothesis, anyio) cost seconds a run and no target test needs them.
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            if mutant_env:
                os.environ[ENV] = mutant_env
                os.environ["PYTHONPATH"] = os.pathsep.join(
                    [str(HOOK_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])
                from devtools.mutation.loader import install
                module, _, digest = mutant_env.split(":")
                if source_digest(_module_path(module).read_bytes()) != digest:
                    code = _CHANGED
                    return  # the finally below exits: the file was edited during the run
                _drop_dependents(module)
                install(mutant_env)
            code = int(pytest.main(_pytest_args(tests)))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = started + timeout
    finished = False
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                finished, code = True, os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                return "timeout", time.monotonic() - started
            time.sleep(0.02)
    finally:
        if not finished:  # timed out, or the run itself was interrupted
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    elapsed = time.monotonic() - started
    if code == 0:
        return "passed", elapsed
    if code in (1, 2):  # tests failed, or collection failed on the mutant
        return "failed", elapsed
    if code == _CHANGED:
        raise RuntimeError("the module was edited during the run; start again")
    raise RuntimeError(f"pytest exited {code} (see {log})")


def load_equivalent() -> dict[str, dict[str, str]]:
    """{module: {mutant name: reason}} from equivalent.yaml."""
    if not EQUIVALENT_FILE.exists():
        return {}
    data = yaml.safe_load(EQUIVALENT_FILE.read_text(encoding="utf-8")) or {}
    return {module: {entry["mutant"]: entry["reason"] for entry in entries or []}
            for module, entries in data.items()}


def run_module(module: str, tests: list[str], workdir: Path, timeout_floor: float) -> list[Outcome]:
    path = _module_path(module)
    source = path.read_bytes()
    digest = source_digest(source)
    found = module_mutants(module, source.decode("utf-8"))
    log = workdir / "baseline.log"
    status, baseline = _run_forked(tests, None, 600, log)
    if status != "passed":
        sys.exit(f"{module}: its tests fail without any mutant; see {log}:\n{log.read_text()[-3000:]}")
    timeout = max(timeout_floor, 3 * baseline + 5)
    print(f"{module}: {len(found)} mutants, tests take {baseline:.1f}s (timeout {timeout:.0f}s)", flush=True)
    outcomes = []
    for mutant in found:
        log = workdir / f"{module}-{mutant.index}.log"
        status, seconds = _run_forked(tests, f"{module}:{mutant.index}:{digest}", timeout, log)
        outcome = Outcome(mutant, {"failed": "killed", "passed": "survived"}.get(status, status), seconds)
        outcomes.append(outcome)
        if outcome.status != "survived":
            log.unlink(missing_ok=True)
        print("." if outcome.status == "killed" else "T" if outcome.status == "timeout" else "S", end="",
              flush=True)
    print(flush=True)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.mutation", description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(TARGETS), help="only these modules")
    parser.add_argument("--min-score", type=float, default=90.0, help="lowest acceptable %% killed per module")
    parser.add_argument("--timeout-floor", type=float, default=20.0, help="smallest per-mutant timeout (s)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    modules = args.module or list(TARGETS)
    if args.list:
        for module in modules:
            for mutant in module_mutants(module, _module_path(module).read_text(encoding="utf-8")):
                print(f"{module}:{mutant.line}  {mutant.name}\n        -> {mutant.after}")
        return 0
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the temporary logs and a running child go too
    for name in _PRELOAD:
        __import__(name)
    equivalent = load_equivalent()
    failed = False
    summary = []
    with tempfile.TemporaryDirectory(prefix="upvend-mutate-") as tmp:
        for module in modules:
            outcomes = run_module(module, TARGETS[module], Path(tmp), args.timeout_floor)
            survivors = [o for o in outcomes if o.status == "survived"]
            explained = {m: r for m, r in equivalent.get(module, {}).items()}
            unexplained = [o for o in survivors if o.mutant.name not in explained]
            killed = len(outcomes) - len(survivors)
            score = 100.0 * killed / len(outcomes) if outcomes else 100.0
            for o in survivors:
                reason = explained.get(o.mutant.name)
                print(f"  survived {module}:{o.mutant.line}  {o.mutant.name}\n"
                      f"        -> {o.mutant.after}\n"
                      + (f"        equivalent: {reason}" if reason else "        NOT EXPLAINED"))
            stale = sorted(set(explained) - {o.mutant.name for o in survivors})
            for name in stale:
                print(f"  note: equivalent.yaml lists a mutant that no longer survives or exists: {name}")
            summary.append((module, killed, len(outcomes), score, len(survivors) - len(unexplained),
                            len(unexplained)))
            failed |= score < args.min_score or bool(unexplained)
    print("\nmodule                              killed/total   score  survivors: explained  unexplained")
    for module, killed, total, score, ok, bad in summary:
        print(f"{module:<36}{killed:>6}/{total:<6}{score:>7.1f}%{ok:>21}{bad:>13}")
    print(f"\n{'FAIL' if failed else 'OK'}: every module needs >= {args.min_score:.0f}% killed "
          "and every survivor explained in devtools/mutation/equivalent.yaml")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
