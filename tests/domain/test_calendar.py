from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_wfx_plugin.domain.calendar import add_business_days, is_business_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

# China's 2026 National Day week as the State Council scheduled it: 1-7 October off, Sunday
# 20 September and Saturday 10 October worked in exchange (调休).
NATIONAL_DAY_2026 = frozenset(date(2026, 10, day) for day in range(1, 8))
MAKEUP_WORKDAYS_2026 = frozenset({date(2026, 9, 20), date(2026, 10, 10)})


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_friday_plus_three_is_available_when_wednesday_begins():
    # Fri 2026-03-06: Mon 9 (1), Tue 10 (2), Wed 11 (3) → Wednesday 00:00 in Shanghai.
    available = add_business_days(shanghai(2026, 3, 6, 15, 0), 3, SHANGHAI)
    assert available == shanghai(2026, 3, 11)
    assert available.tzinfo is UTC
    assert available == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def test_a_weekend_does_not_count():
    # Sat 2026-03-07 and Sun 8: T+1 is Monday 9 begins, T+2 Tuesday 10 begins.
    assert add_business_days(shanghai(2026, 3, 7, 10), 1, SHANGHAI) == shanghai(2026, 3, 9)
    assert add_business_days(shanghai(2026, 3, 8, 23), 2, SHANGHAI) == shanghai(2026, 3, 10)


def test_midweek_plus_three_skips_nothing():
    # Mon 2026-03-09 → Thu 12.
    assert add_business_days(shanghai(2026, 3, 9, 9), 3, SHANGHAI) == shanghai(2026, 3, 12)


def test_zero_days_is_the_start_itself():
    start = shanghai(2026, 3, 7, 10, 30)
    assert add_business_days(start, 0, SHANGHAI) == start


def test_national_day_week_and_its_makeup_workdays():
    # Confirmed Wed 2026-09-30: Thu 1 - Wed 7 October are holidays, Thu 8 (1), Fri 9 (2),
    # Sat 10 is worked (3) → available when Saturday 10 October begins.
    assert add_business_days(
        shanghai(2026, 9, 30, 12),
        3,
        SHANGHAI,
        holidays=NATIONAL_DAY_2026,
        workdays=MAKEUP_WORKDAYS_2026,
    ) == shanghai(2026, 10, 10)


def test_a_makeup_sunday_counts_as_a_business_day():
    # Confirmed Sat 2026-09-19: Sun 20 is worked (1), Mon 21 (2), Tue 22 (3) → Tuesday begins.
    assert add_business_days(
        shanghai(2026, 9, 19, 12), 3, SHANGHAI, workdays=MAKEUP_WORKDAYS_2026
    ) == shanghai(2026, 9, 22)
    # Without the makeup day the Sunday is a weekend: Mon (1), Tue (2), Wed (3) → Wednesday.
    assert add_business_days(shanghai(2026, 9, 19, 12), 3, SHANGHAI) == shanghai(2026, 9, 23)


def test_days_are_counted_in_the_shops_time_zone_not_utc():
    # Thu 2026-03-05 17:30 UTC is already Fri 6 01:30 in Shanghai: Friday's money, so T+1
    # begins on Monday 9 in Shanghai. Counted in UTC it would be Friday 6.
    thursday_evening_utc = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
    assert add_business_days(thursday_evening_utc, 1, SHANGHAI) == shanghai(2026, 3, 9)
    assert add_business_days(thursday_evening_utc, 1, ZoneInfo("UTC")) == datetime(
        2026, 3, 6, tzinfo=UTC
    )


def test_a_day_starts_at_local_midnight_across_a_dst_change():
    # Berlin moves to summer time on Sun 2026-03-29. Confirmed Fri 27 at 12:00 (UTC+1): T+1 is
    # Monday 30 March 00:00 in summer time, UTC+2 → 29 March 22:00 UTC, not 23:00.
    start = datetime(2026, 3, 27, 12, tzinfo=BERLIN)
    assert add_business_days(start, 1, BERLIN) == datetime(2026, 3, 29, 22, tzinfo=UTC)
    # And back: winter time from Sun 2026-10-25. Fri 23 → Mon 26 00:00 UTC+1 = 25 Oct 23:00 UTC.
    start = datetime(2026, 10, 23, 12, tzinfo=BERLIN)
    assert add_business_days(start, 1, BERLIN) == datetime(2026, 10, 25, 23, tzinfo=UTC)


def test_a_day_whose_midnight_is_skipped_begins_at_the_clock_change():
    # Chile's clocks jump from 00:00 to 01:00 on Sun 2026-09-06. Were it a makeup workday, it
    # would begin at 01:00 local (UTC-3) = 04:00 UTC, the instant of the change.
    santiago = ZoneInfo("America/Santiago")
    available = add_business_days(
        datetime(2026, 9, 5, 12, tzinfo=santiago),
        1,
        santiago,
        workdays=frozenset({date(2026, 9, 6)}),
    )
    assert available == datetime(2026, 9, 6, 4, tzinfo=UTC)
    assert available.astimezone(santiago).hour == 1


def test_naive_start_and_negative_days_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_days(datetime(2026, 3, 6, 12), 3, SHANGHAI)
    with pytest.raises(ValueError, match="at least 0"):
        add_business_days(shanghai(2026, 3, 6, 12), -1, SHANGHAI)


def test_business_days():
    assert is_business_day(date(2026, 10, 9))  # Friday
    assert not is_business_day(date(2026, 10, 11))  # Sunday
    assert not is_business_day(date(2026, 10, 1), NATIONAL_DAY_2026)  # Thursday, holiday
    assert is_business_day(date(2026, 10, 10), NATIONAL_DAY_2026, MAKEUP_WORKDAYS_2026)


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=30),
)
def test_the_hold_ends_at_local_midnight_of_a_business_day_with_n_business_days_between(
    start, days
):
    available = add_business_days(start, days, SHANGHAI, holidays=NATIONAL_DAY_2026)
    local = available.astimezone(SHANGHAI)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert is_business_day(local.date(), NATIONAL_DAY_2026)
    first_day = start.astimezone(SHANGHAI).date() + timedelta(days=1)
    counted = [
        first_day + timedelta(days=offset)
        for offset in range((local.date() - first_day).days + 1)
        if is_business_day(first_day + timedelta(days=offset), NATIONAL_DAY_2026)
    ]
    assert len(counted) == days
