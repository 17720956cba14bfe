"""Tests of claimbench.text.dates: weekdays and calendar dates."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from claimbench.text.dates import extract_dates

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------------------


def test_extract_dates() -> None:
    ds = extract_dates(
        "yesterday, Sunday; Monday 17 October 2016; on Sunday (Sept. 7) and Tuesday; 20 Oct 2016"
    )
    assert [(d.weekday, d.day, d.month, d.year, d.relative) for d in ds] == [
        (6, None, None, None, -1),
        (0, 17, 10, 2016, None),
        (6, 7, 9, None, None),
        (1, None, None, None, None),
        (None, 20, 10, 2016, None),
    ]
    assert extract_dates("in October 2016, the 5th") == []
