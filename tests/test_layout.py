"""The code's layout stays as docs/architecture.md describes it.

Imports go one way (views -> use cases -> presenters and types -> the
X-Platform client), the client and the simulator stay independent of each
other and of the console, product modules stay readable in size, and views
stay thin.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "interactions"
MAX_MODULE_LINES = 600
MAX_VIEW_LINES = 25


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Console modules imported anywhere in a file (TYPE_CHECKING included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in GRAPH[node]:
            if nxt == start:
                return [*trail, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def test_no_import_cycle_between_console_modules() -> None:
    cycles = [c for name in GRAPH if (c := _cycle_from(name)) is not None]
    assert cycles == []


@pytest.mark.parametrize(
    ("package", "may_not_import"),
    [
        # The client knows nothing of Django models, pages or the simulator.
        ("interactions.xplatform", ("interactions.",)),
        # The simulator follows the vendor's documents, not the client.
        ("interactions.simulator", ("interactions.xplatform", "interactions.services")),
        # Types, presenters and snapshots never reach back into views or the API.
        ("interactions.presenters", ("interactions.views", "interactions.api")),
        ("interactions.interaction", ("interactions.upstream", "interactions.views")),
        ("interactions.services", ("interactions.views", "interactions.api")),
        ("interactions.selectors", ("interactions.services", "interactions.views")),
    ],
)
def test_imports_go_one_way(package: str, may_not_import: tuple[str, ...]) -> None:
    inside = [
        name for name in GRAPH if name == package or name.startswith(package + ".")
    ]
    assert inside, package
    wrong = {
        (name, target)
        for name in inside
        for target in GRAPH[name]
        if target.startswith(may_not_import) and not target.startswith(package)
    }
    assert wrong == set()


def test_product_modules_stay_under_the_size_limit() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


VIEW_MODULES = [
    "interactions.views",
    "interactions.review.views",
    "interactions.api.views",
    "interactions.api.review",
]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_are_thin(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text())
    long = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        body = node.body[1:] if ast.get_docstring(node) else node.body
        length = body[-1].end_lineno - node.lineno + 1  # type: ignore[operator]
        if length > MAX_VIEW_LINES:
            long[node.name] = length
    assert long == {}
