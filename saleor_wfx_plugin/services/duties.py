"""Separation of duties: who may decide about money, checked here and nowhere else.

Every payment app holds HANDLE_PAYMENTS, and a staff member may also be a distributor, so the
permission alone does not say who may move money:

- approving, rejecting and exporting payouts and adjusting balances are for staff users (an
  actor `user:<id>` whose request carried the permission) or an operator at the server
  (`cli:<account>`), never for apps (`app:<id>`);
- an app marks payouts paid or failed only when `WFX_APPS_MAY_MARK_PAID` says so (a bank app
  reporting transfers);
- nobody approves, rejects or adjusts the money of the distributor linked to their own user;
- the second-approval threshold counts what a distributor asked for over a rolling 24 hours, so
  ten requests just under it need two approvers as one above it does.

Since an app can never approve, a staff token and an app token of one person can never be two
approvers.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import PayoutError
from ..models import Distributor, Payout

# A refusal rolls its transaction back, so it cannot leave a row on the audit trail: the log is
# where a security review finds who tried.
logger = logging.getLogger("saleor_wfx_plugin.duties")
ROLLING_WINDOW = timedelta(hours=24)
# Requests that never were money leaving: they do not count towards the window.
_NOT_COUNTED = (Payout.Status.CANCELLED, Payout.Status.REJECTED)
# Whole sentences per verb: a verb dropped into a sentence cannot be translated.
_OWN_MONEY = {
    "approve": gettext_lazy(
        "You cannot approve money of your own distributor account: another staff member must."
    ),
    "reject": gettext_lazy(
        "You cannot reject money of your own distributor account: another staff member must."
    ),
    "adjust": gettext_lazy(
        "You cannot adjust money of your own distributor account: another staff member must."
    ),
    "release": gettext_lazy(
        "You cannot release held commission of your own distributor account: another staff "
        "member must."
    ),
    "freeze or unfreeze": gettext_lazy(
        "You cannot freeze or unfreeze the balance of your own distributor account: another "
        "staff member must."
    ),
}


class DutiesError(PayoutError):
    """A decision the actor may not take, whatever their permissions. A PayoutError, so a bulk
    approval reports it on the row of the distributor concerned and goes on with the others."""


def require_staff_user(actor: str, action: str | Promise) -> None:
    """`action` completes "… is for staff users", e.g. gettext_lazy("Approving a payout")."""
    if not actor.startswith(("user:", "cli:")):
        raise _refused(
            actor,
            action,
            _("%(action)s is for staff users, not apps: sign in to the dashboard as yourself.")
            % {"action": action},
            "staff_only",
        )


def require_may_mark_paid(actor: str) -> None:
    if actor.startswith("app:") and not getattr(settings, "WFX_APPS_MAY_MARK_PAID", False):
        raise _refused(
            actor,
            "Recording a transfer",
            _(
                "Apps may not record transfers unless the shop allows it (WFX_APPS_MAY_MARK_PAID); "
                "a staff user marks the payout paid or failed."
            ),
            "staff_only",
        )


def refuse_own_money(actor: str, distributor_id: int, action: str) -> None:
    """`action` completes "You cannot … your own distributor account", e.g. "approve"."""
    user_id = actor.removeprefix("user:") if actor.startswith("user:") else None
    if user_id and Distributor.objects.filter(pk=distributor_id, user_id=user_id).exists():
        raise _refused(
            actor,
            f"To {action} the money of distributor {distributor_id}",
            str(_OWN_MONEY[action]),
            "own_distributor",
        )


def _refused(actor: str, what: str | Promise, message: str, code: str) -> DutiesError:
    # The log is read by the shop's developers, in English whatever the request's language.
    with translation.override("en"):
        logger.warning("%s refused to %s (%s)", str(what), actor, code)
    return DutiesError(message, code=code)


def requested_within_a_day(payout: Payout) -> Decimal:
    """What the distributor asked for in this currency in the 24 hours up to and including this
    request (cancelled and rejected requests aside): the amount the threshold is compared with."""
    total = (
        Payout.objects.filter(
            distributor_id=payout.distributor_id,
            currency=payout.currency,
            created_at__gt=payout.created_at - ROLLING_WINDOW,
            created_at__lte=payout.created_at,
        )
        .exclude(status__in=_NOT_COUNTED)
        .exclude(pk=payout.pk)
        .aggregate(total=Sum("amount"))["total"]
    )
    return payout.amount + (total or Decimal(0))
