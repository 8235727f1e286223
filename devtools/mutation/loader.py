"""Importing one module with one mutant applied, chosen by UPVEND_MUTANT=<module>:<index>:<source sha256>.

Installed at interpreter start (hook/sitecustomize.py), so python processes a test
starts see the same mutant. Nothing is written to disk: the mutated tree is compiled
in memory, never cached as bytecode.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import sys

from devtools.mutation.operators import mutated_tree

ENV = "UPVEND_MUTANT"


def source_digest(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()[:16]


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, index: int, digest: str) -> None:
        super().__init__(fullname, path)
        self.index, self.digest = index, digest

    def get_code(self, fullname: str):  # type: ignore[override]
        source = self.get_data(self.path)
        if source_digest(source) != self.digest:
            raise ImportError(f"{self.path} changed since its mutants were listed")
        tree = mutated_tree(source.decode("utf-8"), self.index)
        return compile(tree, self.path, "exec", dont_inherit=True)


class MutantFinder(importlib.abc.MetaPathFinder):
    """Finds `module` where the normal path search would, and loads it mutated."""

    def __init__(self, module: str, index: int, digest: str) -> None:
        self.module, self.index, self.digest = module, index, digest

    def find_spec(self, fullname, path, target=None):
        if fullname != self.module:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = _MutantLoader(fullname, spec.origin, self.index, self.digest)
        return spec


def install(value: str) -> None:
    """Put the finder for `<module>:<index>:<digest>` first on sys.meta_path."""
    module, index, digest = value.rsplit(":", 2)
    if module in sys.modules:
        raise RuntimeError(f"{module} was imported before its mutant could be installed")
    sys.meta_path.insert(0, MutantFinder(module, int(index), digest))
