from datetime import UTC, datetime, timedelta

import pytest

from saleor_wfx_plugin.domain.attribution import (
    AttributionSource,
    Buyer,
    DistributorStatus,
    DistributorView,
    ReferralClaim,
    RejectionReason,
    customer_key,
    decide_attribution,
    normalize_code,
)
from saleor_wfx_plugin.domain.settings import ProgramSettings

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
ANNA = DistributorView(id=1, status=DistributorStatus.ACTIVE, user_id="7", email="anna@x.cn")
BEN = DistributorView(id=2, status=DistributorStatus.ACTIVE, user_id="8", email="ben@x.cn")
SHOPPER = Buyer(user_id="99", email="shopper@x.cn")


def decide(code="ANNA01", coded=ANNA, bound=None, buyer=SHOPPER, settings=None, referred_at=None):
    return decide_attribution(
        claim=ReferralClaim(code=code, referred_at=referred_at),
        coded_distributor=coded,
        bound_distributor=bound,
        buyer=buyer,
        placed_at=NOW,
        settings=settings or ProgramSettings(),
    )


def test_codes_are_trimmed_and_case_insensitive():
    assert normalize_code("  anna01 \n") == "ANNA01"
    assert normalize_code("   ") is None
    assert normalize_code(None) is None


def test_a_valid_code_attributes_the_order():
    decision = decide()
    assert (decision.distributor_id, decision.source) == (1, AttributionSource.CODE)


@pytest.mark.parametrize(
    ("code", "coded", "reason"),
    [
        ("NO SUCH CODE!", None, RejectionReason.MALFORMED_CODE),
        ("ZZZ999", None, RejectionReason.UNKNOWN_CODE),
        (
            "ANNA01",
            DistributorView(id=1, status=DistributorStatus.SUSPENDED),
            RejectionReason.SUSPENDED_DISTRIBUTOR,
        ),
        (
            "ANNA01",
            DistributorView(id=1, status=DistributorStatus.PENDING),
            RejectionReason.INACTIVE_DISTRIBUTOR,
        ),
    ],
)
def test_bad_codes_attribute_nothing_and_say_why(code, coded, reason):
    decision = decide(code=code, coded=coded)
    assert decision.distributor_id is None
    assert decision.code_rejection is reason


def test_own_code_earns_nothing_unless_self_purchase_is_on():
    anna_buys = Buyer(user_id="7", email=None)
    assert decide(buyer=anna_buys).code_rejection is RejectionReason.SELF_PURCHASE
    by_email = Buyer(user_id=None, email="ANNA@x.cn ")
    assert decide(buyer=by_email).code_rejection is RejectionReason.SELF_PURCHASE
    allowed = decide(buyer=anna_buys, settings=ProgramSettings(self_purchase_commission=True))
    assert allowed.distributor_id == 1


def test_binding_attributes_an_order_without_code():
    decision = decide(code=None, coded=None, bound=BEN)
    assert (decision.distributor_id, decision.source) == (2, AttributionSource.BINDING)


def test_a_rejected_code_falls_back_to_the_binding_and_keeps_the_reason():
    decision = decide(code="ZZZ999", coded=None, bound=BEN)
    assert decision.distributor_id == 2
    assert decision.code_rejection is RejectionReason.UNKNOWN_CODE


def test_a_new_code_wins_the_order_over_the_binding():
    decision = decide(bound=BEN)
    assert decision.distributor_id == 1


def test_binding_off_ignores_bindings():
    decision = decide(
        code=None, coded=None, bound=BEN, settings=ProgramSettings(customer_binding=False)
    )
    assert decision.source is AttributionSource.NONE


def test_suspended_bound_distributor_gets_nothing():
    suspended = DistributorView(id=2, status=DistributorStatus.SUSPENDED)
    assert decide(code=None, coded=None, bound=suspended).distributor_id is None


def test_referral_older_than_the_window_has_expired():
    settings = ProgramSettings(attribution_window_days=7)
    fresh = decide(settings=settings, referred_at=NOW - timedelta(days=7))
    stale = decide(settings=settings, referred_at=NOW - timedelta(days=7, seconds=1))
    assert fresh.distributor_id == 1
    assert stale.code_rejection is RejectionReason.REFERRAL_EXPIRED


def test_customer_key_prefers_the_user_then_the_email():
    assert customer_key("12", "A@B.cn") == "user:12"
    assert customer_key(None, " A@B.cn ") == "email:a@b.cn"
    assert customer_key(None, None) is None
