"""The shape of the house: imports run one way (no cycles), the importers and the rules sit below
the formatters, the engine and the command line, nothing imports the command line, and no
module grows past what a reader can hold (500 lines; the command line, only glue, 400)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "cxaudit"
MAX_MODULE_LINES = 500
MAX_CLI_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every cxaudit module each module imports, at the top or inside a function: for
    ``from a.b import c, d`` the modules ``a.b.c`` and ``a.b.d`` where they are modules, else
    ``a.b`` itself (``from cxaudit import __version__`` imports the package)."""
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t for t in names if t in modules] or [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


MODULES = _modules()
IMPORTS = _imports(MODULES)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    assert _cycles(IMPORTS) == []


def test_the_import_reader_sees_every_name_and_the_package() -> None:
    assert {"cxaudit.checks.cx01_disclosure", "cxaudit.checks.cx10_feigned_empathy"} <= IMPORTS[
        "cxaudit.checks"
    ]
    assert "cxaudit.engine" in IMPORTS["cxaudit"]  # the library entry point, imported on use


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _imports_above(package: str, above: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules of ``package`` that import a module of the layers ``above``, with those."""
    wrong = {
        name: sorted(t for t in targets if t.startswith(above))
        for name, targets in IMPORTS.items()
        if name.startswith(package)
    }
    return {name: targets for name, targets in wrong.items() if targets}


def test_rules_import_no_engine_formatters_or_front_ends() -> None:
    assert (
        _imports_above("cxaudit.checks", ("cxaudit.formatters", "cxaudit.engine", "cxaudit.cli"))
        == {}
    )


def test_nothing_imports_the_command_line() -> None:
    importers_of = {
        target: sorted(name for name, targets in IMPORTS.items() if target in targets)
        for target in ("cxaudit.cli", "cxaudit.cli_options")
    }
    assert importers_of == {
        "cxaudit.cli": ["cxaudit.__main__"],
        "cxaudit.cli_options": ["cxaudit.cli"],
    }


def test_importers_import_no_rules_formatters_or_front_ends() -> None:
    above = ("cxaudit.checks", "cxaudit.formatters", "cxaudit.engine", "cxaudit.cli")
    assert _imports_above("cxaudit.importers", above) == {}


def test_the_ground_floor_imports_nothing_above_it() -> None:
    ground = {"cxaudit.locations", "cxaudit.diagnostics", "cxaudit.inert", "cxaudit.suggest"}
    for name in sorted(ground):
        assert IMPORTS[name] <= ground - {name}, name


def test_no_module_is_over_500_lines_and_the_command_line_over_400() -> None:
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(sizes) > 80  # the whole package is there
    limits = {"cli.py": MAX_CLI_LINES}
    assert {n: k for n, k in sizes.items() if k > limits.get(n, MAX_MODULE_LINES)} == {}
