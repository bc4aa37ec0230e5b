"""Resolvers parse, authorize and call one service or selector: no querysets, row locks or
transactions in `graphql/<domain>/`, so a reader finds every read in `selectors/` and every
write in `services/`. `graphql/core/` is the shared machinery (pagination slices the
selector's queryset, ids look a row up, the base mutation's transaction) and is left out.
Read from the source, so it holds for code no test happens to run."""

import ast
from pathlib import Path

GRAPHQL = Path(__file__).resolve().parents[1] / "saleor_wfx_plugin" / "graphql"
SHARED = GRAPHQL / "core"

QUERYSET_METHODS = {
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "order_by",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "values_list",
    "distinct",
    "raw",
    "extra",
    "only",
    "defer",
    "bulk_create",
    "get_or_create",
    "update_or_create",
}
# Called with no argument, these are a queryset's (a list's count and index take one).
NO_ARGUMENT_QUERYSET_METHODS = {"all", "count", "first", "last", "exists", "none"}
FORBIDDEN_MODULES = ("saleor_wfx_plugin.lock_objects", "django.db.transaction")
# Query expressions build querysets; the names of types are fine.
FORBIDDEN_MODEL_NAMES = {
    "Q",
    "F",
    "Count",
    "Sum",
    "Subquery",
    "OuterRef",
    "Exists",
    "Case",
    "When",
    "Value",
    "Coalesce",
}


def violations(source: str, module: str = "saleor_wfx_plugin.graphql.x") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{line}: .objects")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in QUERYSET_METHODS or (
                name in NO_ARGUMENT_QUERYSET_METHODS and not node.args and not node.keywords
            ):
                found.append(f"{line}: .{name}()")
        if isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            names = {alias.name for alias in node.names}
            if target.startswith(FORBIDDEN_MODULES) or (
                target == "django.db" and "transaction" in names
            ):
                found.append(f"{line}: import of {target}")
            if target.startswith("django.db.models") and names & FORBIDDEN_MODEL_NAMES:
                found.append(f"{line}: query expressions {sorted(names & FORBIDDEN_MODEL_NAMES)}")
            if "lock_objects" in names:  # from saleor_wfx_plugin import lock_objects
                found.append(f"{line}: import of lock_objects")
    return found


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join([*base, node.module] if node.module else base)


def domain_modules() -> dict[str, Path]:
    modules = {}
    for path in GRAPHQL.rglob("*.py"):
        if SHARED in path.parents:
            continue
        parts = path.relative_to(GRAPHQL.parents[1]).with_suffix("").parts
        modules[".".join(parts)] = path
    return modules


def test_the_check_finds_querysets_locks_and_transactions():
    source = (
        "from django.db import transaction\n"
        "from django.db.models import Count\n"
        "from ....lock_objects import lock_distributor\n"
        "rows = Distributor.objects.filter(upline=root).count()\n"
        "events = root.events.all()\n"
        "counted = [1, 2].count(1)\n"
    )
    assert len(violations(source, "saleor_wfx_plugin.graphql.money.mutations.x")) == 7


def test_resolvers_leave_querysets_locks_and_transactions_to_selectors_and_services():
    modules = domain_modules()
    assert "saleor_wfx_plugin.graphql.money.mutations.adjustments" in modules

    found = {
        module: problems
        for module, path in modules.items()
        if (problems := violations(path.read_text(encoding="utf-8"), module))
    }

    assert found == {}


def test_balance_adjust_leaves_its_lock_and_idempotency_to_the_service():
    source = (GRAPHQL / "money" / "mutations" / "adjustments.py").read_text(encoding="utf-8")

    assert "from ....services.adjustments import adjust\n" in source
    assert "adjust(" in source.split("class BalanceAdjust(", 1)[1]
    assert "lock" not in source.replace("# ", "").split("class BalanceAdjust", 1)[1]
    assert "LedgerEntry" not in source
