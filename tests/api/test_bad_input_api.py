"""Input a client should never send still gets a clear GraphQL error with a code, never an HTTP
500 and never a half-done write: NUL characters (PostgreSQL text cannot hold them), amounts no
column can hold, currencies that are not ISO 4217, ids and cursors outside what the database can
look up, months past the end of the calendar."""

import base64
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Grade
from tests.services.helpers import staff_adjusts_balance

from .conftest import GRAPHQL_URL, customer, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
NEWCOMER = customer("50", "new@example.com")
PAYMENTS = staff("HANDLE_PAYMENTS")
USERS = staff("MANAGE_USERS")

ADJUST = """mutation($distributor: ID!, $currency: String!, $amount: Decimal!, $reason: String!,
    $key: String) {
  balanceAdjust(distributor: $distributor, currency: $currency, amount: $amount,
    reason: $reason, idempotencyKey: $key) { balance { currency } errors { field code } } }"""
PAYOUT = """mutation($input: PayoutRequestInput!) { payoutRequest(input: $input) {
    payout { id } errors { field code } } }"""
APPLY = """mutation($input: DistributorApplyInput!) { distributorApply(input: $input) {
    application { id } errors { field code } } }"""
SEARCH = """query($search: String) { distributors(first: 5, filter: {search: $search}) {
    edges { node { code } } } }"""
BY_ID = """query($id: ID) { distributor(id: $id) { code } }"""
PAGE = """query($after: String) { distributors(first: 5, after: $after) {
    edges { node { code } } } }"""
SALES = """{ me { sales(month: "9999-12-31") { currency } } }"""
TEAM_SALES = """{ me { team { sales(month: "9999-12-31") { currency } } } }"""
MY_STATEMENTS = """{ me { monthlyStatements(month: "9999-12-31") { currency } } }"""
STATEMENTS = """{ monthlyStatements(month: "9999-12-31") { currency } }"""
STATEMENTS_CSV = """{ monthlyStatementsCsv(month: "9999-12-31") { content } }"""
SIMULATION = """{ growthSimulation(input: {firstMonth: "9999-11-01", lastMonth: "9999-12-31"}) {
  __typename } }"""


SUPERSCRIPT_TWO_ID = base64.b64encode("Distributor:²".encode()).decode()
BEYOND_BIGINT_ID = base64.b64encode(b"Distributor:99999999999999999999").decode()
MANAGER = staff("MANAGE_PLUGINS")
GRADE_UPDATE = """mutation($id: ID!, $input: GradeInput!) { gradeUpdate(id: $id, input: $input) {
    grade { slug } errors { field code } } }"""
TREE_GRADE = "the id of the ordinary grade"
TREE_A = "the id of the tree's A"


def _adjust(**overrides):
    variables = {
        "distributor": TREE_A,
        "currency": "CNY",
        "amount": "10.00",
        "reason": "goodwill",
        "key": "k-1",
    }
    variables.update(overrides)
    return (ADJUST, variables, PAYMENTS)


def _payout(**overrides):
    payout = {
        "currency": "CNY",
        "amount": "50",
        "method": "ALIPAY",
        "payeeName": "王小明",
        "account": "13812345678",
        "idempotencyKey": "p-1",
    }
    payout.update(overrides)
    return (PAYOUT, {"input": payout}, D)


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_INPUT = {
    "NUL in a currency": _adjust(currency="CN\x00"),
    "NUL in an idempotency key": _payout(idempotencyKey="p-\x001"),
    "NUL in a name": (APPLY, {"input": {"phone": "13812345678", "name": "王\x00"}}, NEWCOMER),
    "NUL in a reason": _adjust(reason="goodwill\x00"),
    "NUL in a search": (SEARCH, {"search": "AAA\x00"}, USERS),
    "NUL in a literal": (
        '{ distributors(first: 1, filter: {search: "a\\u0000"}) { edges { cursor } } }',
        {},
        USERS,
    ),
    "amount 1e309": _adjust(amount="1e309"),
    "amount Infinity": _adjust(amount="Infinity"),
    "amount -Infinity": _payout(amount="-Infinity"),
    "amount NaN": _payout(amount="NaN"),
    "amount beyond the column": _adjust(amount="123456789012345678901"),
    "amount not a number": _adjust(amount="ten"),
    "a currency that is not ISO 4217": _adjust(currency="ÄÖÜ"),
    "RMB for yuan": _adjust(currency="RMB"),
    "a well-formed code no one issues": _adjust(currency="XYZ"),
    "a Relay id with a non-ASCII digit": _adjust(distributor=SUPERSCRIPT_TWO_ID),
    "a Relay id beyond bigint": _adjust(distributor=BEYOND_BIGINT_ID),
    "a cursor beyond bigint": (PAGE, {"after": _cursor("offset:99999999999999999999")}, USERS),
    "a cursor with a non-ASCII digit": (PAGE, {"after": _cursor("offset:²")}, USERS),
    "the last day of the calendar as a month": (SALES, {}, D),
    "the last day of the calendar as a team's month": (TEAM_SALES, {}, D),
    "the last day of the calendar as my statement's month": (MY_STATEMENTS, {}, D),
    "the last day of the calendar as a statement month": (STATEMENTS, {}, PAYMENTS),
    "the last day of the calendar as a statements file month": (STATEMENTS_CSV, {}, PAYMENTS),
    "the last day of the calendar in a simulation": (SIMULATION, {}, MANAGER),
    "a grade rate beyond its column": (
        GRADE_UPDATE,
        {"id": TREE_GRADE, "input": {"sellerRate": "1234567"}},
        MANAGER,
    ),
    "a grade threshold beyond the money column": (
        GRADE_UPDATE,
        {"id": TREE_GRADE, "input": {"upgradeMinSales": "1e17"}},
        MANAGER,
    ),
    "a grade name with a NUL": (
        GRADE_UPDATE,
        {"id": TREE_GRADE, "input": {"name": "Go\x00ld"}},
        MANAGER,
    ),
    "the last day of the calendar as a tax month": (
        'mutation { taxWithholdingExport(month: "9999-12-31") { errors { code } } }',
        {},
        PAYMENTS,
    ),
}


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in apps.get_app_config("wfx").get_models()
    }


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_gets_a_clear_error_with_a_code_and_writes_nothing(api, tree, case):
    query, variables, viewer = BAD_INPUT[case]
    staff_adjusts_balance(
        distributor_id=tree[3].pk, currency="CNY", amount=Decimal("80"), reason="x"
    )
    if variables.get("id") == TREE_GRADE:
        grade = Grade.objects.get(slug="ordinary")
        variables = {**variables, "id": to_global_id("Grade", grade.pk)}
    if variables.get("distributor") == TREE_A:
        variables = {**variables, "distributor": to_global_id("Distributor", tree[0].pk)}
    before = _row_counts()

    response = api.raw(query, variables, viewer=viewer)

    assert response.status_code in (200, 400), response.content
    body = response.json()
    errors = list(body.get("errors") or ())
    for payload in (body.get("data") or {}).values():
        if isinstance(payload, dict):
            errors += payload.get("errors") or []
    assert errors, body
    codes = [
        error.get("code") or error.get("extensions", {}).get("exception", {}).get("code")
        for error in errors
    ]
    assert all(codes), body
    assert "Internal Server Error" not in str(body)
    assert _row_counts() == before


def test_an_import_row_with_a_nul_character_is_invalid_in_the_dry_run(api, tree):
    csv = (
        "email,phone,upline_code,grade\n"
        "x@example.com,13800000001,AAA111,\n"
        "y@exa\x00mple.com,13800000002,AAA111,\n"
    )
    mutation = """mutation($file: Upload!) { distributorImport(file: $file, dryRun: true) {
        report { rows valid rowErrors { line field code } } errors { code } } }"""
    upload = io.BytesIO(csv.encode())
    upload.name = "team.csv"

    report = api(mutation, {"file": None}, viewer=USERS, files={"f": ("variables.file", upload)})[
        "data"
    ]["distributorImport"]["report"]

    assert (report["rows"], report["valid"]) == (2, 1)
    assert [(e["line"], e["field"], e["code"]) for e in report["rowErrors"]] == [
        (3, "email", "invalid")
    ]


@pytest.mark.parametrize("global_id", [SUPERSCRIPT_TWO_ID, BEYOND_BIGINT_ID])
def test_looking_up_an_id_no_row_can_have_finds_nothing(api, tree, global_id):
    body = api(BY_ID, {"id": global_id}, viewer=USERS)

    assert body == {"data": {"distributor": None}}


def test_a_bank_file_with_a_nul_character_is_refused_as_a_whole():
    from saleor_wfx_plugin.errors import PayoutError
    from saleor_wfx_plugin.services.payouts.csv_files import read_csv_upload

    data = b"payout_id,reference\n1,BANK-1\n2,BANK\x00-2\n"

    with pytest.raises(PayoutError) as refused:
        read_csv_upload(data, required=("payout_id", "reference"), optional=(), max_rows=10)

    assert (refused.value.code, refused.value.field) == ("invalid_file", "file")
    assert "Line 3 contains a NUL character" in str(refused.value)


def test_a_multipart_map_path_with_a_non_ascii_digit_is_a_bad_request(client, api):
    upload = io.BytesIO(b"x")
    upload.name = "x.csv"
    operations = [
        {"query": "mutation($f: Upload!) { distributorImport(file: $f) { errors { code } } }"}
    ]

    response = client.post(
        GRAPHQL_URL,
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["².variables.f"]}),
            "0": upload,
        },
    )

    assert response.status_code == 400
    assert "Bad path" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("payout_id", ["²", "99999999999999999999"])
def test_a_bank_file_row_naming_no_possible_payout_is_an_invalid_row(tree, payout_id):
    from saleor_wfx_plugin.services.payouts.bulk import reconcile_bank_file

    data = f"payout_id,reference\n{payout_id},ICBC-0001\n".encode()

    [row] = reconcile_bank_file(data, actor="user:900")

    assert (row.line, row.outcome, row.error.code, row.error.field) == (
        2,
        "error",
        "invalid",
        "payout_id",
    )
