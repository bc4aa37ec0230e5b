"""The errors the programme refuses things with: a message for people, a stable `code` (the API's
`DistributionErrorCode`), the `field` it is about and, for a rule of the domain layer, that
rule's `detail_code`. One class per area, all `ProgrammeError`, so the API reports any of them
the same way while callers can catch just their own."""

from __future__ import annotations


class ProgrammeError(ValueError):
    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: str | None = None,
        detail_code: str | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.field = field
        # The domain's own code (domain/messages.py) when the refusal is one of its rules': finer
        # than `code`, which the API keeps stable.
        self.detail_code = detail_code


class DistributorError(ProgrammeError):
    """Distributors, applications, documents, imports, identities."""


class PayoutError(ProgrammeError):
    """Payout requests and decisions, bank batches, tax exports."""


class LedgerError(ProgrammeError):
    """Staff adjustments of a balance."""


class ProgrammeConfigError(ProgrammeError):
    """Grades, grade upgrades and commission rules."""


class OrderError(ProgrammeError):
    """An order's attribution and commission changed by staff: attributing by hand, reversing."""


class InputError(ProgrammeError):
    """What the API was sent cannot be read: an id of another type, a malformed cursor."""


class UnbalancedMovement(RuntimeError):
    """A bug, not a refusal: a movement between buckets whose legs do not sum to zero."""
