from __future__ import annotations

from typing import Any

import graphene

from ...auth import Permission
from ...selectors.distributors import distributors
from ..core.context import PermissionDenied, active_program, context, require_customer, viewer
from ..core.ids import get_by_id
from ..core.mutations import BaseMutation
from ..distributors.types import DistributorType
from .types import CustomerBindingType, DistributorVoucherType, FraudReviewType, GroupType


def _stored_program() -> Any:
    # Staff decisions are not storefront traffic: they stand while the programme is off.
    from ...shop import get_shop

    return get_shop().stored_program_settings()


class FraudReviewAllow(BaseMutation):
    class Meta:
        description = (
            "Allow a held order's commission: it is confirmed as any order's is (at once when "
            "its confirmation date has passed). Requires MANAGE_ORDERS."
        )

    class Arguments:
        order_id = graphene.UUID(required=True, description="Saleor order id.")
        reason = graphene.String()

    review = graphene.Field(FraudReviewType)
    permission = Permission.MANAGE_ORDERS

    @classmethod
    def perform(cls, info: Any, order_id: Any, reason: str | None = None) -> Any:
        from ...services.fraud import allow_held_order

        review = allow_held_order(str(order_id), actor=viewer(info).actor, reason=reason or "")
        return cls.ok(review=review)


class FraudReviewReject(BaseMutation):
    class Meta:
        description = (
            "Reject a held order's commission: every level of it is reversed, for good; the "
            "reason goes on the order's audit trail. Requires MANAGE_ORDERS."
        )

    class Arguments:
        order_id = graphene.UUID(required=True, description="Saleor order id.")
        reason = graphene.String(required=True)

    review = graphene.Field(FraudReviewType)
    permission = Permission.MANAGE_ORDERS

    @classmethod
    def perform(cls, info: Any, order_id: Any, reason: str) -> Any:
        from ...services.fraud import reject_held_order

        review = reject_held_order(
            str(order_id), actor=viewer(info).actor, reason=reason, settings=_stored_program()
        )
        return cls.ok(review=review)


class DistributorBalanceFreeze(BaseMutation):
    class Meta:
        description = (
            "Freeze (frozen: true) or unfreeze a distributor's balance: while frozen, no payout "
            "is requested or approved (BALANCE_FROZEN). Requires HANDLE_PAYMENTS."
        )

    class Arguments:
        id = graphene.ID(required=True, description="Distributor id.")
        frozen = graphene.Boolean(required=True)
        reason = graphene.String(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, frozen: bool, reason: str) -> Any:
        from ...services.fraud import set_balance_frozen

        distributor = get_by_id(distributors(), id, "Distributor")
        return cls.ok(
            distributor=set_balance_frozen(
                distributor, frozen=frozen, actor=viewer(info).actor, reason=reason
            )
        )


class CustomerRebind(BaseMutation):
    class Meta:
        description = (
            "Bind a customer (by Saleor user id and/or e-mail) to another distributor from now, "
            "for as long as the binding mode gives. Requires MANAGE_USERS."
        )

    class Arguments:
        user_id = graphene.String()
        email = graphene.String()
        distributor_code = graphene.String(required=True)
        reason = graphene.String(required=True)

    bindings = graphene.List(graphene.NonNull(CustomerBindingType))
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(
        cls,
        info: Any,
        distributor_code: str,
        reason: str,
        user_id: str | None = None,
        email: str | None = None,
    ) -> Any:
        from ...services.bindings import rebind_customer

        bindings = rebind_customer(
            user_id=user_id,
            email=email,
            distributor_code=distributor_code,
            actor=viewer(info).actor,
            reason=reason,
            settings=_stored_program(),
        )
        return cls.ok(bindings=bindings)


class CustomerUnbind(BaseMutation):
    class Meta:
        description = "End a customer's binding now. Requires MANAGE_USERS."

    class Arguments:
        user_id = graphene.String()
        email = graphene.String()
        reason = graphene.String(required=True)

    ended = graphene.Int(description="How many bindings ended (by account, by e-mail).")
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(
        cls, info: Any, reason: str, user_id: str | None = None, email: str | None = None
    ) -> Any:
        from ...services.bindings import unbind_customer

        ended = unbind_customer(
            user_id=user_id, email=email, actor=viewer(info).actor, reason=reason
        )
        return cls.ok(ended=ended)


class DistributorVouchersCreate(BaseMutation):
    class Meta:
        description = (
            "Create a Saleor voucher holding a code `<prefix>-<distributor code>` per "
            "distributor (one: their own voucher; several: a campaign). Orders using a code are "
            "attributed to its distributor. Requires MANAGE_DISCOUNTS."
        )

    class Arguments:
        distributor_codes = graphene.List(graphene.NonNull(graphene.String), required=True)
        prefix = graphene.String(default_value="")
        campaign = graphene.String(default_value="", description="The Saleor voucher's name.")
        channel = graphene.String(required=True, description="Saleor channel slug.")
        discount_type = graphene.String(required=True, description="percentage or fixed.")
        discount_value = graphene.Decimal(required=True)

    vouchers = graphene.List(graphene.NonNull(DistributorVoucherType))
    permission = Permission.MANAGE_DISCOUNTS

    @classmethod
    def perform(
        cls,
        info: Any,
        distributor_codes: list[str],
        channel: str,
        discount_type: str,
        discount_value: Any,
        prefix: str = "",
        campaign: str = "",
    ) -> Any:
        from ...services.vouchers import create_distributor_vouchers
        from ...shop import get_shop

        vouchers = create_distributor_vouchers(
            get_shop(),
            distributor_codes=distributor_codes,
            prefix=prefix,
            campaign=campaign,
            channel_slug=channel,
            discount_type=discount_type,
            discount_value=discount_value,
            actor=viewer(info).actor,
        )
        return cls.ok(vouchers=vouchers)


class GroupStart(BaseMutation):
    class Meta:
        description = (
            "The signed-in distributor starts a group (拼团) for a product; share its `code` "
            "(the storefront puts it in checkout metadata under `group_metadata_key`)."
        )

    class Arguments:
        product_id = graphene.String(
            required=True, description="The product's id as order lines carry it."
        )

    group = graphene.Field(GroupType)

    @classmethod
    def perform(cls, info: Any, product_id: str) -> Any:
        from ...services.groups import start_group

        require_customer(info)
        own = context(info).own_distributor()
        if own is None:
            raise PermissionDenied()
        return cls.ok(group=start_group(own, product_id=product_id, settings=active_program()))
