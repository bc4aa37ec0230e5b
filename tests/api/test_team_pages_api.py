"""`me.team.members` page by page: recruits newest first, then their recruits newest first, a
third level never, with keyset and old offset cursors; and a page of a large team read off the
team index instead of fetching and sorting the whole team (issue 9, Scale)."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Distributor
from saleor_wfx_plugin.services.distributors import create_distributor

from .conftest import customer, staff

pytestmark = pytest.mark.django_db

A = customer("1", "a@example.com")
MEMBERS = """query($first: Int, $after: String) { me { team { members(first: $first,
  after: $after) { totalCount edges { cursor node { level maskedName } }
  pageInfo { hasNextPage endCursor } } } } }"""
JOINED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def recruit(upline: Distributor, name: str, joined: datetime) -> Distributor:
    member = create_distributor(
        code=name.upper()[:3] + "999", name=name, email=f"{name}@example.com", upline=upline
    )
    Distributor.objects.filter(pk=member.pk).update(created_at=joined)
    return member


@pytest.fixture
def team_of_a(tree):
    """A's team as the tree fixture leaves it (B below A, C below B, D below C: D is three levels
    down, never A's team), plus four recruits of A and three of their recruits. Two recruits
    joined at the same moment: the later id comes first."""
    a, b, _c, _d = tree
    Distributor.objects.filter(pk=b.pk).update(created_at=JOINED)
    kim = recruit(a, "kim", JOINED + timedelta(days=3))
    lee = recruit(a, "lee", JOINED + timedelta(days=1))
    recruit(a, "lin", JOINED + timedelta(days=1))
    max_ = recruit(a, "max", JOINED + timedelta(days=5))
    recruit(kim, "ann", JOINED + timedelta(days=4))
    recruit(lee, "bob", JOINED + timedelta(days=6))
    recruit(max_, "cat", JOINED + timedelta(days=2))
    return a


# Stated from the outside: level 1 newest first (lin after lee: same moment, higher id first),
# then level 2 newest first. C is B's recruit (level 2) and joined when the test ran, after every
# other member; D is below C, three levels down, and never shown.
EXPECTED = [
    (1, "m**"),  # max, day 5
    (1, "k**"),  # kim, day 3
    (1, "l**"),  # lin, day 1, created after lee
    (1, "l**"),  # lee, day 1
    (1, ""),  # B, day 0, no name
    (2, ""),  # C, today
    (2, "b**"),  # bob, day 6
    (2, "a**"),  # ann, day 4
    (2, "c**"),  # cat, day 2
]


def members(api, first, after=None):
    return api.ok(MEMBERS, {"first": first, "after": after}, viewer=A)["me"]["team"]["members"]


def names(page):
    return [(edge["node"]["level"], edge["node"]["maskedName"]) for edge in page["edges"]]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 9, 20])
def test_pages_of_any_size_list_the_team_once_in_team_order(api, team_of_a, size):
    seen, after, pages = [], None, 0
    while True:
        page = members(api, size, after)
        assert page["totalCount"] == 9
        seen += names(page)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == EXPECTED
    assert pages == -(-9 // size)


def test_an_offset_cursor_given_out_before_still_works_on_the_team(api, team_of_a):
    """Cursors were offsets before keyset cursors: "offset:3" is the fourth row, so the page
    starts at the fifth."""
    offset_cursor = base64.b64encode(b"offset:3").decode()
    page = members(api, 3, offset_cursor)
    assert names(page) == EXPECTED[4:7]
    assert page["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    "key",
    [[3, {"t": "2026-11-01T09:00:00+00:00"}, 1], [1, "yesterday", 1], [1], ["x", None, None]],
)
def test_a_forged_team_cursor_is_a_clear_error(api, team_of_a, key):
    cursor = base64.b64encode(f"keyset:{json.dumps({'o': 0, 'k': key})}".encode()).decode()
    body = api(MEMBERS, {"first": 3, "after": cursor}, viewer=A)
    assert body["data"]["me"]["team"] is None or body["data"]["me"]["team"]["members"] is None
    assert "Invalid cursor" in body["errors"][0]["message"]


def _rows_read_from_distributors(plan: dict) -> int:
    """Rows every scan of wfx_distributor returned, over the whole plan."""
    rows = 0
    if plan.get("Relation Name") == "wfx_distributor":
        rows += plan["Actual Rows"] * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        rows += _rows_read_from_distributors(child)
    return rows


def test_a_page_of_a_large_team_reads_the_page_not_the_team(api, tree):
    """1,500 recruits and 1,500 of theirs: page 1 reads its 21 ids off the team index, and the
    level below is not read at all. Sorting the whole team read all 3,001 rows (20 ms for the
    6,410 of the largest team in bench/api_scale.py)."""
    a = tree[0]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO wfx_distributor (code, name, status, email, phone, upline_id, grade_locked,
                status_reason, identity_set_by, erased_by, balance_frozen, created_at, updated_at)
            SELECT 'T' || n, '', 'active', '', '', %s, false, '', '', '', false,
                   now() - n * interval '1 minute', now()
            FROM generate_series(1, 1500) AS n
            """,
            [a.pk],
        )
        cursor.execute(
            """
            INSERT INTO wfx_distributor (code, name, status, email, phone, upline_id, grade_locked,
                status_reason, identity_set_by, erased_by, balance_frozen, created_at, updated_at)
            SELECT 'U' || d.id, '', 'active', '', '', d.id, false, '', '', '', false, now(), now()
            FROM wfx_distributor d WHERE d.code LIKE 'T%%'
            """
        )
        cursor.execute("ANALYZE wfx_distributor")

    with CaptureQueriesContext(connection) as captured:
        page = members(api, 20)
    (query,) = [q["sql"] for q in captured.captured_queries if "team_level" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query)
        (plan,) = cursor.fetchone()[0]

    assert [edge["node"]["level"] for edge in page["edges"]] == [1] * 20
    assert page["totalCount"] == 1 + 1500 + 1 + 1500  # B, the 1,500, C, their 1,500
    assert _rows_read_from_distributors(plan["Plan"]) <= 3 * 21, json.dumps(plan, indent=1)


STAFF_TEAM = """query($id: ID, $after: String) { distributor(id: $id) { team(first: 4,
  after: $after) { edges { node { code teamLevel } } pageInfo { hasNextPage endCursor } } } }"""


def test_staff_page_through_the_same_team_in_the_same_order(api, team_of_a):
    seen, after = [], None
    while True:
        team = api.ok(
            STAFF_TEAM,
            {"id": to_global_id("Distributor", team_of_a.pk), "after": after},
            viewer=staff("MANAGE_USERS"),
        )["distributor"]["team"]
        seen += [(edge["node"]["teamLevel"], edge["node"]["code"]) for edge in team["edges"]]
        if not team["pageInfo"]["hasNextPage"]:
            break
        after = team["pageInfo"]["endCursor"]
    assert seen == [
        (1, "MAX999"),
        (1, "KIM999"),
        (1, "LIN999"),
        (1, "LEE999"),
        (1, "BBB222"),
        (2, "CCC333"),
        (2, "BOB999"),
        (2, "ANN999"),
        (2, "CAT999"),
    ]
