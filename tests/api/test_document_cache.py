"""A document the schema accepted once is not validated again on the next request, and nothing
that matters per request (variables, the viewer's permissions, errors of an invalid document) is
kept with it."""

import pytest

from saleor_wfx_plugin.graphql.core import documents
from saleor_wfx_plugin.graphql.core.documents import ValidatedDocuments

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
USERS = staff("MANAGE_USERS")
MY_CODE = "{ me { distributor { code } } }"


@pytest.fixture
def validations(monkeypatch):
    """How many times graphql-core's validation ran, on a cache emptied for the test."""
    documents.validated_documents.clear()
    runs = []
    real_validate = documents.validate

    def counting_validate(schema, document):
        runs.append(document)
        return real_validate(schema, document)

    monkeypatch.setattr(documents, "validate", counting_validate)
    yield runs
    documents.validated_documents.clear()


def test_a_document_sent_again_is_validated_once_and_answers_the_same(api, tree, validations):
    answers = [api.ok(MY_CODE, viewer=D) for _ in range(3)]

    assert answers == [{"me": {"distributor": {"code": "DDD444"}}}] * 3
    assert len(validations) == 1


def test_an_invalid_document_is_refused_every_time_and_never_kept(api, tree, validations):
    query = "{ me { distributor { code salary } } }"

    first, second = api(query, viewer=D), api(query, viewer=D)

    for answer in (first, second):
        assert answer["data"] is None
        assert "salary" in answer["errors"][0]["message"]
    assert len(validations) == 2
    assert len(documents.validated_documents) == 0


def test_variables_are_still_checked_on_a_known_document(api, tree, validations):
    query = "query Ledger($first: Int) { me { ledger(first: $first) { edges { node { kind } } } } }"
    api.ok(query, {"first": 5}, viewer=D)

    wrong = api(query, {"first": "five"}, viewer=D)

    assert wrong["data"] is None
    assert "five" in wrong["errors"][0]["message"]
    assert len(validations) == 1


def test_a_kept_document_still_asks_each_viewer_for_permission(api, tree, validations):
    query = "{ distributors(first: 5) { edges { node { code email } } } }"
    staff_answer = api.ok(query, viewer=USERS)
    assert len(staff_answer["distributors"]["edges"]) == 4

    refused = api(query, viewer=D)

    assert permission_denied(refused)
    assert len(validations) == 1


def test_a_syntax_error_is_reported_as_before(api, validations):
    answer = api("{ me { ", viewer=D)

    assert answer["data"] is None
    assert "Syntax Error" in answer["errors"][0]["message"]
    assert validations == []


def test_the_cache_keeps_the_most_recently_used_documents_up_to_its_bound():
    schema = object()
    cache = ValidatedDocuments(max_documents=2, max_query_length=40)
    one, two, three = (cache.parse(schema, f"{{ q{n} }}") for n in (1, 2, 3))
    cache.remember(schema, "{ q1 }", one)
    cache.remember(schema, "{ q2 }", two)
    assert cache.get(schema, "{ q1 }") is one  # q1 is now the most recently used

    cache.remember(schema, "{ q3 }", three)

    assert cache.get(schema, "{ q2 }") is None
    assert cache.get(schema, "{ q1 }") is one
    assert cache.get(schema, "{ q3 }") is three
    assert cache.get(object(), "{ q1 }") is None  # another schema validated nothing


def test_a_document_longer_than_the_bound_is_never_kept():
    schema = object()
    cache = ValidatedDocuments(max_documents=10, max_query_length=40)
    long_query = "{ " + " ".join(f"f{n}" for n in range(20)) + " }"

    cache.remember(schema, long_query, cache.parse(schema, long_query))

    assert len(long_query) > 40
    assert cache.get(schema, long_query) is None
