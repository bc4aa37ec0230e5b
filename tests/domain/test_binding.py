"""锁粉 modes, the protection period, new customers only and renewal, with dates."""

from datetime import UTC, datetime, timedelta

from saleor_wfx_plugin.domain.attribution import (
    AttributionSource,
    Buyer,
    DistributorStatus,
    DistributorView,
    ReferralClaim,
    RejectionReason,
    decide_attribution,
)
from saleor_wfx_plugin.domain.binding import (
    PERMANENT_UNTIL,
    BindingChange,
    BindingView,
    binding_after_order,
    protects,
)
from saleor_wfx_plugin.domain.settings import BindingMode, ProgramSettings

MAY_1 = datetime(2026, 5, 1, 10, tzinfo=UTC)
D1, D2 = 1, 2
BOUND_TO_D1 = BindingView(distributor_id=D1, bound_at=MAY_1, expires_at=MAY_1 + timedelta(days=30))


def _after(current, seller, source, at, settings, paid_before=False):
    return binding_after_order(
        current=current,
        seller_id=seller,
        source=source,
        placed_at=at,
        buyer_paid_before=paid_before,
        settings=settings,
    )


def test_days_mode_binds_for_30_days_and_keeps_the_first_referrer():
    settings = ProgramSettings()
    assert _after(None, D1, AttributionSource.CODE, MAY_1, settings) == BindingChange(
        D1, MAY_1, datetime(2026, 5, 31, 10, tzinfo=UTC)
    )
    # D2's code on May 10 earns D2 that order but does not take the customer.
    assert (
        _after(BOUND_TO_D1, D2, AttributionSource.CODE, MAY_1 + timedelta(days=9), settings) is None
    )
    # Once lapsed (May 31 10:00), D2's code binds the customer to D2.
    lapsed = datetime(2026, 5, 31, 10, tzinfo=UTC)
    assert _after(BOUND_TO_D1, D2, AttributionSource.CODE, lapsed, settings).distributor_id == D2


def test_permanent_mode_never_ends():
    settings = ProgramSettings(customer_binding_mode=BindingMode.PERMANENT, customer_binding_days=0)
    change = _after(None, D1, AttributionSource.CODE, MAY_1, settings)
    assert change.expires_at == PERMANENT_UNTIL


def test_last_referrer_mode_moves_the_customer_outside_the_protection_period():
    settings = ProgramSettings(
        customer_binding_mode=BindingMode.LAST_REFERRER, customer_binding_protection_days=7
    )
    # May 5: inside the 7 days of protection, D2's code takes nothing.
    assert (
        _after(BOUND_TO_D1, D2, AttributionSource.CODE, MAY_1 + timedelta(days=4), settings) is None
    )
    # May 9: protection ended May 8 10:00; the customer moves to D2 for 30 days from May 9.
    may_9 = datetime(2026, 5, 9, 10, tzinfo=UTC)
    assert _after(BOUND_TO_D1, D2, AttributionSource.CODE, may_9, settings) == BindingChange(
        D2, may_9, datetime(2026, 6, 8, 10, tzinfo=UTC)
    )


def test_new_customers_only_leaves_a_customer_with_an_earlier_paid_order_unbound():
    settings = ProgramSettings(customer_binding_new_customers_only=True)
    assert _after(None, D1, AttributionSource.CODE, MAY_1, settings, paid_before=True) is None
    assert _after(None, D1, AttributionSource.CODE, MAY_1, settings, paid_before=False) is not None


def test_a_repeat_order_renews_a_time_limited_binding_when_the_shop_says_so():
    may_20 = datetime(2026, 5, 20, 10, tzinfo=UTC)
    assert _after(BOUND_TO_D1, D1, AttributionSource.BINDING, may_20, ProgramSettings()) is None
    renewing = ProgramSettings(customer_binding_renew_on_repeat=True)
    # Bound May 1 until May 31; the order of May 20 renews it until June 19.
    assert _after(BOUND_TO_D1, D1, AttributionSource.BINDING, may_20, renewing) == BindingChange(
        D1, MAY_1, datetime(2026, 6, 19, 10, tzinfo=UTC)
    )


def test_protection_period():
    settings = ProgramSettings(customer_binding_protection_days=7)
    assert protects(BOUND_TO_D1, MAY_1 + timedelta(days=6, hours=23), settings)
    assert not protects(BOUND_TO_D1, MAY_1 + timedelta(days=7), settings)
    assert not protects(BOUND_TO_D1, MAY_1, ProgramSettings())


ACTIVE_D1 = DistributorView(id=D1, status=DistributorStatus.ACTIVE, user_id="u1")
ACTIVE_D2 = DistributorView(id=D2, status=DistributorStatus.ACTIVE, user_id="u2")
BUYER = Buyer(user_id="c9", email="c9@example.com")


def _decide(**kwargs):
    defaults = {
        "claim": ReferralClaim(code="DDD222"),
        "coded_distributor": ACTIVE_D2,
        "bound_distributor": ACTIVE_D1,
        "buyer": BUYER,
        "placed_at": MAY_1,
        "settings": ProgramSettings(),
    }
    return decide_attribution(**{**defaults, **kwargs})


def test_in_the_protection_period_another_distributors_code_gives_the_order_to_the_bound_one():
    protected = _decide(binding_protected=True)
    assert (protected.distributor_id, protected.source) == (D1, AttributionSource.BINDING)
    assert protected.code_rejection is RejectionReason.BOUND_CUSTOMER_PROTECTED
    # Outside it, the code earns the order.
    assert _decide(binding_protected=False).distributor_id == D2


def test_a_distributors_voucher_beats_a_referral_code_unless_the_shop_says_otherwise():
    voucher = _decide(bound_distributor=None, voucher_distributor=ACTIVE_D1)
    assert (voucher.distributor_id, voucher.source) == (D1, AttributionSource.VOUCHER)
    assert voucher.code_rejection is RejectionReason.VOUCHER_WINS
    code_first = _decide(
        bound_distributor=None,
        voucher_distributor=ACTIVE_D1,
        settings=ProgramSettings(voucher_beats_referral_code=False),
    )
    assert (code_first.distributor_id, code_first.source) == (D2, AttributionSource.CODE)
    # A voucher with no code at all.
    alone = _decide(
        claim=ReferralClaim(code=None), bound_distributor=None, voucher_distributor=ACTIVE_D1
    )
    assert (alone.distributor_id, alone.source, alone.code_rejection) == (
        D1,
        AttributionSource.VOUCHER,
        None,
    )
