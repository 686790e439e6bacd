"""The package's shape: rlct's modules import one another without a cycle, no module
imports another module's private names, and no module is over ~600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "rlct"

# No exceptions: nothing imports a layer above it.
ALLOWED_EDGES: set = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str, path: Path, known: dict):
    """(target module, imported names, line) for every rlct import in the file, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "rlct":
                    yield a.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "rlct":
                continue
            names = tuple(a.name for a in node.names)
            for n in names:  # `from . import api` imports the submodule rlct.api
                if f"{mod}.{n}" in known:
                    yield f"{mod}.{n}", (), node.lineno
            rest = tuple(n for n in names if f"{mod}.{n}" not in known)
            if rest:
                yield mod, rest, node.lineno


def _graph() -> dict:
    known = _modules()
    graph = {m: set() for m in known}
    for m, p in known.items():
        for target, _, _ in _imports(m, p, known):
            if target in known and target != m and (m, target) not in ALLOWED_EDGES:
                graph[m].add(target)
    return graph


def _cycle(graph: dict):
    """One cycle as a list of modules, or None (depth-first search)."""
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state:
                found = visit(t)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_import_graph_has_no_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_private_name_imported_across_modules():
    known = _modules()
    bad = []
    for m, p in known.items():
        for target, names, line in _imports(m, p, known):
            if target == m or target.startswith(m + ".") or (m, target) in ALLOWED_EDGES:
                continue
            bad += [f"{m}:{line} imports {target}.{n}" for n in names
                    if n.startswith("_") and not n.startswith("__")]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT.parent)) for p in ROOT.rglob("*.py")))
def test_module_size(path):
    n = len((ROOT.parent / path).read_text(encoding="utf-8").splitlines())
    assert n <= 650, f"{path} has {n} lines (limit ~600)"


def test_every_z3_solver_is_built_in_rlct_real():
    users = sorted(m for m, p in _modules().items()
                   if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "z3" in
                          ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""])
                          for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))))
    assert users == ["rlct.real"]


def test_numeric_does_not_import_the_report_layer():
    bad = [(m, t) for m, p in _modules().items() if m.startswith("rlct.numeric")
           for t, _, _ in _imports(m, p, _modules()) if t.startswith("rlct.report")]
    assert not bad, bad
