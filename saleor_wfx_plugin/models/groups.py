"""团队拼团奖励: groups distributors start for a product, and the orders that joined them."""

from __future__ import annotations

from django.db import models

from .attribution import ReferralAttribution
from .distributors import Distributor
from .fields import RATE_DIGITS


class GroupBuy(models.Model):
    """A group a distributor started for one product; its terms frozen when it started."""

    code = models.CharField(max_length=32, unique=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="groups")
    # The shop's product id as order lines carry it.
    product_id = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    bonus_rate = models.DecimalField(**RATE_DIGITS)
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Whether the group's orders currently earn the bonus: enough live members. Moves back when
    # a refund or cancellation drops the group below its size.
    rewarded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return f"group {self.code} of {self.distributor_id} for {self.product_id}"


class GroupMember(models.Model):
    """An order that joined a group: one per customer per group."""

    group = models.ForeignKey(GroupBuy, on_delete=models.PROTECT, related_name="members")
    attribution = models.OneToOneField(
        ReferralAttribution, on_delete=models.PROTECT, related_name="group_membership"
    )
    customer_key = models.CharField(max_length=320)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("group", "customer_key"), name="wfx_one_member_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_key} in group {self.group_id}"
