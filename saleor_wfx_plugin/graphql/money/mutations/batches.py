from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError
from ....models import Payout
from ...core.context import active_program, viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation, BulkMutation
from ...core.types import CsvExport, Upload
from ..filters import _payout_pk
from ..types import PayoutBatchType, PayoutMethodEnum, PayoutType, _csv, _results


# --- Mutations -------------------------------------------------------------------------------
class PayoutBatchCreate(BaseMutation):
    class Meta:
        description = (
            "Export the approved payouts not yet in a batch (of one method and currency, when "
            "given) for the bank: they become EXPORTED, in one new batch, and the file comes "
            "back. Nothing waiting: NOTHING_TO_EXPORT, and no batch."
        )

    class Arguments:
        method = PayoutMethodEnum()
        currency = graphene.String()

    batch = graphene.Field(PayoutBatchType)
    export = graphene.Field(CsvExport)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, method: str | None = None, currency: str | None = None) -> Any:
        from ....services.payouts import batch_filename, create_batch

        batch, content = create_batch(actor=viewer(info).actor, method=method, currency=currency)
        return cls.ok(batch=batch, export=_csv(batch_filename(batch), content))


class PayoutMarkFailed(BaseMutation):
    class Meta:
        description = (
            "The bank returned an exported payout: the money goes back to the distributor "
            "(held money to the hold while its order's hold runs) and it no longer counts for "
            "its tax month."
        )

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="The bank's reason.")

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.payouts import mark_failed

        payout = get_by_id(Payout, id, "Payout")
        return cls.ok(payout=mark_failed(payout, actor=viewer(info).actor, reason=reason))


class PayoutBulkApprove(BulkMutation):
    class Meta:
        description = (
            "Approve up to 100 payouts, each as payoutApprove would; a result per payout, in the "
            "order given."
        )

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, ids: list[str]) -> Any:
        from ....services.payouts import approve_payouts

        program = active_program()
        payout_ids = [_payout_pk(global_id) for global_id in ids]
        rows = approve_payouts(payout_ids, actor=viewer(info).actor, program=program)
        return cls.ok(results=_results(rows))


class PayoutBulkMarkPaid(BulkMutation):
    class Meta:
        description = (
            "Apply the bank's reconciliation file (CSV: payout_id, reference; optional status "
            "paid or failed, and reason for failed rows): a result per row. Rows already "
            "applied come back UNCHANGED, so the same file can be sent again."
        )

    class Arguments:
        file = Upload(required=True)

    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, file: Any) -> Any:
        from ....services.payouts import reconcile_bank_file

        if not hasattr(file, "read"):
            raise InputError(
                _("Send the file with the GraphQL multipart request."),
                code="invalid_file",
                field="file",
            )
        rows = reconcile_bank_file(file.read(), actor=viewer(info).actor)
        return cls.ok(results=_results(rows))
