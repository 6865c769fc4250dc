"""The layers of ARCHITECTURE.md, checked on the import statements of every module.

engine <- qgis_io <- report <- algorithms <- provider <- plugin: a module imports only from its
own layer and the layers below it, the engine imports neither QGIS nor GDAL, and no two modules
import each other, directly or round a circle.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "footprint_plugin"
LAYERS = ["resources", "engine", "qgis_io", "report", "algorithms", "provider", "plugin"]
"""Bottom to top; the package's __init__ (classFactory) sits on top of everything."""


def modules() -> dict[str, Path]:
    """Dotted name of every module of the plugin -> its file."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imports(name: str, path: Path) -> set[str]:
    """Dotted names a module imports: packages and modules (``from x import y`` counts x.y
    when y is a module, else x), top-level names for absolute imports of other libraries."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in MODULES else module)
    return found


def layer(name: str) -> int:
    """Position of a plugin module's layer in LAYERS (the package itself: on top)."""
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else len(LAYERS)


GRAPH = {
    name: {imported for imported in imports(name, path) if imported.startswith("footprint_plugin")}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_nothing_from_a_layer_above_it(name):
    upward = sorted(target for target in GRAPH[name] if layer(target) > layer(name))
    assert not upward, f"{name} imports from above its layer: {upward}"


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith("footprint_plugin.engine"))
)
def test_the_engine_needs_neither_qgis_nor_gdal(name):
    outside = {imported.split(".")[0] for imported in imports(name, MODULES[name])}
    assert not outside & {"qgis", "osgeo", "PyQt5", "matplotlib"}


def test_no_module_imports_itself_round_a_circle():
    visiting, done, cycles = [], set(), []

    def visit(name):
        if name in done or name not in GRAPH:
            return
        if name in visiting:
            cycles.append([*visiting[visiting.index(name) :], name])
            return
        visiting.append(name)
        for target in sorted(GRAPH[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)
    assert not cycles, f"import cycles: {cycles}"


def test_algorithms_holds_only_algorithms_and_their_base_classes():
    from footprint_plugin.provider import ALGORITHMS

    registered = {cls.__module__.rsplit(".", 1)[1] for cls in ALGORITHMS}
    present = {path.stem for path in (PACKAGE / "algorithms").glob("*.py")}
    assert present - registered == {"__init__", "base", "map_base"}
