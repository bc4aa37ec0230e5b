"""Reconcile an order's commissions to what its current state says they should be.

Every Saleor event about an order (created, paid, refunded, cancelled, or the periodic sweep)
comes here with a fresh snapshot of the order. The function works out the target amount of every
(line, level) and posts only the difference to the ledger. Replaying an event, or receiving events
out of order, therefore posts nothing new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..domain.attribution import DistributorStatus
from ..domain.chain import ReferralChain
from ..domain.commission import PlannedCommission, commission_targets, plan_commissions
from ..domain.group import with_group_bonus
from ..domain.orders import OrderSnapshot
from ..domain.rates import SellerRateBook
from ..domain.settings import ProgramSettings
from ..lock_objects import lock_attribution, lock_order
from ..models import (
    CommissionLine,
    CommissionRule,
    Distributor,
    LedgerEntry,
    ReferralAttribution,
)
from ..shop import ShopBackend
from .attribution import attribute_order_once, bind_customer
from .fraud import is_rejected
from .groups import GROUP_EVENT, join_group, recount_group
from .ledger import post_commission, settle_due
from .refunds import with_recorded_refunds

logger = logging.getLogger(__name__)


class OrderMismatch(ValueError):
    pass


@dataclass
class ReconcileResult:
    attribution: ReferralAttribution | None
    # The commission entries (accruals and reversals) this reconciliation posted.
    posted: list[LedgerEntry] = field(default_factory=list)
    # Other orders of the order's group whose group reward changed with this one.
    group_refresh: list[str] = field(default_factory=list)


def reconcile_order(
    shop: ShopBackend, order_id: str, settings: ProgramSettings, *, event: str
) -> ReconcileResult:
    """Lock the order, then read it from the shop and reconcile: the entry point for hooks and
    the sweep."""
    with transaction.atomic():
        lock_order(order_id)
        order = shop.load_order(order_id, settings)
        if order is None:
            return ReconcileResult(None)
        result = reconcile_order_commissions(order, settings, event=event, order_locked=True)
    # A group (拼团) this order completed, or dropped below its size: its other orders' bonus
    # changed. Each under its own lock, after this order's is released.
    for other_order_id in result.group_refresh:
        reconcile_order(shop, other_order_id, settings, event=GROUP_EVENT)
    return result


def reconcile_order_commissions(
    order: OrderSnapshot, settings: ProgramSettings, *, event: str, order_locked: bool = False
) -> ReconcileResult:
    """`order_locked`: the caller holds the order's lock (`lock_objects.lock_order`)."""
    attribution, created = attribute_order_once(order, settings, order_locked=order_locked)
    if attribution is None or attribution.seller_id is None:
        return ReconcileResult(attribution)
    # Created inside reconcile_order's transaction: invisible to everybody else until it
    # commits, so nothing can be recorded against it and nobody else can hold it. Under the
    # order's lock an existing attribution comes locked already.
    fresh = created and order_locked

    # No savepoint inside a caller's transaction (reconcile_order, the staff services): an
    # error rolls the whole reconciliation back anyway, and a savepoint costs two round trips.
    with transaction.atomic(savepoint=False):
        if not order_locked:
            # One reconciliation per order at a time: two workers handling two hooks of the
            # same order would otherwise both post the same difference.
            attribution = lock_attribution(attribution.pk)
        if attribution.currency != order.currency:
            raise OrderMismatch(
                f"order {order.number} changed currency from {attribution.currency} to "
                f"{order.currency}; commissions left as they were"
            )
        order = with_recorded_refunds(order, attribution, settings, new_attribution=fresh)
        started_earning = _record_order_state(attribution, order, settings)
        if attribution.commissionable_at is None:
            return ReconcileResult(attribution)
        if started_earning:
            # Frozen once, when the order first earns; an empty plan (every member suspended,
            # say) stays empty, so later rule or status changes never reach a paid order.
            plan = _freeze_plan(attribution, order, settings)
            join_group(attribution, order, settings)
            bind_customer(attribution, settings, customer_paid_before=order.customer_paid_before)
        else:
            plan = list(attribution.commission_lines.order_by("level", "id"))
        group, group_refresh = recount_group(attribution)
        planned = [line.to_planned() for line in plan]
        if group is not None and group.rewarded:
            planned = with_group_bonus(
                planned,
                group_line_ids={
                    line.line_id for line in order.lines if line.product_id == group.product_id
                },
                bonus_rate=group.bonus_rate,
                max_total_rate=settings.max_total_rate,
            )
        targets = commission_targets(
            planned,
            refunds=order.refunds,
            # Rejected in fraud review: nothing, whatever the order does later.
            cancelled=order.cancelled or is_rejected(attribution),
            currency=attribution.currency,
        )
        posted, settlements = post_commission(
            attribution,
            plan,
            targets,
            event=event,
            fulfilled_at=order.fulfilled_at,
            program=settings,
            new_plan=started_earning,
        )
        # Confirmation on fulfilment should not wait for the next run of the maturing task.
        due_now = [
            settlement.pk
            for settlement in settlements
            if settlement.confirm_due_at is not None and settlement.confirm_due_at <= timezone.now()
        ]
        if due_now:
            settle_due(settlement_ids=due_now)
    return ReconcileResult(attribution, posted, group_refresh)


def _record_order_state(
    attribution: ReferralAttribution, order: OrderSnapshot, settings: ProgramSettings
) -> bool:
    """Store the order's state on its attribution; True when the order starts earning now.

    Writes only what changed: the sweep reconciles thousands of unchanged orders, and an UPDATE
    of each would cost a row version and a WAL record apiece for nothing. `reconciled_at` is
    therefore when reconciliation last found the order changed."""
    now = timezone.now()
    started_earning = (
        attribution.commissionable_at is None
        and not order.cancelled
        and order.meets_trigger(settings.commission_trigger)
    )
    state = {
        "cancelled": order.cancelled,
        "refunded_amount": order.refunds.refunded_amount,
        "order_total": order.refunds.order_total,
        "over_refunded": order.refunds.over_refunded,
    }
    if started_earning:
        state["commissionable_at"] = now
        state["promotional_gift_cards_earn"] = order.refunds.promotional_gift_cards_earn
    if order.refunds.over_refunded and not attribution.over_refunded:
        logger.warning(
            "Order %s: refunded %s %s of %s charged; all commission reversed, please review",
            order.number,
            order.refunds.refunded_amount,
            order.currency,
            order.refunds.order_total,
        )
    changed = [name for name, value in state.items() if getattr(attribution, name) != value]
    if changed:
        for name in changed:
            setattr(attribution, name, state[name])
        attribution.reconciled_at = now
        attribution.save(update_fields=[*changed, "reconciled_at"])
    return started_earning


def _freeze_plan(
    attribution: ReferralAttribution, order: OrderSnapshot, settings: ProgramSettings
) -> list[CommissionLine]:
    chain = ReferralChain(
        seller=attribution.seller_id,
        upline=attribution.upline_id,
        grand_upline=attribution.grand_upline_id,
    )
    members = _chain_members(attribution, chain)
    # A distributor suspended between the order and its payment earns nothing on it.
    eligible = {pk for pk, member in members.items() if member.status == DistributorStatus.ACTIVE}
    seller = members[chain.seller]
    planned = plan_commissions(
        lines=order.lines,
        chain=chain,
        seller_rates=_seller_rate_book(seller, order, settings),
        settings=settings,
        eligible_distributor_ids=eligible,
        # Goods a promotional gift card paid for earn nothing unless the programme says so.
        funded_share=order.refunds.funded_share(),
        currency=order.currency,
    )
    lines_by_id = {line.line_id: line for line in order.lines}
    _warn_about_capped_rates(order, planned, settings)
    return CommissionLine.objects.bulk_create(
        [
            CommissionLine(
                attribution=attribution,
                order_line_id=item.line_id,
                level=item.level,
                distributor_id=item.distributor_id,
                rate=item.rate,
                uncapped_rate=item.uncapped_rate,
                base=item.base,
                quantity=item.quantity,
                product_id=lines_by_id[item.line_id].product_id or "",
                category_id=lines_by_id[item.line_id].category_id or "",
                product_name=lines_by_id[item.line_id].product_name[:255],
            )
            for item in planned
        ]
    )


def _chain_members(
    attribution: ReferralAttribution, chain: ReferralChain[int]
) -> dict[int, Distributor]:
    """The distributors of the chain, with the seller's grade. An attribution made in this
    reconciliation carries them already (read with the seller when the code was looked up)."""
    wanted = {pk for _, pk in chain.levels()}
    cached: dict[int, Distributor] = {}
    member = attribution.seller if ReferralAttribution.seller.is_cached(attribution) else None
    # Down the upline links the seller was read with, as far as they were read.
    while member is not None and len(cached) < len(wanted):
        cached[member.pk] = member
        if not Distributor.upline.is_cached(member):
            break
        member = member.upline
    seller = cached.get(chain.seller)
    if set(cached) >= wanted and seller is not None and Distributor.grade.is_cached(seller):
        return {pk: cached[pk] for pk in wanted}
    return {
        distributor.pk: distributor
        for distributor in Distributor.objects.select_related("grade").filter(pk__in=wanted)
    }


def _warn_about_capped_rates(
    order: OrderSnapshot, planned: list[PlannedCommission], settings: ProgramSettings
) -> None:
    # Rates that add up past the cap got past every check where they are entered: staff should
    # look at their grades, rules and settings.
    capped = [item for item in planned if item.uncapped_rate is not None]
    if capped:
        logger.warning(
            "Order %s: rates above max_total_rate %s%% on %d line level(s), capped: %s",
            order.number,
            settings.max_total_rate,
            len(capped),
            ", ".join(
                f"line {item.line_id} level {item.level} {item.uncapped_rate}% → {item.rate}%"
                for item in capped
            ),
        )


def _seller_rate_book(
    seller: Distributor, order: OrderSnapshot, settings: ProgramSettings
) -> SellerRateBook:
    product_ids = {line.product_id for line in order.lines if line.product_id}
    category_ids = {line.category_id for line in order.lines if line.category_id}
    rules = CommissionRule.objects.filter(
        scope=CommissionRule.Scope.PRODUCT, saleor_id__in=product_ids
    ) | CommissionRule.objects.filter(
        scope=CommissionRule.Scope.CATEGORY, saleor_id__in=category_ids
    )
    product_rates: dict[str, Decimal] = {}
    category_rates: dict[str, Decimal] = {}
    for rule in rules:
        target = product_rates if rule.scope == CommissionRule.Scope.PRODUCT else category_rates
        target[rule.saleor_id] = rule.seller_rate
    return SellerRateBook(
        default_rate=settings.default_seller_rate,
        grade_rate=seller.grade.seller_rate if seller.grade else None,
        product_rates=product_rates,
        category_rates=category_rates,
    )
