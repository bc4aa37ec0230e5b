"""The Saleor touch points import one way: no cycle through the plugin class, the adapter, the
authenticator, the version check or the app config, and nothing outside `saleor_host` imports
Saleor. Read from the source (every import statement, those inside functions too), so it holds
for every order in which Saleor, Celery or a test may import the modules."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "saleor_wfx_plugin"
HOST = "saleor_wfx_plugin.saleor_host"
# The old import paths, kept as re-exports (README, "Upgrading"), are touch points too.
TOUCH_POINTS = {
    "saleor_wfx_plugin.apps",
    "saleor_wfx_plugin.plugin",
    "saleor_wfx_plugin.saleor_adapter",
    "saleor_wfx_plugin.saleor_auth",
}


def module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def imported_names(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        target = node.module or ""
    else:
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1])
        target = f"{base}.{node.module}" if node.module else base
    # `from package import submodule` imports the submodule too.
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Edges between the package's modules, and the outside modules each one imports."""
    modules = module_files()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    outside: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in imported_names(module, path, node):
                if name not in modules:
                    if not name.startswith("saleor_wfx_plugin"):
                        outside[module].add(name)
                    continue
                edges[module].add(name)
                # Importing a module runs its packages' __init__ first, except the packages
                # the importer itself is inside (they are already running).
                parts = name.split(".")
                for length in range(1, len(parts)):
                    package = ".".join(parts[:length])
                    if module != package and not module.startswith(package + "."):
                        edges[module].add(package)
    return edges, outside


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(edges[start])
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(edges[name])
    return seen


def test_no_touch_point_is_part_of_an_import_cycle():
    edges, _ = import_graph()
    touch_points = TOUCH_POINTS | {name for name in edges if name.startswith(HOST)}
    assert f"{HOST}.plugin" in touch_points and f"{HOST}.version" in touch_points

    cycles = {name for name in touch_points if name in reachable(edges, name)}

    assert cycles == set()


def test_only_the_host_package_imports_saleor():
    _, outside = import_graph()

    importers = {
        module
        for module, names in outside.items()
        if any(name == "saleor" or name.startswith("saleor.") for name in names)
    }

    assert importers
    assert {module for module in importers if not module.startswith(HOST)} == set()
