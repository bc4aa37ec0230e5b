"""How fast are costly requests refused, and what do the checks add to an ordinary request?

Sends through the API's view with no database reachable (every refusal happens before
authentication and before any SQL; the run counts statements to confirm it):

- the worked case of issue 9: 10 batched operations × 200 aliases of `me { … }` (86 s and tens
  of thousands of SQL statements before the limits existed);
- a batch of 10 operations of 40 aliases each (under the alias cap), refused by its summed cost;
- a query nested 400 levels deep;
and times `check_operation` alone on the dashboard's largest `me` query, the price every request
pays. Not a test: run it by hand.

    .venv/bin/python bench/query_limits_bench.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

ME_EVERYTHING = """{ me { balances { available { amount currency } }
  payouts(first: 20) { edges { node { id status amount { amount currency } } } }
  commissions(first: 20) { edges { node { id level rate amount { amount currency } } } }
  team { directCount } clicks { clicks } sales { month } earnings { currency } } }"""


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_wfx_plugin.sandbox.settings")
    # A database nobody listens on: a statement would fail loudly, not go unnoticed.
    os.environ["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory
    from graphql import parse

    from saleor_wfx_plugin.graphql.api import schema
    from saleor_wfx_plugin.graphql.core.validators import check_operation
    from saleor_wfx_plugin.graphql.view import graphql_view

    aliased_200 = " ".join(f"m{n}: me {{ distributor {{ code }} }}" for n in range(200))
    aliased_40 = " ".join(
        f"m{n}: me {{ commissions(first: 100) {{ edges {{ node {{ id }} }} }} }}" for n in range(40)
    )
    deep = "{ me { distributor " + "{ upline " * 400 + "{ code }" + " }" * 400 + " } }"
    cases = {
        "10 x 200 aliases of me": [{"query": f"{{ {aliased_200} }}"}] * 10,
        "10 x 40 aliases, by cost": [{"query": f"{{ {aliased_40} }}"}] * 10,
        "400 levels deep": {"query": deep},
    }
    factory = RequestFactory()
    print(f"{'request':<28} {'status':>6} {'code':<26} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
    failed = False
    for name, body in cases.items():
        samples, statements, status, code = [], 0, 0, ""
        for _ in range(args.runs):
            request = factory.post(
                "/graphql/", data=json.dumps(body), content_type="application/json"
            )
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                started = time.perf_counter()
                response = graphql_view(request, "http://testserver")
                samples.append((time.perf_counter() - started) * 1000)
            statements = max(statements, len(queries))
            status = response.status_code
            answer = json.loads(response.content)
            first = answer[0] if isinstance(answer, list) else answer
            code = first["errors"][0]["extensions"]["code"]
        p50, p95 = _percentiles(samples)
        failed |= status != 400 or statements != 0
        print(f"{name:<28} {status:>6} {code:<26} {p50:>8.2f} {p95:>8.2f} {statements:>4}")

    document = parse(ME_EVERYTHING)
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        checked = check_operation(schema, document, {}, None, read_only=False)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(samples)
    label = f"cost {checked.cost}"
    print(f"{'checks of me-everything':<28} {'':>6} {label:<26} {p50:>8.2f} {p95:>8.2f}")
    print(f"all refused with HTTP 400 and no SQL: {'no' if failed else 'yes'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
