"""The verified person behind a distributor account, for income tax.

This is the one module that reads or writes a resident ID number: the API and the exports ask
it for masked or full numbers, nothing else touches the columns. The number is encrypted at rest
(`encryption.py`); a person is found by the keyed hash of their number, and screens show the
masked form stored beside it, so only the withholding return ever decrypts.

Rules:
- Set once: by staff (at the application's approval or with `set_identity`), or by the first
  payout request that sends a number. The legal name is the one the ID card carries; a payout
  request takes the payee's name for it.
- A later payout request need not send the number; one that sends a different number is refused
  (`identity_mismatch`), so a typo, or somebody else's card, cannot move a person's income.
- Only staff change it, with a reason, on the distributor's audit trail (masked numbers only).
- Two accounts that give the same number are one person (one `TaxIdentity`), whose monthly
  income is taxed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import encryption
from ..domain.masking import mask_identity_number
from ..domain.payees import is_valid_resident_id
from ..lock_objects import lock_distributor
from ..models import Distributor, DistributorEvent, TaxIdentity
from .distributors import DistributorError
from .events import record_event

MAX_LEGAL_NAME_LENGTH = TaxIdentity._meta.get_field("legal_name").max_length


@dataclass(frozen=True)
class IdentityView:
    """What the API shows of a profile's identity: never the full number."""

    legal_name: str
    id_type: str
    id_number_masked: str
    set_by: str
    set_at: datetime | None


@dataclass(frozen=True)
class FilingIdentity:
    """The full identity, for the withholding return only."""

    legal_name: str
    id_type_label: str
    id_number: str


def masked_identity(distributor: Distributor) -> IdentityView | None:
    identity = distributor.identity
    if identity is None:
        return None
    return IdentityView(
        legal_name=identity.legal_name,
        id_type=identity.id_type,
        id_number_masked=identity.id_number_masked,
        set_by=distributor.identity_set_by,
        set_at=distributor.identity_set_at,
    )


def masked_id_number(identity: TaxIdentity | None) -> str:
    return identity.id_number_masked if identity is not None else ""


def filing_identities(identity_ids: set[int]) -> dict[int, FilingIdentity]:
    """Full numbers, by `TaxIdentity` id: only the withholding return may ask for them. An
    erased person has none left (the return shows the placeholder name and an empty number)."""
    return {
        identity.pk: FilingIdentity(
            legal_name=identity.legal_name,
            id_type_label=str(TaxIdentity.IdType(identity.id_type).label),
            id_number=encryption.decrypt(identity.id_number_ciphertext),
        )
        for identity in TaxIdentity.objects.filter(pk__in=identity_ids)
    }


def full_id_number(identity: TaxIdentity) -> str:
    """The number itself, for erasing it from free text (services/erasure.py)."""
    return encryption.decrypt(identity.id_number_ciphertext)


def is_number_of(identity: TaxIdentity, number: str) -> bool:
    """Whether `number` (cleaned) is this person's, by its keyed hash: no decryption."""
    return identity.id_number_hash in encryption.lookup_hashes(
        number, purpose=encryption.RESIDENT_ID
    )


def _sealed_number(number: str) -> dict[str, str]:
    return {
        "id_number_ciphertext": encryption.encrypt(number),
        "id_number_hash": encryption.lookup_hash(number, purpose=encryption.RESIDENT_ID),
        "id_number_masked": mask_identity_number(number),
    }


def clean_id_number(value: str, *, code: str = "invalid_id_number") -> str:
    number = value.strip().upper()
    if not is_valid_resident_id(number):
        raise DistributorError(
            _(
                "That resident ID number is not valid (18 characters, with a correct check "
                "character)."
            ),
            code=code,
            field="idNumber",
        )
    return number


def _clean_legal_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise DistributorError(
            _("Enter the name on the ID card."), code="required", field="legalName"
        )
    if len(name) > MAX_LEGAL_NAME_LENGTH:
        raise DistributorError(
            _("A name has at most %(max_legal_name_length)s characters.")
            % {"max_legal_name_length": MAX_LEGAL_NAME_LENGTH},
            code="name_too_long",
            field="legalName",
        )
    return name


def _person(id_number: str, legal_name: str) -> TaxIdentity:
    """The one row for this number; created if new. Two requests creating it at once meet at
    the unique constraint (on the hash under the first key) and the second uses the first's
    row. Found under any configured key's hash, so a rotation in progress finds everyone."""
    kind = TaxIdentity.IdType.RESIDENT_ID
    hashes = encryption.lookup_hashes(id_number, purpose=encryption.RESIDENT_ID)
    found = TaxIdentity.objects.filter(id_type=kind, id_number_hash__in=hashes).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return TaxIdentity.objects.create(
                id_type=kind, legal_name=legal_name, **_sealed_number(id_number)
            )
    except IntegrityError:
        return TaxIdentity.objects.get(id_type=kind, id_number_hash__in=hashes)


def _link(
    distributor: Distributor,
    identity: TaxIdentity,
    *,
    actor: str,
    reason: str,
    source: str,
) -> None:
    previous = distributor.identity
    distributor.identity = identity
    distributor.identity_set_by = actor[:128]
    distributor.identity_set_at = timezone.now()
    distributor.save(update_fields=["identity", "identity_set_by", "identity_set_at", "updated_at"])
    record_event(
        distributor,
        DistributorEvent.Kind.IDENTITY_SET
        if previous is None
        else DistributorEvent.Kind.IDENTITY_CHANGED,
        actor=actor,
        reason=reason,
        source=source,
        legal_name=identity.legal_name,
        id_number=masked_id_number(identity),
        previous_id_number=masked_id_number(previous) or None,
    )


@transaction.atomic
def set_identity(
    distributor: Distributor, *, legal_name: str, id_number: str, actor: str, reason: str = ""
) -> Distributor:
    """Staff record the identity they verified (on the ID card the applicant sent, or in
    person). The first time needs no reason; a change does. The legal name belongs to the
    number: correcting it here corrects it for every account of that person."""
    number = clean_id_number(id_number)
    name = _clean_legal_name(legal_name)
    reason = reason.strip()
    distributor = lock_distributor(distributor.pk)
    refuse_if_erased(distributor)
    current = distributor.identity
    if current is not None and current.legal_name == name and is_number_of(current, number):
        return distributor  # a retried call: nothing changes, nothing is recorded
    if current is not None and not reason:
        raise DistributorError(
            _("Say why the identity changes."), code="reason_required", field="reason"
        )
    identity = _person(number, name)
    if identity.legal_name != name:
        identity.legal_name = name
        identity.save(update_fields=["legal_name", "updated_at"])
    if current is not None and current.pk == identity.pk:
        record_event(
            distributor,
            DistributorEvent.Kind.IDENTITY_CHANGED,
            actor=actor,
            reason=reason,
            source="staff",
            legal_name=name,
            id_number=masked_id_number(identity),
            previous_legal_name=current.legal_name,
        )
        return distributor
    _link(distributor, identity, actor=actor, reason=reason[:500], source="staff")
    return distributor


def identity_for_payout_request(
    distributor: Distributor, *, id_number: str, payee_name: str, required: bool, actor: str
) -> TaxIdentity | None:
    """The identity a payout request is made under; the caller holds the distributor's row
    lock. A number sent for the first time becomes the profile's (with the payee's name)."""
    sent = clean_id_number(id_number, code="invalid_payee") if id_number.strip() else ""
    current = distributor.identity
    if current is not None:
        if sent and not is_number_of(current, sent):
            raise DistributorError(
                _("This is not the resident ID number on file. Staff change it on request."),
                code="identity_mismatch",
                field="idNumber",
            )
        return current
    if not sent:
        if required:
            # The merchant files the withholding under the payee's resident ID.
            raise DistributorError(
                _("A resident ID number is required for tax."),
                code="id_number_required",
                field="idNumber",
            )
        return None
    identity = _person(sent, payee_name.strip()[:MAX_LEGAL_NAME_LENGTH])
    if identity.legal_name != payee_name.strip():
        # Somebody else's number, or a different name than staff verified: only staff decide.
        raise DistributorError(
            _("This resident ID number is on file under another name. Ask staff to check it."),
            code="identity_mismatch",
            field="idNumber",
        )
    _link(distributor, identity, actor=actor, reason="", source="payout_request")
    return identity


def refuse_if_erased(distributor: Distributor) -> None:
    if distributor.erased_at is not None:
        raise DistributorError(
            _("This distributor's personal data was erased; the account cannot be used again."),
            code="erased",
        )
