"""What an upgrade stores for stamps and days written before time was stored one way."""

from __future__ import annotations

import pytest

from mlpath import clock


@pytest.mark.parametrize(("text", "stored"), [
    ("2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z"),
    ("2026-11-01T12:00:00+02:00", "2026-11-01T10:00:00Z"),
    ("2026-11-01T10:00:00", "2026-11-01T10:00:00Z"),  # no zone: meant as UTC
    ("2026-11-01 10:00:00.123456", "2026-11-01T10:00:00Z"),
    ("2150-01-01T00:00:00", "2100-12-31T23:59:59Z"),  # no zone and past the range: its later end
    ("2150-01-01T00:00:00Z", "2100-12-31T23:59:59Z"),
    ("2100-12-31T23:00:00-05:00", "2100-12-31T23:59:59Z"),  # in 2101 once in UTC
    ("1969-12-31T23:00:00", "1970-01-01T00:00:00Z"),
    ("0001-01-01T00:00:00+01:00", "1970-01-01T00:00:00Z"),  # cannot even be turned into UTC
    ("yesterday", "1970-01-01T00:00:00Z"),
    ("", "1970-01-01T00:00:00Z"),
])
def test_repaired_stamp_is_the_stored_form_or_the_nearer_end_of_the_range(text, stored):
    assert clock.repaired_stamp(text) == stored


@pytest.mark.parametrize(("text", "stored"), [
    ("2026-11-01", "2026-11-01"),
    (" 20261101 ", "2026-11-01"),
    ("2150-01-01", "2100-12-31"),
    ("1900-01-01", "1970-01-01"),
    ("not a day", "1970-01-01"),
])
def test_repaired_day_is_the_stored_form_or_the_nearer_end_of_the_range(text, stored):
    assert clock.repaired_day(text) == stored
