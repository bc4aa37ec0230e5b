"""The distributor lifecycle through the API: apply → approve → me, reject, suspend, grades,
upline, staff creation and import."""

import io
import struct
import zlib

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    DistributorEvent,
    Grade,
)

from .conftest import customer, staff

pytestmark = pytest.mark.django_db

REVIEWER = staff("MANAGE_USERS")
ALICE = customer("11", "alice@example.com")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


APPLY = """
mutation Apply($input: DistributorApplyInput!) {
  distributorApply(input: $input) {
    application { id status phone inviteCode documents { kind contentType size url } }
    errors { field message code }
  }
}"""

APPROVE = """
mutation Approve($id: ID!) {
  distributorApprove(id: $id) {
    application { status reviewedBy }
    distributor { id code status grade { slug } }
    errors { field code message }
  }
}"""

ME = """
query {
  me {
    application { status rejectionReason }
    distributor { code status }
    referralLink(next: "/products/serum")
    team { directCount indirectCount members(first: 10) { totalCount edges { node {
      level maskedName maskedPhone } } } }
    earnings { net { amount currency } }
  }
}"""


def apply(api, viewer=ALICE, **input):
    input.setdefault("phone", "138 1234 5678")
    return api(APPLY, {"input": input}, viewer=viewer)["data"]["distributorApply"]


def test_apply_approve_then_me_shows_the_code_and_link(api, tree):
    applied = apply(api, inviteCode="aaa111")
    assert applied["errors"] == []
    assert applied["application"]["status"] == "PENDING"
    assert applied["application"]["phone"] == "+8613812345678"

    me = api.ok(ME, viewer=ALICE)["me"]
    assert me["application"]["status"] == "PENDING"
    assert me["distributor"] is None and me["referralLink"] is None

    approved = api.ok(APPROVE, {"id": applied["application"]["id"]}, viewer=REVIEWER)
    code = approved["distributorApprove"]["distributor"]["code"]
    assert approved["distributorApprove"]["distributor"]["status"] == "ACTIVE"
    assert approved["distributorApprove"]["distributor"]["grade"]["slug"] == "ordinary"
    assert approved["distributorApprove"]["application"]["reviewedBy"] == "user:900"

    me = api.ok(ME, viewer=ALICE)["me"]
    assert me["distributor"] == {"code": code, "status": "ACTIVE"}
    assert me["referralLink"] == (
        f"http://testserver/plugins/global/wfx.distribution/r/{code}?next=/products/serum"
    )
    # The invite code made AAA111 the upline.
    assert Distributor.objects.get(code=code).upline.code == "AAA111"


def test_approving_twice_reports_already_reviewed_and_creates_one_distributor(api):
    application_id = apply(api)["application"]["id"]
    api.ok(APPROVE, {"id": application_id}, viewer=REVIEWER)
    again = api(APPROVE, {"id": application_id}, viewer=REVIEWER)["data"]["distributorApprove"]
    assert [error["code"] for error in again["errors"]] == ["ALREADY_REVIEWED"]
    assert Distributor.objects.filter(user_id="11").count() == 1


def test_rejection_reason_reaches_the_applicant(api):
    application_id = apply(api)["application"]["id"]
    rejected = api.ok(
        """mutation($id: ID!) { distributorReject(id: $id, reason: "ID photo unreadable") {
             application { status } errors { code } } }""",
        {"id": application_id},
        viewer=REVIEWER,
    )
    assert rejected["distributorReject"]["application"]["status"] == "REJECTED"
    me = api.ok(ME, viewer=ALICE)["me"]
    assert me["application"] == {"status": "REJECTED", "rejectionReason": "ID photo unreadable"}


def test_bad_input_is_reported_with_field_and_code_and_saves_nothing(api):
    bad_phone = apply(api, phone="12345")
    assert bad_phone["errors"] == [
        {"field": "phone", "message": bad_phone["errors"][0]["message"], "code": "INVALID_PHONE"}
    ]
    bad_invite = apply(api, inviteCode="NOPE999")
    assert [(e["field"], e["code"]) for e in bad_invite["errors"]] == [
        ("inviteCode", "INVALID_INVITE_CODE")
    ]
    assert DistributorApplication.objects.count() == 0


def test_applying_twice_keeps_one_pending_application(api):
    assert apply(api)["errors"] == []
    second = apply(api)
    assert [error["code"] for error in second["errors"]] == ["APPLICATION_PENDING"]
    assert DistributorApplication.objects.filter(user_id="11").count() == 1


def test_documents_upload_with_the_multipart_convention_and_only_staff_get_links(api, client):
    upload = io.BytesIO(tiny_png())
    upload.name = "my id.png"
    body = api(
        APPLY,
        {"input": {"phone": "13812345678", "documents": [{"kind": "ID_CARD", "file": None}]}},
        viewer=ALICE,
        files={"0": ("variables.input.documents.0.file", upload)},
    )
    applied = body["data"]["distributorApply"]
    assert applied["errors"] == []
    [document] = applied["application"]["documents"]
    assert document["contentType"] == "image/png"
    assert document["url"] is None  # the applicant does not get a download link

    listed = api.ok(
        "{ applications(first: 5) { edges { node { documents { url } } } } }", viewer=REVIEWER
    )
    url = listed["applications"]["edges"][0]["node"]["documents"][0]["url"]
    downloaded = client.get(url.replace("http://testserver", ""))
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == tiny_png()
    assert downloaded["Cache-Control"] == "private, no-store"

    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert client.get(tampered.replace("http://testserver", "")).status_code == 404
    assert ApplicationDocument.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused(api):
    upload = io.BytesIO(b"MZ\x90\x00 this is a windows program")
    upload.name = "licence.png"
    body = api(
        APPLY,
        {"input": {"phone": "13812345678", "documents": [{"kind": "ID_CARD", "file": None}]}},
        viewer=ALICE,
        files={"0": ("variables.input.documents.0.file", upload)},
    )
    errors = body["data"]["distributorApply"]["errors"]
    assert [error["code"] for error in errors] == ["INVALID_DOCUMENT_TYPE"]
    assert DistributorApplication.objects.count() == 0


def test_auto_approve_makes_an_active_distributor_at_once(api, program):
    program(auto_approve_applications="true")
    applied = apply(api)
    assert applied["application"]["status"] == "APPROVED"
    assert api.ok(ME, viewer=ALICE)["me"]["distributor"]["status"] == "ACTIVE"


SUSPEND = """mutation($id: ID!, $reason: String!) { distributorSuspend(id: $id, reason: $reason) {
  distributor { status statusReason } errors { field code } } }"""
REACTIVATE = """mutation($id: ID!) { distributorReactivate(id: $id, reason: "cleared") {
  distributor { status } errors { code } } }"""


def test_suspend_and_reactivate_are_recorded_with_who_and_why(api, tree):
    _, _, _, d = tree
    d_id = to_global_id("Distributor", d.pk)
    no_reason = api(SUSPEND, {"id": d_id, "reason": " "}, viewer=REVIEWER)
    assert no_reason["data"]["distributorSuspend"]["errors"] == [
        {"field": "reason", "code": "REASON_REQUIRED"}
    ]
    suspended = api.ok(SUSPEND, {"id": d_id, "reason": "fake reviews"}, viewer=REVIEWER)
    assert suspended["distributorSuspend"]["distributor"] == {
        "status": "SUSPENDED",
        "statusReason": "fake reviews",
    }
    api.ok(REACTIVATE, {"id": d_id}, viewer=REVIEWER)
    events = list(
        DistributorEvent.objects.filter(distributor=d)
        .exclude(kind=DistributorEvent.Kind.CREATED)
        .order_by("id")
        .values_list("kind", "actor", "reason")
    )
    assert events == [
        ("suspended", "user:900", "fake reviews"),
        ("reactivated", "user:900", "cleared"),
    ]


def test_staff_grade_override_is_recorded_and_locks_the_grade(api, tree, gold):
    _, _, _, d = tree
    data = api.ok(
        """mutation($id: ID!, $grade: ID!) { distributorSetGrade(id: $id, grade: $grade,
             reason: "top seller at the fair") {
             distributor { grade { slug } gradeLocked } errors { code } } }""",
        {"id": to_global_id("Distributor", d.pk), "grade": to_global_id("Grade", gold.pk)},
        viewer=REVIEWER,
    )
    assert data["distributorSetGrade"]["distributor"] == {
        "grade": {"slug": "gold"},
        "gradeLocked": True,
    }
    event = DistributorEvent.objects.get(distributor=d, kind=DistributorEvent.Kind.GRADE_CHANGED)
    assert (event.actor, event.reason) == ("user:900", "top seller at the fair")


def test_upline_change_refuses_a_cycle(api, tree):
    a, _, _, d = tree
    body = api(
        """mutation($id: ID!, $upline: ID) { distributorSetUpline(id: $id, upline: $upline,
             reason: "merge teams") { distributor { code } errors { field code } } }""",
        {"id": to_global_id("Distributor", a.pk), "upline": to_global_id("Distributor", d.pk)},
        viewer=REVIEWER,
    )
    assert body["data"]["distributorSetUpline"]["errors"] == [
        {"field": "upline", "code": "UPLINE_CYCLE"}
    ]
    a.refresh_from_db()
    assert a.upline is None


def test_staff_create_distributor_and_duplicate_code(api, tree):
    create = """mutation($input: DistributorCreateInput!) { distributorCreate(input: $input) {
        distributor { code status upline { code } } errors { field code } } }"""
    data = api.ok(
        create,
        {
            "input": {
                "email": "seed@example.com",
                "phone": "13900001111",
                "code": "seed01",
                "uplineCode": "AAA111",
            }
        },
        viewer=REVIEWER,
    )
    assert data["distributorCreate"]["distributor"] == {
        "code": "SEED01",
        "status": "ACTIVE",
        "upline": {"code": "AAA111"},
    }
    again = api(
        create,
        {"input": {"email": "seed2@example.com", "phone": "13900001112", "code": "SEED01"}},
        viewer=REVIEWER,
    )
    assert [e["code"] for e in again["data"]["distributorCreate"]["errors"]] == ["UNIQUE"]


def test_import_dry_run_reports_rows_and_commit_creates(api, tree):
    csv = b"email,phone,upline_code,grade\nx@example.com,13800000001,AAA111,\nbad,1,ZZZ,\n"
    mutation = """mutation($file: Upload!, $dryRun: Boolean) {
      distributorImport(file: $file, dryRun: $dryRun) {
        report { rows valid created dryRun rowErrors { line field code } }
        errors { field code } } }"""
    upload = io.BytesIO(csv)
    upload.name = "team.csv"
    body = api(
        mutation,
        {"file": None, "dryRun": False},
        viewer=REVIEWER,
        files={"f": ("variables.file", upload)},
    )
    result = body["data"]["distributorImport"]
    assert result["errors"] == [{"field": "file", "code": "INVALID_FILE"}]
    assert result["report"]["created"] == 0
    assert {(e["line"], e["field"]) for e in result["report"]["rowErrors"]} >= {
        (3, "email"),
        (3, "phone"),
        (3, "upline_code"),
    }
    assert not Distributor.objects.filter(email="x@example.com").exists()

    good = io.BytesIO(csv.rsplit(b"\n", 2)[0] + b"\n")
    good.name = "team.csv"
    committed = api.ok(
        mutation,
        {"file": None, "dryRun": False},
        viewer=REVIEWER,
        files={"f": ("variables.file", good)},
    )
    assert committed["distributorImport"]["report"]["created"] == 1
    assert Distributor.objects.get(email="x@example.com").upline.code == "AAA111"


GRADE_CREATE = """mutation($input: GradeInput!) { gradeCreate(input: $input) {
  grade { id slug sellerRate upgradeMinSales { amount currency } } errors { field code } } }"""


def test_grades_are_managed_by_plugin_managers(api, tree):
    manager = staff("MANAGE_PLUGINS")
    created = api.ok(
        GRADE_CREATE,
        {
            "input": {
                "name": "Diamond",
                "rank": 5,
                "sellerRate": "25",
                "upgradeMinSales": "50000",
                "upgradeCurrency": "cny",
            }
        },
        viewer=manager,
    )["gradeCreate"]["grade"]
    assert created["slug"] == "diamond"
    assert created["sellerRate"] == "25"
    assert created["upgradeMinSales"] == {"amount": "50000.00", "currency": "CNY"}

    no_currency = api(
        GRADE_CREATE,
        {"input": {"name": "Silver", "upgradeMinSales": "100"}},
        viewer=manager,
    )["data"]["gradeCreate"]["errors"]
    assert no_currency == [{"field": "upgradeCurrency", "code": "REQUIRED"}]

    bad_rate = api(
        GRADE_CREATE, {"input": {"name": "Silver", "sellerRate": "101"}}, viewer=manager
    )["data"]["gradeCreate"]["errors"]
    assert bad_rate == [{"field": "sellerRate", "code": "INVALID"}]

    ordinary = Grade.objects.get(slug="ordinary")
    Distributor.objects.update(grade=ordinary)
    in_use = api(
        "mutation($id: ID!) { gradeDelete(id: $id) { errors { code } } }",
        {"id": to_global_id("Grade", ordinary.pk)},
        viewer=manager,
    )["data"]["gradeDelete"]["errors"]
    assert in_use == [{"code": "GRADE_IN_USE"}]
    deleted = api.ok(
        "mutation($id: ID!) { gradeDelete(id: $id) { grade { slug } errors { code } } }",
        {"id": created["id"]},
        viewer=manager,
    )
    assert deleted["gradeDelete"]["grade"]["slug"] == "diamond"
    assert not Grade.objects.filter(slug="diamond").exists()


def test_commission_rules_take_saleor_ids(api):
    manager = staff("MANAGE_PLUGINS")
    product = to_global_id("Product", 72)
    create = """mutation($input: CommissionRuleCreateInput!) { commissionRuleCreate(input: $input)
      { rule { id scope target sellerRate } errors { field code } } }"""
    rule = api.ok(
        create,
        {"input": {"scope": "PRODUCT", "target": product, "sellerRate": "12.5"}},
        viewer=manager,
    )["commissionRuleCreate"]["rule"]
    assert rule["target"] == product and rule["sellerRate"] == "12.5"
    wrong_type = api(
        create,
        {"input": {"scope": "PRODUCT", "target": to_global_id("Category", 3), "sellerRate": "1"}},
        viewer=manager,
    )["data"]["commissionRuleCreate"]["errors"]
    assert wrong_type == [{"field": "target", "code": "INVALID"}]
    updated = api.ok(
        """mutation($id: ID!) { commissionRuleUpdate(id: $id, input: {sellerRate: "8"}) {
             rule { sellerRate } errors { code } } }""",
        {"id": rule["id"]},
        viewer=manager,
    )
    assert updated["commissionRuleUpdate"]["rule"]["sellerRate"] == "8"
    api.ok(
        "mutation($id: ID!) { commissionRuleDelete(id: $id) { errors { code } } }",
        {"id": rule["id"]},
        viewer=manager,
    )
    listed = api.ok("{ commissionRules(first: 5) { totalCount } }", viewer=manager)
    assert listed["commissionRules"]["totalCount"] == 0
