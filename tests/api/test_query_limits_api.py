"""Requests too costly to answer are refused from their text alone, before any SQL runs: by cost
(objects asked for, times the page sizes around them), depth and aliases, with a batch counted
as one request."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_wfx_plugin.sandbox.auth import issue_token

from .conftest import GRAPHQL_URL, customer, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
USERS = staff("MANAGE_USERS")


def _post(client, body, viewer):
    return client.post(
        GRAPHQL_URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(viewer)}",
    )


def _route_sql(client):
    """The statements the route runs before the API reads a request (the sandbox asks whether
    the programme is on), measured with a body the API refuses at once."""
    with CaptureQueriesContext(connection) as queries:
        client.post(GRAPHQL_URL, data="{not json", content_type="application/json")
    return len(queries)


def _codes(answer):
    return [error["extensions"]["exception"]["code"] for error in answer["errors"]]


def test_ten_batched_operations_of_200_aliased_me_are_refused_without_sql(client, api, tree):
    aliased = " ".join(f"m{n}: me {{ distributor {{ code }} }}" for n in range(200))
    batch = [{"query": f"{{ {aliased} }}"} for _ in range(10)]

    with CaptureQueriesContext(connection) as queries:
        response = _post(client, batch, D)

    assert response.status_code == 400
    answers = response.json()
    assert len(answers) == 10
    # The first is refused; the other nine are not even parsed.
    assert [_codes(answer) for answer in answers] == [["QueryAliasLimitExceeded"]] + [
        ["BatchRefused"]
    ] * 9
    assert "200 aliases; at most 50" in answers[0]["errors"][0]["message"]
    assert all(answer.get("data") is None for answer in answers)
    assert len(queries) == _route_sql(client)


def test_the_cost_is_the_objects_asked_for_times_the_page_sizes(client, api, tree, settings):
    # 1 for the connection, then per distributor (first: 100): edges, node, upline, its upline.
    query = "{ distributors(first: 100) { edges { node { upline { upline { code } } } } } }"
    settings.WFX_GRAPHQL_MAX_COST = 400

    response = _post(client, {"query": query}, USERS)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "QueryCostError"
    assert error["extensions"]["cost"] == {"requestedQueryCost": 401, "maximumAvailable": 400}
    assert error["message"] == "The query exceeds the maximum cost of 400. Actual cost is 401"

    settings.WFX_GRAPHQL_MAX_COST = 401
    answered = _post(client, {"query": query}, USERS)
    assert answered.status_code == 200
    assert len(answered.json()["data"]["distributors"]["edges"]) == 4


def test_a_batch_costs_the_sum_of_its_operations(client, api, tree, settings):
    # me (5) + distributor (1) + upline (1) = 7 each; ten of them 70.
    operation = {"query": "{ me { distributor { upline { code } } } }"}
    settings.WFX_GRAPHQL_MAX_COST = 69

    with CaptureQueriesContext(connection) as queries:
        refused = _post(client, [operation] * 10, D)

    assert refused.status_code == 400
    answers = refused.json()
    assert [_codes(answer) for answer in answers] == [["QueryCostError"]] * 10
    assert answers[0]["errors"][0]["extensions"]["cost"]["requestedQueryCost"] == 70
    assert len(queries) == _route_sql(client)
    answered = _post(client, [operation] * 9, D)
    assert answered.status_code == 200
    # A distributor is not shown their upline (staff are): answered, with nothing to show.
    assert [a["data"]["me"]["distributor"] for a in answered.json()] == [{"upline": None}] * 9


def test_a_query_deeper_than_the_limit_is_refused(client, api, tree, settings):
    settings.WFX_GRAPHQL_MAX_DEPTH = 6
    # me, distributor and four uplines: 6 levels of objects, and `code` the 7th.
    deep = "{ me { distributor { upline { upline { upline { upline { code } } } } } } }"

    response = _post(client, {"query": deep}, D)

    assert response.status_code == 400
    assert _codes(response.json()) == ["QueryDepthExceeded"]
    assert "7 levels deep; at most 6" in response.json()["errors"][0]["message"]
    shallower = deep.replace("upline { code }", "code")
    assert _post(client, {"query": shallower}, D).status_code == 200


def test_depth_follows_fragments_and_a_fragment_cycle_is_no_loop(client, api, tree, settings):
    settings.WFX_GRAPHQL_MAX_DEPTH = 3
    via_fragment = """{ me { distributor { ...Up } } }
        fragment Up on Distributor { upline { upline { code } } }"""
    cycle = """{ me { distributor { ...A } } }
        fragment A on Distributor { upline { ...B } }
        fragment B on Distributor { upline { ...A } }"""

    assert _codes(_post(client, {"query": via_fragment}, D).json()) == ["QueryDepthExceeded"]
    settings.WFX_GRAPHQL_MAX_DEPTH = 12
    # The cycle is the query's own mistake: execution's validation names it; nothing hangs.
    body = _post(client, {"query": cycle}, D).json()
    assert "Cannot spread fragment" in body["errors"][0]["message"]


def test_the_standard_introspection_query_of_graphiql_and_codegen_is_answered(client, api):
    from graphql.utils.introspection_query import introspection_query

    response = _post(client, {"query": introspection_query}, USERS)

    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"] == {"name": "Query"}


def test_a_query_repeating_one_field_thousands_of_times_is_refused_before_validation(
    client, api, settings
):
    # graphql-core compares every pair of same-named fields: 2,000 copies of `slug` cost 13 s.
    repeated = "{ grades { " + " ".join(["slug"] * 301) + " } }"

    response = _post(client, {"query": repeated}, USERS)

    assert response.status_code == 400
    assert _codes(response.json()) == ["QueryTooManyFields"]
    assert "302 fields; at most 300" in response.json()["errors"][0]["message"]


def test_a_query_longer_than_the_limit_is_refused_unparsed(client, api, settings):
    settings.WFX_GRAPHQL_MAX_QUERY_LENGTH = 1_000
    padded = "{ grades { slug } }" + " " * 1_000

    response = _post(client, {"query": padded}, USERS)

    assert response.status_code == 400
    assert _codes(response.json()) == ["QueryTooLong"]
    assert _post(client, {"query": padded.strip()}, USERS).status_code == 200


def test_every_cost_map_entry_names_a_field_of_the_schema():
    # As Saleor's validate_cost_map: a renamed field must not silently fall back to cost 1.
    from saleor_wfx_plugin.graphql.api import schema
    from saleor_wfx_plugin.graphql.core.validators.query_cost import COST_MAP

    missing = [
        f"{type_name}.{field}"
        for type_name, fields in COST_MAP.items()
        for field in fields
        if schema.get_type(type_name) is None or field not in schema.get_type(type_name).fields
    ]
    assert missing == []


def _field_cost(type_name, field_name):
    from graphql import parse

    from saleor_wfx_plugin.graphql.api import schema
    from saleor_wfx_plugin.graphql.core.validators.query_cost import CostCalculator

    document = parse(f"{{ {field_name} {{ __typename }} }}")
    [node] = document.definitions[0].selection_set.selections
    calculator = CostCalculator(schema, document, {})
    return calculator._field_cost(node, schema.get_type(type_name), 1, frozenset())


def test_every_field_answering_a_file_costs_at_least_200():
    from graphql import GraphQLObjectType
    from graphql.type.definition import get_named_type

    from saleor_wfx_plugin.graphql.api import schema

    files = [
        (type_name, name)
        for type_name, graphql_type in schema.get_type_map().items()
        if isinstance(graphql_type, GraphQLObjectType)
        for name, field in graphql_type.fields.items()
        if get_named_type(field.type).name == "CsvExport"
    ]
    assert ("Query", "commissionsCsv") in files and ("Query", "monthlyStatementsCsv") in files
    assert [f for f in files if _field_cost(*f) < 200] == []
    assert _field_cost("Query", "growthSimulation") >= 2000


def test_fifty_aliased_commission_files_are_refused_without_sql(client, api, tree):
    aliased = " ".join(f"c{n}: commissionsCsv {{ content }}" for n in range(50))
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, {"query": f"{{ {aliased} }}"}, staff("MANAGE_ORDERS"))
    assert _codes(response.json()) == ["QueryCostError"]
    assert response.json()["errors"][0]["extensions"]["cost"]["requestedQueryCost"] == 12500
    assert len(queries) == _route_sql(client)


def _dashboard_queries():
    """The dashboard's query documents as its screens send them: one-line template constants,
    with `${NAME}` replaced by the constant of that name in the same file."""
    import pathlib
    import re

    constant = re.compile(r"^(?:export )?const (\w+) = `([^`]*)`;?$", re.MULTILINE)
    source = pathlib.Path(__file__).resolve().parents[2] / "dashboard_extension" / "src"
    documents = {}
    for path in sorted(source.rglob("*.ts*")):
        constants = dict(constant.findall(path.read_text()))
        for name, text in constants.items():
            for _ in range(3):
                text = re.sub(
                    r"\$\{(\w+)\}", lambda m, known=constants: known.get(m[1], m[0]), text
                )
            if text.lstrip().startswith("query") and "${" not in text:
                documents[f"{path.name}:{name}"] = text
    return documents


def test_every_dashboard_query_fits_under_the_default_maximum_cost():
    from graphql import parse
    from graphql.language.ast import OperationDefinition

    from saleor_wfx_plugin.graphql.api import schema
    from saleor_wfx_plugin.graphql.core.validators.query_cost import CostCalculator

    documents = _dashboard_queries()
    assert len(documents) >= 10, documents
    costs = {}
    for name, text in documents.items():
        document = parse(text)
        calculator = CostCalculator(schema, document, {"first": 100})
        costs[name] = sum(
            calculator.operation_cost(op)
            for op in document.definitions
            if isinstance(op, OperationDefinition)
        )
    assert {name: cost for name, cost in costs.items() if cost > 10_000} == {}
