"""How requests reach the API: a GET only ever reads, and uploads are capped while they stream
in, before a byte more than the cap is held anywhere."""

import io
import json

import pytest
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from graphql_relay import to_global_id

from saleor_wfx_plugin.graphql.uploads import CappedUploadHandler
from saleor_wfx_plugin.models import ApplicationDocument, DistributorApplication
from saleor_wfx_plugin.sandbox.auth import issue_token

from ..services.helpers import photo
from .conftest import GRAPHQL_URL, customer, staff

pytestmark = pytest.mark.django_db

ALICE = customer("50", "alice@example.com")
APPLY = """mutation($input: DistributorApplyInput!) { distributorApply(input: $input) {
    application { status } errors { field code } } }"""


def test_a_get_never_runs_a_mutation_even_when_named_beside_a_query(client, api, tree):
    token = issue_token(staff("MANAGE_USERS"))
    target = to_global_id("Distributor", tree[0].pk)
    document = f"""query A {{ grades {{ slug }} }}
        mutation B {{ distributorSuspend(id: "{target}", reason: "x") {{ errors {{ code }} }} }}"""

    refused = client.get(
        GRAPHQL_URL,
        {"query": document, "operationName": "B"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert (error["message"], error["extensions"]["code"]) == (
        "Mutations need POST.",
        "MethodNotAllowed",
    )
    tree[0].refresh_from_db()
    assert tree[0].status == "active"
    answered = client.get(
        GRAPHQL_URL, {"query": document, "operationName": "A"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert [grade["slug"] for grade in answered.json()["data"]["grades"]] == [
        "ordinary",
        "gold",
        "partner",
    ]


def _apply_with(client, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "id.png"
    operations = {
        "query": APPLY,
        "variables": {
            "input": {"phone": "13812345678", "documents": [{"kind": "ID_CARD", "file": None}]}
        },
    }
    return client.post(
        GRAPHQL_URL,
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.documents.0.file"]}),
            "0": upload,
        },
        HTTP_AUTHORIZATION=f"Bearer {issue_token(ALICE)}",
    )


def test_an_upload_over_the_cap_is_refused_before_it_is_read(client, api, settings):
    settings.WFX_MAX_UPLOAD_BYTES = 10_000
    picture = photo("PNG")
    padded = picture + bytes(10_001 - len(picture))

    response = _apply_with(client, padded)

    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RequestTooLarge"
    assert "over 10,000 bytes" in error["message"]
    assert not DistributorApplication.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert _apply_with(client, picture).json()["data"]["distributorApply"]["errors"] == []


def test_the_cap_stops_a_body_longer_than_announced_while_it_streams():
    # What a client that lies about Content-Length meets: the handler stops the parser at the
    # cap, and no handler behind it receives the rest.
    body = encode_multipart(BOUNDARY, {"0": io.BytesIO(bytes(300_000)), "operations": "{}"})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    capped = CappedUploadHandler(None, limit=100_000)
    behind = _CountingHandler()

    _, files = MultiPartParser(meta, io.BytesIO(body), [capped, behind]).parse()

    assert capped.exceeded
    assert "0" not in files
    assert behind.received <= 100_000


class _CountingHandler(CappedUploadHandler):
    def __init__(self):
        super().__init__(None, limit=10**9)

    def file_complete(self, file_size):
        return None
