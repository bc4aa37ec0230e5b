"""Personal data inside a real Saleor: a Saleor customer's resident ID stored encrypted, staff
erasing the departed distributor through Saleor's plugin route (Saleor's own account left to
Saleor), and document retention reading the period saved with `pluginUpdate`, also while the
plugin is switched off."""

import io

import pytest
from django.db import connection

from . import require_saleor

require_saleor()

from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin import encryption  # noqa: E402
from saleor_wfx_plugin.domain.masking import ERASED  # noqa: E402
from saleor_wfx_plugin.models import ApplicationDocument, Distributor, TaxIdentity  # noqa: E402
from saleor_wfx_plugin.plugin import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.tasks import purge_expired_documents_task  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402
from .test_api_in_saleor import APPLY, tiny_png  # noqa: E402

# The API tier's fixtures: the plugin's route, Saleor's own tokens.
plugin_api = api_tier.plugin_api
reviewer_token = api_tier.reviewer_token
sign_in = api_tier.sign_in
wfx_configuration = api_tier.wfx_configuration

ID_NUMBER = "11010519491231002X"
APPROVE_WITH_ID = """
mutation ($id: ID!, $idNumber: String) {
  distributorApprove(id: $id, idNumber: $idNumber, legalName: "王小明") {
    distributor { id code }
    errors { field code message }
  }
}
"""
SUSPEND = """
mutation ($id: ID!) {
  distributorSuspend(id: $id, reason: "left the programme") { errors { code } }
}
"""
ERASE = """
mutation ($id: ID!) {
  distributorErasePersonalData(id: $id, reason: "asked to be forgotten") {
    distributor { name email phone userId erasedAt }
    event { kind data }
    errors { field code message }
  }
}
"""
PLUGIN_UPDATE = """
mutation ($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) { plugin { id } errors { field code } }
}
"""


@pytest.fixture
def applicant(plugin_api, customer_user, sign_in):
    """The Saleor customer applied with a photo of their ID card."""
    upload = io.BytesIO(tiny_png())
    upload.name = "id.png"
    applied = plugin_api.ok(
        APPLY,
        {
            "input": {
                "phone": "13812345678",
                "name": "王小明",
                "documents": [{"kind": "ID_CARD", "file": None}],
            }
        },
        token=sign_in(customer_user),
        files={"0": ("variables.input.documents.0.file", upload)},
    )["distributorApply"]["application"]
    return applied["id"]


def wfx_tables_text():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(row_to_json(t)::text, ' ') FROM wfx_taxidentity t "
            "UNION ALL SELECT string_agg(row_to_json(d)::text, ' ') FROM wfx_distributor d "
            "UNION ALL SELECT string_agg(row_to_json(a)::text, ' ') "
            "FROM wfx_distributorapplication a"
        )
        return " ".join(row[0] or "" for row in cursor.fetchall())


def test_the_id_is_encrypted_and_erasure_leaves_saleors_account_to_saleor(
    plugin_api,
    applicant,
    reviewer_token,
    customer_user,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    approved = plugin_api.ok(
        APPROVE_WITH_ID, {"id": applicant, "idNumber": ID_NUMBER}, token=reviewer_token
    )["distributorApprove"]["distributor"]
    [identity] = TaxIdentity.objects.all()
    assert encryption.decrypt(identity.id_number_ciphertext) == ID_NUMBER
    assert ID_NUMBER not in wfx_tables_text()
    plugin_api.ok(SUSPEND, {"id": approved["id"]}, token=reviewer_token)
    [document] = ApplicationDocument.objects.all()
    stored = tmp_path / "private" / document.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = plugin_api.ok(ERASE, {"id": approved["id"]}, token=reviewer_token)

    erased = result["distributorErasePersonalData"]["distributor"]
    assert (erased["name"], erased["email"], erased["phone"], erased["userId"]) == (
        ERASED,
        "",
        ERASED,
        None,
    )
    assert result["distributorErasePersonalData"]["event"]["kind"] == "ERASED"
    assert not stored.exists()
    text = wfx_tables_text()
    assert "王小明" not in text and "13812345678" not in text and customer_user.email not in text
    assert Distributor.objects.get(code=approved["code"]).erased_at is not None
    # Saleor's customer account is Saleor's to delete (customerDelete): untouched.
    email = customer_user.email
    customer_user.refresh_from_db()
    assert customer_user.email == email and customer_user.is_active


def test_retention_reads_pluginupdate_and_runs_while_the_plugin_is_off(
    plugin_api, applicant, reviewer_token, staff_api_client, permission_manage_plugins, tmp_path
):
    plugin_api.ok(APPROVE_WITH_ID, {"id": applicant, "idNumber": None}, token=reviewer_token)
    [document] = ApplicationDocument.objects.all()
    stored = tmp_path / "private" / document.file.name
    # 180 days by default: a document approved today stays.
    assert purge_expired_documents_task() == {"deleted": 0, "failed": 0}
    assert stored.exists()

    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    errors = get_graphql_content(
        staff_api_client.post_graphql(
            PLUGIN_UPDATE,
            {
                "id": PLUGIN_ID,
                "input": {
                    "active": False,
                    "configuration": [{"name": "document_retention_days", "value": "0"}],
                },
            },
        )
    )["data"]["pluginUpdate"]["errors"]
    assert errors == []

    assert purge_expired_documents_task() == {"deleted": 1, "failed": 0}
    assert not stored.exists()
    document.refresh_from_db()
    assert (document.file.name, document.file_deletion_reason) == ("", "retention")
    assert purge_expired_documents_task() == {"deleted": 0, "failed": 0}


def test_a_retention_period_outside_0_to_3650_is_refused_on_that_field(
    wfx_configuration, staff_api_client, permission_manage_plugins
):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    errors = get_graphql_content(
        staff_api_client.post_graphql(
            PLUGIN_UPDATE,
            {
                "id": PLUGIN_ID,
                "input": {"configuration": [{"name": "document_retention_days", "value": "-5"}]},
            },
        )
    )["data"]["pluginUpdate"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [
        ("documentRetentionDays", "INVALID")
    ]
