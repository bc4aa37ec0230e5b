"""Personal data through the API: staff with MANAGE_USERS erase a departed distributor's data,
with the refusals as mutation errors; a deleted document's link stops working."""

import io
from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.domain.masking import ERASED
from saleor_wfx_plugin.models import Distributor, DistributorApplication
from saleor_wfx_plugin.services.distributors import suspend_distributor
from tests.services.helpers import staff_adjusts_balance

from .conftest import customer, permission_denied, staff
from .test_lifecycle_api import APPLY, APPROVE, tiny_png

pytestmark = pytest.mark.django_db

REVIEWER = staff("MANAGE_USERS")
CASHIER = staff("HANDLE_PAYMENTS")
ALICE = customer("11", "alice@example.com")

ERASE = """
mutation Erase($id: ID!, $reason: String!) {
  distributorErasePersonalData(id: $id, reason: $reason) {
    distributor { code name email phone userId erasedAt status }
    event { kind actor reason data }
    errors { field code message }
  }
}"""

DOCUMENTS = "{ applications(first: 5) { edges { node { name documents { url fileDeletedAt } } } } }"


@pytest.fixture
def departed(api):
    """Alice applied with her ID card, was approved, and has left (suspended)."""
    upload = io.BytesIO(tiny_png())
    upload.name = "alice id.png"
    applied = api(
        APPLY,
        {
            "input": {
                "phone": "13812345678",
                "name": "Alice Wang",
                "documents": [{"kind": "ID_CARD", "file": None}],
            }
        },
        viewer=ALICE,
        files={"0": ("variables.input.documents.0.file", upload)},
    )["data"]["distributorApply"]
    api.ok(APPROVE, {"id": applied["application"]["id"]}, viewer=REVIEWER)
    distributor = Distributor.objects.get(user_id="11")
    suspend_distributor(distributor, actor="user:900", reason="left the programme")
    return distributor


def erase(api, distributor, viewer=REVIEWER, reason="She asked to be forgotten."):
    return api(
        ERASE, {"id": to_global_id("Distributor", distributor.pk), "reason": reason}, viewer=viewer
    )


def test_staff_erase_and_the_document_link_stops_working(
    api, client, departed, django_capture_on_commit_callbacks
):
    [node] = api.ok(DOCUMENTS, viewer=REVIEWER)["applications"]["edges"]
    link = node["node"]["documents"][0]["url"].replace("http://testserver", "")
    assert client.get(link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        result = erase(api, departed)["data"]["distributorErasePersonalData"]

    assert result["errors"] == []
    erased = result["distributor"]
    assert (erased["name"], erased["email"], erased["phone"], erased["userId"]) == (
        ERASED,
        "",
        ERASED,
        None,
    )
    assert erased["code"] == departed.code and erased["erasedAt"] is not None
    assert result["event"]["kind"] == "ERASED"
    assert result["event"]["actor"] == "user:900"
    assert '"documents": 1' in result["event"]["data"]
    [node] = api.ok(DOCUMENTS, viewer=REVIEWER)["applications"]["edges"]
    assert node["node"]["name"] == ERASED
    [document] = node["node"]["documents"]
    assert document["url"] is None and document["fileDeletedAt"] is not None
    gone = client.get(link)
    assert gone.status_code == 410
    assert b"deleted" in gone.content


def test_only_staff_who_manage_distributors_may_erase(api, departed):
    assert permission_denied(erase(api, departed, viewer=CASHIER))
    assert permission_denied(erase(api, departed, viewer=ALICE))
    assert Distributor.objects.get(pk=departed.pk).erased_at is None


def test_a_refusal_is_a_mutation_error_and_erases_nothing(api, departed):
    staff_adjusts_balance(
        distributor_id=departed.pk,
        currency="CNY",
        amount=Decimal("12.34"),
        actor="user:900",
        reason="goodwill",
    )
    result = erase(api, departed)["data"]["distributorErasePersonalData"]
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("BALANCE_NOT_SETTLED", None)
    assert "12.34 CNY available" in error["message"]
    assert result["distributor"] is None
    assert DistributorApplication.objects.get().name == "Alice Wang"
    assert Distributor.objects.get(pk=departed.pk).email == "alice@example.com"


def test_a_reason_is_required(api, departed):
    result = erase(api, departed, reason="  ")["data"]["distributorErasePersonalData"]
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("REASON_REQUIRED", "reason")]
