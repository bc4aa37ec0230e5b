"""团队拼团奖励: distributors start groups; orders join them when they first earn; a member's
reconciliation recounts the group's live members and, when that completes the group or drops it
below its size, names the other members' orders to reconcile too (their bonus changes)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.attribution import normalize_code
from ..domain.group import GroupTerms, is_complete
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..errors import DistributorError
from ..lock_objects import lock_distributor, lock_group
from ..models import Distributor, FraudReview, GroupBuy, GroupMember, ReferralAttribution

GROUP_EVENT = "group_reward"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and retyped


@transaction.atomic
def start_group(
    distributor: Distributor,
    *,
    product_id: str,
    settings: ProgramSettings,
    now: datetime | None = None,
) -> GroupBuy:
    """A new group of the distributor for a product, open for `group_window_days`, with the
    shop's size and bonus rate of now."""
    product_id = product_id.strip()
    if not product_id or len(product_id) > 64:
        raise DistributorError(_("Name the product."), code="required", field="productId")
    distributor = lock_distributor(distributor.pk)
    if not distributor.is_active:
        raise DistributorError(
            _("Only an active distributor can start a group."), code="inactive_distributor"
        )
    now = now or timezone.now()
    while True:
        code = "G" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(7))
        if not GroupBuy.objects.filter(code=code).exists():
            break
    return GroupBuy.objects.create(
        code=code,
        distributor=distributor,
        product_id=product_id,
        size=settings.group_size,
        bonus_rate=settings.group_bonus_rate,
        started_at=now,
        ends_at=now + timedelta(days=settings.group_window_days),
    )


def group_named_by(order: OrderSnapshot, settings: ProgramSettings) -> GroupBuy | None:
    code = normalize_code(order.metadata.get(settings.group_metadata_key))
    if code is None:
        return None
    return GroupBuy.objects.select_related("distributor").filter(code=code).first()


def join_group(
    attribution: ReferralAttribution, order: OrderSnapshot, settings: ProgramSettings
) -> GroupMember | None:
    """Make the order a member of the group it names, when it first earns: sold by the group's
    distributor, placed in the window, with the group's product, by a customer not yet in."""
    group = group_named_by(order, settings)
    if group is None or attribution.customer_key is None:
        return None
    terms = GroupTerms(
        product_id=group.product_id,
        size=group.size,
        bonus_rate=group.bonus_rate,
        started_at=group.started_at,
        ends_at=group.ends_at,
    )
    if attribution.seller_id != group.distributor_id or not terms.admits(
        order.placed_at, (line.product_id for line in order.lines)
    ):
        return None
    try:
        with transaction.atomic():
            return GroupMember.objects.create(
                group=group, attribution=attribution, customer_key=attribution.customer_key
            )
    except IntegrityError:
        return None  # this customer is in the group already, with an earlier order


def recount_group(attribution: ReferralAttribution) -> tuple[GroupBuy | None, list[str]]:
    """The order's group (None when it is in none), recounted with the order's state as just
    recorded, and the other members' order ids when the group's reward changed."""
    membership = GroupMember.objects.filter(attribution=attribution).first()
    if membership is None:
        return None, []
    group = lock_group(membership.group_id)
    live = (
        GroupMember.objects.filter(
            group=group,
            attribution__commissionable_at__isnull=False,
            attribution__cancelled=False,
            attribution__over_refunded=False,
            attribution__refunded_amount__lt=F("attribution__order_total"),
        )
        .exclude(
            attribution__fraud_review__status=FraudReview.Status.REJECTED,
        )
        .values("customer_key")
        .distinct()
        .count()
    )
    rewarded = is_complete(live, group.size)
    if rewarded == group.rewarded:
        return group, []
    group.rewarded = rewarded
    group.save(update_fields=["rewarded"])
    others = [
        str(order_id)
        for order_id in GroupMember.objects.filter(group=group)
        .exclude(attribution=attribution)
        .values_list("attribution__order_id", flat=True)
    ]
    return group, others
