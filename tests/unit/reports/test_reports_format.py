"""One formatting of figures for the PDF, the API and the PWA (issue 12)."""

from __future__ import annotations

import math

import pytest

from bdc.reports import format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0612, "0.061"),
        (0.48, "0.48"),
        (0.0047, "0.0047"),
        (0.5, "0.50"),
        (6.875, "6.9"),
        (12.45, "12.4"),
        (244.1, "244"),
        (0, "0"),
        (-0.25, "-0.25"),
        (None, fmt.DASH),
        (math.nan, fmt.DASH),
    ],
)
def test_number_keeps_the_precision_its_size_needs(value, text):
    assert fmt.number(value) == text


def test_small_rates_never_read_as_zero_and_every_value_has_its_unit():
    # the client view showed rate levels 0.1 and 0.5 and a range "0-0"; the PDF 0.06/min
    assert fmt.value(0.0612, "rate") == "0.061/min"
    assert fmt.value_range(0.012, 0.11, "rate") == "0.012\u20130.11/min"
    assert fmt.value(6.875, "frequency") == "6.9/session"
    assert fmt.value(6.875, "frequency", long=True) == "6.9 per session"
    assert fmt.value(97.5, "dtt") == "97.5%"
    assert fmt.value(97.5, "dtt", long=True) == "97.5% independent"
    assert fmt.value(28.94, "latency") == "28.9 s"
    assert fmt.value(4.2, "rating") == "4.2"
    assert fmt.value_range(83.3, 100, "percent") == "83\u2013100%"
    assert fmt.value(None, "rate") == fmt.value_range(1, None, "rate") == fmt.DASH


def test_goal_direction_words():
    assert fmt.goal("decrease") == "\u2193 decrease" and fmt.goal("increase") == "\u2191 increase"
