"""Per-row data of a listed page (earnings, team counts, a payout's events) is read for the whole
page by the first row that asks, in one statement, and handed back as a value, not a promise:
graphql-core 2 wraps every object above a promise in promises of its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from promise import Promise

from saleor_wfx_plugin.graphql.core.context import RequestContext
from saleor_wfx_plugin.graphql.core.pages import share_page
from saleor_wfx_plugin.graphql.distributors.dataloaders import TeamCountsByDistributorIdLoader
from saleor_wfx_plugin.models import Distributor

from .conftest import staff

pytestmark = pytest.mark.django_db


def _loader():
    context = RequestContext(request=None, viewer=staff(), base_url="")
    return TeamCountsByDistributorIdLoader(context)


def test_the_first_row_of_a_page_loads_every_rows_counts_at_once(tree):
    a, b, c, d = (Distributor.objects.get(pk=row.pk) for row in tree)
    share_page([a, b, c, d])
    loader = _loader()

    with CaptureQueriesContext(connection) as queries:
        counts = [loader.load_with_page(row) for row in (c, a, d, b)]

    assert [(count.direct, count.indirect) for count in counts] == [(1, 0), (1, 1), (0, 0), (1, 1)]
    assert len(queries) == 1


def test_a_row_on_no_page_is_batched_as_before(tree):
    loader = _loader()

    answer = loader.load_with_page(Distributor.objects.get(pk=tree[1].pk))

    assert isinstance(answer, Promise)
    assert (answer.get().direct, answer.get().indirect) == (1, 1)
