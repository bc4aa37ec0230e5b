"""Data for the dashboard pages' demo and screenshots: the demo's story (orders, commission on
three levels, a paid payout), plus what waits for staff: applications to review and payouts to
approve, one of them large enough to need two approvers.

The opening balances go through staff adjustments as a shop's staff would make them, the duty
checks included: the large one is asked for by one demo staff user and approved by another."""

from __future__ import annotations

from decimal import Decimal

# Saleor staff users of the demo; no demo distributor is linked to either.
DEMO_STAFF = "user:staff-1"
DEMO_SECOND_STAFF = "user:staff-2"


def seed_dashboard_data() -> None:
    from ..auth import Viewer
    from ..domain.settings import ProgramSettings
    from ..models import Distributor
    from ..services.adjustments import adjust, approve_adjustment
    from ..services.applications import apply
    from ..services.payouts import PayeeDetails, request_payout
    from .demo import run_story

    run_story(lambda *args, **kwargs: None)
    program = ProgramSettings()
    for user_id, name, phone in (
        ("61", "周小芳", "13800138001"),
        ("62", "Lena Fischer", "13800138002"),
    ):
        customer = Viewer(
            user_id=user_id, email=f"u{user_id}@example.com", email_confirmed=True, name=name
        )
        apply(customer, phone=phone, name=name, program=program)
    for code, amount, payee in (
        (
            "BBB222",
            "180.00",
            PayeeDetails("alipay", "李四", "lisi@example.com", "", "110105199001011232"),
        ),
        (
            "CCC333",
            "6200.00",
            PayeeDetails("bank", "陈静", "6222 0200 1111 2222 333", "CMB", "310104198512124569"),
        ),
    ):
        distributor = Distributor.objects.get(code=code)
        # Enough on the balance for the request (the story's commissions are smaller).
        adjustment = adjust(
            distributor_id=distributor.pk,
            currency="CNY",
            amount=Decimal(amount),
            actor=DEMO_STAFF,
            reason="opening balance carried over from the old system",
            program=program,
            idempotency_key=f"dashboard-demo-opening-{code}",
        )
        if adjustment.status == adjustment.Status.PENDING:
            approve_adjustment(adjustment, actor=DEMO_SECOND_STAFF)
        request_payout(
            distributor,
            currency="CNY",
            amount=Decimal(amount),
            payee=payee,
            idempotency_key=f"dashboard-demo-{code}",
            actor=f"user:{distributor.user_id or distributor.pk}",
            program=program,
        )
