"""Who may do what: every staff operation refuses anonymous visitors, customers, distributors and
staff without the mapped Saleor permission (what distributors see: test_visibility_api.py)."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import CommissionRule, DistributorApplication, Grade
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    create_batch,
    request_payout,
)
from tests.services.helpers import staff_adjusts_balance

from .conftest import app, customer, permission_denied, staff

pytestmark = pytest.mark.django_db

ALL_PERMISSIONS = ("MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_PLUGINS")


def _ids(tree):
    a, _b, _c, d = tree
    application = DistributorApplication.objects.create(user_id="50", phone="+8613800000050")
    grade = Grade.objects.get(slug="ordinary")
    rule = CommissionRule.objects.create(scope="product", saleor_id="1", seller_rate=Decimal(5))
    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal(100), reason="x")
    payout = request_payout(
        d,
        currency="CNY",
        amount="50",
        payee=PayeeDetails("alipay", "丁", "13812345678", "", "11010519491231002X"),
        idempotency_key="perm",
        actor="user:4",
        program=ProgramSettings(),
    )
    exported = request_payout(
        d,
        currency="CNY",
        amount="20",
        payee=PayeeDetails("alipay", "丁", "13812345678", ""),
        idempotency_key="perm-batch",
        actor="user:4",
        program=ProgramSettings(),
    )
    approve_payout(exported, actor="user:900", program=ProgramSettings())
    batch, _ = create_batch(actor="user:900")
    return {
        "batch": to_global_id("PayoutBatch", batch.pk),
        "payout": to_global_id("Payout", payout.pk),
        "d": to_global_id("Distributor", d.pk),
        "a": to_global_id("Distributor", a.pk),
        "application": to_global_id("DistributorApplication", application.pk),
        "grade": to_global_id("Grade", grade.pk),
        "rule": to_global_id("CommissionRule", rule.pk),
    }


# (operation, required permission, GraphQL text with {placeholders} filled from _ids)
STAFF_OPERATIONS = [
    ("payouts", "HANDLE_PAYMENTS", "{ payouts(first: 5) { totalCount } }"),
    ("ledger", "HANDLE_PAYMENTS", '{ ledger(distributor: "{d}", first: 5) { totalCount } }'),
    ("payoutTransfersCsv", "HANDLE_PAYMENTS", "{ payoutTransfersCsv { rows } }"),
    ("taxRecordsCsv", "HANDLE_PAYMENTS", '{ taxRecordsCsv(month: "2026-11-01") { rows } }'),
    (
        "payoutApprove",
        "HANDLE_PAYMENTS",
        'mutation { payoutApprove(id: "{payout}") { errors { code } } }',
    ),
    (
        "payoutReject",
        "HANDLE_PAYMENTS",
        'mutation { payoutReject(id: "{payout}", reason: "x") { errors { code } } }',
    ),
    (
        "payoutMarkPaid",
        "HANDLE_PAYMENTS",
        'mutation { payoutMarkPaid(id: "{payout}", transferReference: "x") { errors { code } } }',
    ),
    ("payoutBatches", "HANDLE_PAYMENTS", "{ payoutBatches(first: 5) { totalCount } }"),
    ("payoutBatch", "HANDLE_PAYMENTS", '{ payoutBatch(id: "{batch}") { payoutCount } }'),
    ("taxExports", "HANDLE_PAYMENTS", "{ taxExports(first: 5) { totalCount } }"),
    (
        "payoutBatchCreate",
        "HANDLE_PAYMENTS",
        "mutation { payoutBatchCreate { errors { code } } }",
    ),
    (
        "payoutMarkFailed",
        "HANDLE_PAYMENTS",
        'mutation { payoutMarkFailed(id: "{payout}", reason: "x") { errors { code } } }',
    ),
    (
        "payoutBulkApprove",
        "HANDLE_PAYMENTS",
        'mutation { payoutBulkApprove(ids: ["{payout}"]) { errors { code } } }',
    ),
    (
        "balanceAdjust",
        "HANDLE_PAYMENTS",
        'mutation { balanceAdjust(distributor: "{d}", currency: "CNY", amount: "1", reason: "x") '
        "{ errors { code } } }",
    ),
    ("distributors", "MANAGE_USERS", "{ distributors(first: 5) { totalCount } }"),
    (
        "distributorSetIdentity",
        "MANAGE_USERS",
        'mutation { distributorSetIdentity(id: "{d}", legalName: "丁", '
        'idNumber: "110101199003071233", reason: "x") { errors { code } } }',
    ),
    ("applications", "MANAGE_USERS", "{ applications(first: 5) { totalCount } }"),
    (
        "distributorCreate",
        "MANAGE_USERS",
        'mutation { distributorCreate(input: {email: "n@example.com", phone: "13900000001"}) '
        "{ errors { code } } }",
    ),
    (
        "distributorApprove",
        "MANAGE_USERS",
        'mutation { distributorApprove(id: "{application}") { errors { code } } }',
    ),
    (
        "distributorReject",
        "MANAGE_USERS",
        'mutation { distributorReject(id: "{application}", reason: "no") { errors { code } } }',
    ),
    (
        "distributorSuspend",
        "MANAGE_USERS",
        'mutation { distributorSuspend(id: "{d}", reason: "x") { errors { code } } }',
    ),
    (
        "distributorReactivate",
        "MANAGE_USERS",
        'mutation { distributorReactivate(id: "{d}") { errors { code } } }',
    ),
    (
        "distributorSetGrade",
        "MANAGE_USERS",
        'mutation { distributorSetGrade(id: "{d}", grade: "{grade}", reason: "x") '
        "{ errors { code } } }",
    ),
    (
        "distributorSetUpline",
        "MANAGE_USERS",
        'mutation { distributorSetUpline(id: "{d}", reason: "x") { errors { code } } }',
    ),
    (
        "commissionRules",
        "MANAGE_PLUGINS",
        "{ commissionRules(first: 5) { totalCount } }",
    ),
    (
        "gradeCreate",
        "MANAGE_PLUGINS",
        'mutation { gradeCreate(input: {name: "Silver"}) { errors { code } } }',
    ),
    (
        "gradeUpdate",
        "MANAGE_PLUGINS",
        'mutation { gradeUpdate(id: "{grade}", input: {name: "Basic"}) { errors { code } } }',
    ),
    (
        "gradeDelete",
        "MANAGE_PLUGINS",
        'mutation { gradeDelete(id: "{grade}") { errors { code } } }',
    ),
    (
        "commissionRuleCreate",
        "MANAGE_PLUGINS",
        'mutation { commissionRuleCreate(input: {scope: CATEGORY, target: "Q2F0ZWdvcnk6Mw==", '
        'sellerRate: "3"}) { errors { code } } }',
    ),
    (
        "commissionRuleUpdate",
        "MANAGE_PLUGINS",
        'mutation { commissionRuleUpdate(id: "{rule}", input: {sellerRate: "4"}) '
        "{ errors { code } } }",
    ),
    (
        "commissionRuleDelete",
        "MANAGE_PLUGINS",
        'mutation { commissionRuleDelete(id: "{rule}") { errors { code } } }',
    ),
]


def _fill(text, ids):
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return text


def _viewers_without(permission):
    others = [p for p in ALL_PERMISSIONS if p != permission]
    return {
        "anonymous": None,
        "customer": customer("60"),
        "distributor": customer("4", "d@example.com"),
        "staff without permissions": staff(),
        "staff with every other permission": staff(*others),
        "app with every other permission": app(*others),
    }


@pytest.mark.parametrize(
    ("operation", "permission", "text"), STAFF_OPERATIONS, ids=[op[0] for op in STAFF_OPERATIONS]
)
def test_staff_operations_refuse_everyone_without_the_permission(
    api, tree, operation, permission, text
):
    query = _fill(text, _ids(tree))
    for who, viewer in _viewers_without(permission).items():
        body = api(query, viewer=viewer)
        assert permission_denied(body), (operation, who, body)
        assert body["data"][operation] is None, (operation, who)


@pytest.mark.parametrize(
    ("operation", "permission", "text"), STAFF_OPERATIONS, ids=[op[0] for op in STAFF_OPERATIONS]
)
def test_staff_operations_run_for_staff_and_apps_with_the_permission(
    api, tree, operation, permission, text
):
    query = _fill(text, _ids(tree))
    # Files of accounts are for staff users only (tests/api/test_duties_api.py); the writes an
    # app may not do answer STAFF_ONLY in the payload, not a permission error.
    viewers = [staff(permission)]
    if operation not in STAFF_USER_ONLY_READS:
        viewers.append(app(permission))
    for viewer in viewers:
        body = api(query, viewer=viewer)
        assert not permission_denied(body), body
        assert body["data"][operation] is not None


STAFF_USER_ONLY_READS = {"payoutTransfersCsv", "taxRecordsCsv"}


def test_the_import_needs_manage_users(api, tree):
    import io

    mutation = "mutation($file: Upload!) { distributorImport(file: $file) { errors { code } } }"
    for viewer, denied in ((customer("4", "d@example.com"), True), (staff("MANAGE_USERS"), False)):
        upload = io.BytesIO(b"email,phone\nz@example.com,13800000009\n")
        upload.name = "x.csv"
        body = api(mutation, {"file": None}, viewer=viewer, files={"0": ("variables.file", upload)})
        assert permission_denied(body) is denied


def test_the_withholding_return_is_for_staff_users_with_handle_payments_only(api, tree):
    mutation = 'mutation { taxWithholdingExport(month: "2020-01-01") { errors { code } } }'
    # Full ID numbers: a person answers for each download, so not even an app with the
    # permission gets it.
    for viewer in (*_viewers_without("HANDLE_PAYMENTS").values(), app("HANDLE_PAYMENTS")):
        body = api(mutation, viewer=viewer)
        assert permission_denied(body) and body["data"]["taxWithholdingExport"] is None
    done = api.ok(mutation, viewer=staff("HANDLE_PAYMENTS"))
    assert done["taxWithholdingExport"] == {"errors": []}


def test_the_banks_reconciliation_file_needs_handle_payments(api, tree):
    import io

    mutation = "mutation($file: Upload!) { payoutBulkMarkPaid(file: $file) { errors { code } } }"
    for viewer, denied in (
        (customer("4", "d@example.com"), True),
        (staff(*[p for p in ALL_PERMISSIONS if p != "HANDLE_PAYMENTS"]), True),
        (staff("HANDLE_PAYMENTS"), False),
        (app("HANDLE_PAYMENTS"), False),
    ):
        upload = io.BytesIO(b"payout_id,reference\n1,R\n")
        upload.name = "bank.csv"
        body = api(mutation, {"file": None}, viewer=viewer, files={"0": ("variables.file", upload)})
        assert permission_denied(body) is denied, body
