"""The domain layer's refusals in the client's language. domain/ has no Django, so its errors
carry a code and parameters (domain/messages.py); here they meet gettext, at the edge of the
services and the API, with the language `i18n.request_language` chose for the request."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext

from .domain.messages import DomainError, Phrase
from .domain.settings import InvalidProgramSettings
from .errors import ProgrammeConfigError, ProgrammeError


def translated(problem: DomainError | Phrase) -> str:
    phrase = problem.phrase if isinstance(problem, DomainError) else problem
    return phrase.render(gettext)


def translated_settings_errors(error: InvalidProgramSettings) -> Mapping[str, str]:
    """Each invalid setting's message, by setting name, for Saleor's plugin configuration form."""
    return {name: translated(problem) for name, problem in error.problems.items()}


def refusal(
    error: DomainError,
    *,
    code: str = "invalid",
    field: str | None = None,
    kind: type[ProgrammeError] = ProgrammeConfigError,
) -> ProgrammeError:
    """The domain's refusal as the API reports it: translated, with the API's `code` and the
    domain's own as `detail_code`."""
    return kind(translated(error), code=code, field=field, detail_code=error.code)
