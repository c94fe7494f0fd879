"""What a learner types: every accepted form of durations, days, fractions and goals, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest

from mlpath import entry
from mlpath.errors import InputInvalid

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize("text, hours", [
    ("30m", 0.5), ("90m", 1.5), ("1h30m", 1.5), ("1h30", 1.5), ("1:30", 1.5), ("1.5", 1.5), ("1.5h", 1.5),
    ("2", 2.0), (" 2h ", 2.0), ("45 min", 0.75), ("0:05", 0.0833), (".5", 0.5), ("1H30M", 1.5),
])
def test_durations(text, hours):
    assert entry.duration(text) == pytest.approx(hours)


@pytest.mark.parametrize("text", ["", "lots", "1,5", "-1", "1h60", "1:75", "1.5.2", "h", "1d", "nan", "inf", "1e3"])
def test_bad_durations_name_the_accepted_forms(text):
    with pytest.raises(InputInvalid) as info:
        entry.duration(text)
    assert info.value.hint == f"use {entry.DURATION_FORMS}"


def test_zero_time_is_refused():
    for text in ("0", "0m", "0:00", "0h0m"):
        with pytest.raises(InputInvalid, match="no time at all"):
            entry.duration(text)


@pytest.mark.parametrize("text, day", [
    ("today", TODAY), ("yesterday", date(2026, 11, 24)), ("-3d", date(2026, 11, 22)), ("-0d", TODAY),
    ("monday", date(2026, 11, 23)), ("Mon", date(2026, 11, 23)), ("wednesday", TODAY),
    ("thursday", date(2026, 11, 19)), ("sun", date(2026, 11, 22)), ("2026-11-20", date(2026, 11, 20)),
])
def test_days(text, day):
    assert entry.day(text, TODAY) == day


@pytest.mark.parametrize("text", ["tomorow", "24.11.2026", "3d", "-d", "mo", "2026-13-01", ""])
def test_bad_days_name_the_accepted_forms(text):
    with pytest.raises(InputInvalid) as info:
        entry.day(text, TODAY)
    assert info.value.hint == f"use {entry.DAY_FORMS}"


def test_future_days_are_refused():
    with pytest.raises(InputInvalid, match="in the future"):
        entry.day("2026-11-26", TODAY)


@pytest.mark.parametrize("text, share", [("5/12", 5 / 12), ("0/3", 0.0), ("12/12", 1.0), ("40%", 0.4),
                                         ("12.5 %", 0.125), ("100%", 1.0)])
def test_fractions(text, share):
    assert entry.fraction(text) == pytest.approx(share, abs=1e-4)


@pytest.mark.parametrize("text, message", [("13/12", "more than all of it"), ("101%", "more than all of it"),
                                           ("1/0", "nothing to divide by"), ("half", "not a progress fraction"),
                                           ("-1/2", "not a progress fraction"), ("0.4", "not a progress fraction")])
def test_bad_fractions(text, message):
    with pytest.raises(InputInvalid, match=message):
        entry.fraction(text)


def test_weekly_goals():
    assert entry.weekly_hours("8") == 8 and entry.weekly_hours("7h30m") == 7.5
    for text, message in (("-1", "negative"), ("0", "gives no plan"), ("200", "more than a week has"),
                          ("lots", "not hours a week")):
        with pytest.raises(InputInvalid, match=message):
            entry.weekly_hours(text)
