"""Payouts to the bank in batches inside a real Saleor: finance staff signed in with Saleor's own
tokens approve in bulk, export a batch, and upload the bank's reconciliation file through
Saleor's plugin route (a multipart upload); the seller's balances follow. The withholding
return, which carries full ID numbers, is refused to a Saleor app even with HANDLE_PAYMENTS."""

import csv
import io
import json
from decimal import Decimal

from . import require_saleor

require_saleor()

from freezegun import freeze_time  # noqa: E402
from graphql_relay import from_global_id  # noqa: E402
from saleor.app.models import AppToken  # noqa: E402

from saleor_wfx_plugin.services.ledger import settle_due  # noqa: E402

from . import test_money_in_saleor as money_tier  # noqa: E402

# The money tier's fixtures: its programme settings (flat 20 % tax on USD), its seller, sign-ins
# and shipping.
wfx_money = money_tier.wfx_money
wfx_payouts = money_tier.wfx_payouts
referred_seller = money_tier.referred_seller
seller_api = money_tier.seller_api
cashier_api = money_tier.cashier_api
fulfil = money_tier.fulfil
storefront_checkout = money_tier.storefront_checkout

GRAPHQL_URL = money_tier.GRAPHQL_URL
BULK_APPROVE = """
mutation ($ids: [ID!]!) {
  payoutBulkApprove(ids: $ids) { results { line outcome errors { code } } errors { code } }
}
"""
BATCH_CREATE = """
mutation { payoutBatchCreate { batch { id payoutCount } export { rows content } errors { code } } }
"""
RECONCILE = """
mutation ($file: Upload!) {
  payoutBulkMarkPaid(file: $file) {
    results { line outcome payout { status transferReference } errors { field code } }
    errors { field code }
  }
}
"""
WITHHOLDING = """
mutation { taxWithholdingExport(month: "2030-03-01") { errors { field code } } }
"""


def upload(signed_in, query, text):
    """A multipart request (the GraphQL multipart request spec) with a fresh Saleor token."""
    token = money_tier.get_graphql_content(
        signed_in.api_client.post_graphql(
            money_tier.TOKEN_CREATE, {"email": signed_in.user.email, "password": "password"}
        )
    )["data"]["tokenCreate"]["token"]
    file = io.BytesIO(text.encode())
    file.name = "bank.csv"
    response = signed_in.client.post(
        GRAPHQL_URL,
        data={
            "operations": json.dumps({"query": query, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": file,
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_a_batch_goes_to_the_bank_and_the_banks_file_settles_it(
    referred_seller, storefront_checkout, fulfil, seller_api, cashier_api, client, app
):
    # Given a referred order whose 2.00 commission is out of the hold.
    with freeze_time(money_tier.THURSDAY):
        order, _, _ = storefront_checkout([("referral_code", "SEL111")])
    with freeze_time(money_tier.FRIDAY_MORNING_IN_SHANGHAI):
        fulfil(order)
    settle_due(now=money_tier.WEDNESDAY_BEGINS_IN_SHANGHAI)

    with freeze_time(money_tier.PAYOUT_DAY):
        # When the seller asks for it in two payouts of 1.00 and finance approve both at once.
        ids = []
        for key, amount in (("one", "1.00"), ("two", "1.00")):
            requested = money_tier.request_payout(seller_api, amount, key)
            assert requested["errors"] == []
            ids.append(requested["payout"]["id"])
        approved = cashier_api(BULK_APPROVE, {"ids": ids})["payoutBulkApprove"]
        assert [r["outcome"] for r in approved["results"]] == ["APPROVED", "APPROVED"]

        # And export them for the bank: one batch, once.
        made = cashier_api(BATCH_CREATE)["payoutBatchCreate"]
        assert (made["errors"], made["batch"]["payoutCount"], made["export"]["rows"]) == ([], 2, 2)
        rows = list(csv.DictReader(io.StringIO(made["export"]["content"])))
        # Flat 20 % withheld: 0.80 each to transfer, to the full account.
        assert [(r["account"], r["amount"]) for r in rows] == [("13812345678", "0.80")] * 2
        assert cashier_api(BATCH_CREATE)["payoutBatchCreate"]["errors"] == [
            {"code": "NOTHING_TO_EXPORT"}
        ]

        # Then the bank's file pays one and returns the other.
        one, two = (from_global_id(global_id)[1] for global_id in ids)
        bank_file = (
            f"payout_id,reference,status,reason\n{one},ALI-0306-0001,paid,\n"
            f"{two},,failed,收款账户不存在\n"
        )
        answered = upload(cashier_api, RECONCILE, bank_file)["payoutBulkMarkPaid"]
        assert [(r["line"], r["outcome"], r["errors"]) for r in answered["results"]] == [
            (2, "PAID", []),
            (3, "FAILED", []),
        ]
        money = seller_api.balance()
        assert (money["paid"], money["tax"], money["available"], money["reserved"]) == (
            Decimal("0.80"),
            Decimal("0.20"),
            Decimal("1.00"),  # the failed payout's money is back
            Decimal("0.00"),
        )
        # The same file again changes nothing.
        again = upload(cashier_api, RECONCILE, bank_file)["payoutBulkMarkPaid"]
        assert {r["outcome"] for r in again["results"]} == {"UNCHANGED"}

        # The withholding return: staff may (the month is not over yet), an app may not.
        assert cashier_api(WITHHOLDING)["taxWithholdingExport"]["errors"] == [
            {"field": "month", "code": "MONTH_NOT_OVER"}
        ]
        app.permissions.add(cashier_api.user.user_permissions.get())
        _, raw_token = AppToken.objects.create(app=app, name="wfx")
        refused = client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": WITHHOLDING}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_token}",
        ).json()
        assert refused["data"]["taxWithholdingExport"] is None
        assert refused["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
