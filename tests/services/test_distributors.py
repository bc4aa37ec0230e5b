import pytest

from saleor_wfx_plugin.services import distributors
from saleor_wfx_plugin.services.distributors import (
    DistributorError,
    change_upline,
    create_distributor,
)

pytestmark = pytest.mark.django_db


def test_codes_are_stored_normalised_and_unique():
    first = create_distributor(code=" amy-01 ")
    assert first.code == "AMY-01"
    with pytest.raises(DistributorError) as error:
        create_distributor(code="AMY-01")
    assert error.value.code == "unique"


def test_a_generated_code_that_collides_is_drawn_again(monkeypatch):
    create_distributor(code="TAKEN123")
    draws = iter(["TAKEN123", "FRESH456"])
    monkeypatch.setattr(distributors, "generate_code", lambda: next(draws))
    assert create_distributor().code == "FRESH456"


def test_one_distributor_per_customer_account():
    create_distributor(user_id="42")
    with pytest.raises(DistributorError):
        create_distributor(user_id="42")


@pytest.mark.parametrize("bad", ["", "ab", "has space", "x" * 40, "<b>"])
def test_malformed_codes_are_refused_with_a_clear_error(bad):
    with pytest.raises(DistributorError) as error:
        create_distributor(code=bad)
    assert error.value.field == "code"


def test_an_upline_cannot_be_moved_into_its_own_downline(tree):
    a, _b, _c, d = tree
    with pytest.raises(DistributorError) as error:
        change_upline(a, d)
    assert error.value.code == "upline_cycle"
    a.refresh_from_db()
    assert a.upline is None
