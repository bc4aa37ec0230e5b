from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene

from ...auth import Permission
from ...domain.attribution import DistributorStatus
from ...models import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    DistributorEvent,
)
from ..core.connection import CountableConnection, paginate
from ..core.context import context, is_staff_with, shown_actor, viewer
from ..core.dataloaders import then
from ..core.types import Money, money
from ..programme.types import GradeType
from .field_permissions import PERSONAL, require_personal_data_access
from .figures import StaffDistributorFields
from .team import team_counts_of

ZERO = Decimal(0)


DistributorStatusEnum = graphene.Enum(
    "DistributorStatusEnum", [(status.name, status.value) for status in DistributorStatus]
)


ApplicationStatusEnum = graphene.Enum(
    "ApplicationStatusEnum",
    [(status.name, status.value) for status in DistributorApplication.Status],
)


DocumentKindEnum = graphene.Enum(
    "DocumentKindEnum", [(kind.name, kind.value) for kind in ApplicationDocument.Kind]
)


DistributorEventKindEnum = graphene.Enum(
    "DistributorEventKindEnum", [(kind.name, kind.value) for kind in DistributorEvent.Kind]
)


def referral_link(info: Any, distributor: Distributor, next_path: str | None = None) -> str:
    from ...posters import referral_link as build_link

    return build_link(context(info).base_url, distributor.code, next_path)


class Earnings(graphene.ObjectType):
    class Meta:
        description = "Commission in one currency, straight from the ledger."

    accrued = graphene.Field(Money, required=True)
    reversed = graphene.Field(Money, required=True, description="Negative or zero.")
    net = graphene.Field(Money, required=True)


def earnings_of(info: Any, distributor: Distributor) -> Any:
    """Commission earned per currency (currencies that only saw adjustments have none), loaded
    with the balances of every distributor of the request (or of the page) in one statement."""
    from ..money.dataloaders import LedgerTotalsByDistributorIdLoader

    return then(
        LedgerTotalsByDistributorIdLoader(info.context).load_with_page(distributor),
        lambda rows: [
            Earnings(
                accrued=money(row.accrued, row.currency),
                reversed=money(row.reversed, row.currency),
                net=money(row.accrued + row.reversed, row.currency),
            )
            for row in rows
            if row.has_commission
        ],
    )


class DistributorEventType(graphene.ObjectType):
    class Meta:
        name = "DistributorEvent"
        interfaces = (graphene.relay.Node,)
        description = "One entry of a distributor's audit trail."

    kind = DistributorEventKindEnum(required=True)
    actor = graphene.String(
        required=True, description='"user:<Saleor user id>", "app:<Saleor app id>" or "system".'
    )
    reason = graphene.String(required=True)
    data = graphene.JSONString(required=True)
    created_at = graphene.DateTime(required=True)


class DistributorEventConnection(CountableConnection):
    class Meta:
        node = DistributorEventType


class DistributorType(StaffDistributorFields, graphene.ObjectType):
    class Meta:
        name = "Distributor"
        interfaces = (graphene.relay.Node,)

    code = graphene.String(required=True, description="Referral code (upper case).")
    name = graphene.String(required=True)
    email = graphene.String(description=PERSONAL)
    phone = graphene.String(description=PERSONAL)
    user_id = graphene.String(
        description="Saleor user id (primary key) of the account. " + PERSONAL
    )
    status = DistributorStatusEnum(required=True)
    status_reason = graphene.String(required=True)
    grade = graphene.Field(GradeType)
    grade_locked = graphene.Boolean(
        required=True, description="Set by staff: the monthly upgrade leaves the grade alone."
    )
    upline = graphene.Field(lambda: DistributorType, description="The recruiter (staff only).")
    referral_link = graphene.String(
        required=True,
        next=graphene.String(description="Storefront path to land on, e.g. /products/serum."),
    )
    direct_downline_count = graphene.Int(required=True)
    earnings = graphene.List(graphene.NonNull(Earnings), description=PERSONAL)
    events = graphene.Field(
        DistributorEventConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Audit trail (staff only).",
    )
    identity = graphene.Field(
        lambda: _identity_type(),
        description="The verified identity income tax is filed under, masked (staff with "
        "MANAGE_USERS or HANDLE_PAYMENTS, and the distributor themself).",
    )
    erased_at = graphene.DateTime(
        description="When staff erased the personal data (distributorErasePersonalData)."
    )
    balance_frozen = graphene.Boolean(
        required=True,
        description="Staff froze the balance (distributorBalanceFreeze): no payouts meanwhile.",
    )
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_upline(root: Distributor, info: Any) -> Distributor | None:
        if not is_staff_with(info, Permission.MANAGE_USERS):
            return None
        return root.upline

    @staticmethod
    def resolve_referral_link(root: Distributor, info: Any, next: str | None = None) -> str:
        return referral_link(info, root, next)

    @staticmethod
    def resolve_direct_downline_count(root: Distributor, info: Any) -> Any:
        return then(team_counts_of(info, root), lambda counts: counts.direct)

    @staticmethod
    def resolve_email(root: Distributor, info: Any) -> str:
        require_personal_data_access(info, root)
        return root.email

    @staticmethod
    def resolve_phone(root: Distributor, info: Any) -> str:
        require_personal_data_access(info, root)
        return root.phone

    @staticmethod
    def resolve_user_id(root: Distributor, info: Any) -> str | None:
        require_personal_data_access(info, root)
        return root.user_id

    @staticmethod
    def resolve_earnings(root: Distributor, info: Any) -> Any:
        require_personal_data_access(info, root)
        return earnings_of(info, root)

    @staticmethod
    def resolve_events(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        if not is_staff_with(info, Permission.MANAGE_USERS):
            return None
        from ...selectors.distributors import distributor_events

        return paginate(distributor_events(root), DistributorEventConnection, first, after)

    @staticmethod
    def resolve_identity(root: Distributor, info: Any) -> Any:
        pass

        return resolve_distributor_identity(root, info)


def _identity_type() -> Any:
    pass

    return DistributorIdentityType


class DistributorConnection(CountableConnection):
    class Meta:
        node = DistributorType


class ApplicationDocumentType(graphene.ObjectType):
    class Meta:
        name = "ApplicationDocument"
        interfaces = (graphene.relay.Node,)

    kind = DocumentKindEnum(required=True)
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True)
    sha256 = graphene.String(required=True)
    url = graphene.String(
        description="Short-lived download link (5 minutes), for staff with MANAGE_USERS only; "
        "null once the file is deleted."
    )
    file_deleted_at = graphene.DateTime(
        description="When the file was deleted: document_retention_days after the decision, "
        "or by an erasure. The row stays as the record of what was received."
    )

    @staticmethod
    def resolve_url(root: ApplicationDocument, info: Any) -> str | None:
        if not is_staff_with(info, Permission.MANAGE_USERS) or root.file_deletion_reason:
            return None
        from ...http import document_link

        return document_link(context(info).base_url, root.pk)


class DistributorApplicationType(graphene.ObjectType):
    class Meta:
        name = "DistributorApplication"
        interfaces = (graphene.relay.Node,)

    user_id = graphene.String(required=True)
    email = graphene.String(required=True)
    name = graphene.String(required=True)
    phone = graphene.String(required=True)
    invite_code = graphene.String(required=True)
    recruiter = graphene.Field(DistributorType, description="Staff only.")
    status = ApplicationStatusEnum(required=True)
    rejection_reason = graphene.String(required=True)
    reviewed_by = graphene.String(required=True)
    reviewed_at = graphene.DateTime()
    distributor = graphene.Field(DistributorType)
    documents = graphene.List(graphene.NonNull(ApplicationDocumentType), required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_reviewed_by(root: DistributorApplication, info: Any) -> str:
        return shown_actor(info, root.reviewed_by)

    @staticmethod
    def resolve_recruiter(root: DistributorApplication, info: Any) -> Distributor | None:
        if not is_staff_with(info, Permission.MANAGE_USERS):
            return None
        return root.recruiter

    @staticmethod
    def resolve_documents(root: DistributorApplication, info: Any) -> Any:
        from ...selectors.distributors import application_documents

        return application_documents(root)


class DistributorApplicationConnection(CountableConnection):
    class Meta:
        node = DistributorApplicationType


class DistributorIdentityType(graphene.ObjectType):
    class Meta:
        name = "DistributorIdentity"
        description = "Who the distributor's income is taxed under. The number is masked."

    legal_name = graphene.String(required=True, description="The name on the ID card.")
    id_type = graphene.String(required=True, description="resident_id (居民身份证).")
    id_number = graphene.String(required=True, description="Masked: 110***********002X.")
    set_by = graphene.String(required=True)
    set_at = graphene.DateTime()

    @staticmethod
    def resolve_id_number(root: Any, info: Any) -> str:
        return str(root.id_number_masked)

    @staticmethod
    def resolve_set_by(root: Any, info: Any) -> str:
        return shown_actor(info, str(root.set_by))


def resolve_distributor_identity(root: Distributor, info: Any) -> Any:
    """Staff who manage distributors or pay them, and the distributor themself."""
    from ...services.identity import masked_identity

    if is_staff_with(info, Permission.MANAGE_USERS) or is_staff_with(
        info, Permission.HANDLE_PAYMENTS
    ):
        return masked_identity(root)
    own = context(info).own_distributor() if viewer(info).is_customer else None
    return masked_identity(root) if own is not None and own.pk == root.pk else None
