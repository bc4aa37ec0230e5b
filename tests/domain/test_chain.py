import pytest

from saleor_wfx_plugin.domain.chain import (
    MAX_COMMISSION_LEVELS,
    IllegalLevel,
    ReferralChain,
    validate_level,
)


def test_a_sale_by_d_pays_d_c_and_b_never_a():
    # A recruited B, B recruited C, C recruited D. D sells.
    chain = ReferralChain.from_ancestry(["D", "C", "B", "A"])
    assert list(chain.levels()) == [(1, "D"), (2, "C"), (3, "B")]


def test_the_chain_has_no_slot_for_a_fourth_level():
    chain = ReferralChain.from_ancestry(["D", "C", "B", "A", "HQ"])
    assert "A" not in (chain.seller, chain.upline, chain.grand_upline)
    with pytest.raises(TypeError):
        ReferralChain("D", "C", "B", "A")  # type: ignore[call-arg]
    assert MAX_COMMISSION_LEVELS == 3


def test_level_setting_lowers_the_levels_paid():
    chain = ReferralChain.from_ancestry(["D", "C", "B"])
    assert list(chain.levels(2)) == [(1, "D"), (2, "C")]
    assert list(chain.levels(1)) == [(1, "D")]


@pytest.mark.parametrize("level", [0, 4, 5, -1])
def test_levels_outside_one_to_three_are_illegal(level):
    with pytest.raises(IllegalLevel):
        validate_level(level)
    with pytest.raises(IllegalLevel):
        list(ReferralChain("D").levels(level))


def test_a_seller_without_upline_earns_alone():
    assert list(ReferralChain.from_ancestry(["D"]).levels()) == [(1, "D")]


def test_a_chain_cannot_skip_the_upline():
    with pytest.raises(ValueError):
        ReferralChain("D", None, "B")
