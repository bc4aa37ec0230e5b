"""Business days in the shop's time zone, for the T+N hold before commission becomes available.

A day is a business day from Monday to Friday unless it is a configured holiday; a configured
working day is a business day whatever its weekday, because China moves weekends to lengthen
public holidays (调休) and the shop's finance team works on those Saturdays and Sundays.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .messages import DomainError, Joined, phrase

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A range longer than a year in a holiday list is a typo (2026-10-01..2027-10-07), not a holiday.
MAX_DATE_RANGE_DAYS = 366


def is_business_day(
    day: date,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> bool:
    if day in workdays:
        return True
    return day.weekday() < _SATURDAY and day not in holidays


def add_business_days(
    start: datetime,
    days: int,
    tz: ZoneInfo,
    *,
    holidays: frozenset[date] = frozenset(),
    workdays: frozenset[date] = frozenset(),
) -> datetime:
    """The moment, in UTC, when the `days`-th business day after `start`'s local date begins.

    "Local" is the shop's time zone `tz`: money confirmed at 23:30 on a Friday in Shanghai is
    Friday's money even though it is still Friday afternoon in UTC, and Monday begins at 00:00
    in Shanghai. Counting starts the day after the start's date, whatever that date is: with
    `days=3`, money confirmed on a Friday or a Saturday becomes available when Wednesday begins
    (Monday, Tuesday, Wednesday). `days=0` is `start` itself.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise DomainError("naive_start")
    if days < 0:
        raise DomainError("negative_business_days", days=days)
    if days == 0:
        return start.astimezone(UTC)
    day = start.astimezone(tz).date()
    remaining = days
    while remaining:
        day += _ONE_DAY
        if is_business_day(day, holidays, workdays):
            remaining -= 1
    # A midnight that a DST change skips (Chile, Lebanon move clocks at 00:00) resolves to the
    # instant of the change with fold=0, which is when that day actually begins.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def parse_dates(value: object) -> frozenset[date]:
    """Dates as YYYY-MM-DD separated by commas, spaces or new lines; FIRST..LAST is a range
    (2026-10-01..2026-10-07 for a holiday week)."""
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    days: set[date] = set()
    for item in items:
        if isinstance(item, date):
            days.add(item)
            continue
        for token in str(item).replace(",", " ").split():
            first_text, separator, last_text = token.partition("..")
            first = _parse_date(first_text)
            if not separator:
                days.add(first)
                continue
            last = _parse_date(last_text)
            length = (last - first).days + 1
            if not 1 <= length <= MAX_DATE_RANGE_DAYS:
                raise DomainError("date_range_too_long", token=token, max_days=MAX_DATE_RANGE_DAYS)
            days.update(first + timedelta(days=offset) for offset in range(length))
    return frozenset(days)


def _parse_date(text: str) -> date:
    if DATE_PATTERN.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise DomainError("not_a_date", text=text)


def parse_workdays(value: object) -> frozenset[date]:
    days = parse_dates(value)
    weekdays = sorted(day for day in days if day.weekday() < 5)
    if weekdays:
        listed = Joined(
            tuple(
                phrase(
                    "dated_weekday", day=day.isoformat(), weekday=phrase(f"weekday_{day.weekday()}")
                )
                for day in weekdays
            ),
            ", ",
        )
        raise DomainError("weekday_listed_as_workday", listed=listed)
    return days
