"""What the commands that move money or change grades share: the month they are given, and
doing their work on the shop's writer database, and only while the programme is on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError

from ..domain.settings import ProgramSettings
from ..errors import ProgrammeError
from ..services.grades import parse_month
from ..shop import get_shop

Result = TypeVar("Result")


def month_option(month: str | None) -> date | None:
    """--month YYYY-MM; None (no option) leaves the choice to the service: the previous month."""
    try:
        return parse_month(month) if month else None
    except ProgrammeError as error:
        raise CommandError(str(error)) from None


def with_active_programme(
    command: BaseCommand, work: Callable[[ProgramSettings], Result], *, nothing_done: str
) -> Result | None:
    """`work` with the programme's settings, on the writer database; None, and `nothing_done`
    said, while the plugin is inactive. A refusal of the service is the command's error."""
    shop = get_shop()
    with shop.writer_access():
        program = shop.program_settings()
        if program is None:
            command.stdout.write(f"The distribution plugin is not active: {nothing_done}")
            return None
        try:
            return work(program)
        except ProgrammeError as error:
            raise CommandError(str(error)) from None
