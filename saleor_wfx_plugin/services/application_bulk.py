"""Approve many applications at once (the dashboard's bulk action).

Each application is approved as `approve_application` approves one, in its own transaction:
one that cannot be approved (decided meanwhile, the customer already a distributor) is reported
and the others still go through. Approving twice is harmless: the second time reports
ALREADY_REVIEWED and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..errors import DistributorError, ProgrammeError
from ..models import Distributor, DistributorApplication
from .applications import approve_application

MAX_BULK_APPLICATIONS = 100


@dataclass(frozen=True)
class ApplicationResult:
    application_id: int
    application: DistributorApplication | None = None
    distributor: Distributor | None = None
    error: ProgrammeError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def approve_applications(application_ids: Sequence[int], *, actor: str) -> list[ApplicationResult]:
    if not application_ids:
        raise DistributorError(_("List at least one application."), code="required", field="ids")
    if len(application_ids) > MAX_BULK_APPLICATIONS:
        raise DistributorError(
            _("At most %(max_bulk_applications)s applications at once.")
            % {"max_bulk_applications": MAX_BULK_APPLICATIONS},
            code="too_large",
            field="ids",
        )
    found = DistributorApplication.objects.in_bulk(list(application_ids))
    results: list[ApplicationResult] = []
    seen: set[int] = set()
    for application_id in application_ids:
        application = found.get(application_id)
        if application is None:
            error = DistributorError(_("No such application."), code="not_found", field="ids")
            results.append(ApplicationResult(application_id, error=error))
            continue
        if application_id in seen:
            error = DistributorError(_("Listed twice; approved once."), code="invalid", field="ids")
            results.append(ApplicationResult(application_id, application, error=error))
            continue
        seen.add(application_id)
        try:
            distributor = approve_application(application, actor=actor)
        except ProgrammeError as refusal:
            application.refresh_from_db()
            results.append(ApplicationResult(application_id, application, error=refusal))
            continue
        results.append(ApplicationResult(application_id, application, distributor))
    return results
