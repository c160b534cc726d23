"""Monthly supervision compliance, worked out by hand (bdc.supervision_rules)."""

from __future__ import annotations

import pytest

from bdc.supervision_rules import BACB_RBT_RULES, Contact, SupervisionRules, month_compliance


def contacts(*spec: tuple[int, bool, bool]) -> list[Contact]:
    return [Contact(minutes=m, individual=i, client_present=p) for m, i, p in spec]


def test_exactly_five_percent_meets_the_rule():
    # 60 hours of service = 3600 minutes; 5 % of it = 180 minutes: 120 individual with the
    # client present + 60 in a group = 180 minutes = exactly 5.0 %.
    month = month_compliance(3600, contacts((120, True, True), (60, False, False)))
    assert month.supervised_minutes == 180
    assert month.supervised_percent == 5.0
    assert month.minutes_needed == 0
    assert (month.contacts, month.individual_contacts, month.observed_contacts) == (2, 1, 1)
    assert month.met
    assert month.needs == []


def test_four_point_nine_percent_falls_short_by_two_minutes():
    # 50 hours = 3000 minutes; 5 % = 150 minutes. 147 minutes supervised = 4.9 %;
    # 3 minutes are still needed.
    month = month_compliance(3000, contacts((90, True, True), (57, False, False)))
    assert month.supervised_percent == pytest.approx(4.9)
    assert month.minutes_needed == 3
    assert not month.met
    assert month.needs == ["3 more supervised minute(s)"]


def test_a_fraction_of_a_minute_short_still_needs_a_whole_minute():
    # 3001 minutes of service: 5 % = 150.05 minutes, so 150 supervised minutes are 0.05 short.
    month = month_compliance(3001, contacts((150, True, True), (0, False, False)))
    assert month.minutes_needed == 1
    assert not month.met


def test_two_contacts_both_in_a_group_need_an_individual_contact():
    # 40 hours = 2400 minutes; 5 % = 120. Two group contacts of 60 minutes, one with the
    # client present: percent, count and observation are met; the individual contact is not.
    month = month_compliance(2400, contacts((60, False, True), (60, False, False)))
    assert month.supervised_percent == 5.0
    assert (month.contacts, month.individual_contacts, month.observed_contacts) == (2, 0, 1)
    assert month.individual_needed == 1
    assert month.minutes_needed == month.contacts_needed == month.observed_needed == 0
    assert not month.met
    assert month.needs == ["1 more individual contact(s)"]


def test_one_long_contact_is_not_two():
    month = month_compliance(600, contacts((60, True, True)))
    assert month.supervised_percent == 10.0
    assert month.contacts_needed == 1
    assert not month.met


def test_no_contact_with_the_client_present():
    month = month_compliance(600, contacts((20, True, False), (20, True, False)))
    assert month.observed_needed == 1
    assert month.needs == ["1 more contact(s) observing with the client"]


def test_a_month_without_service_requires_nothing():
    month = month_compliance(0, [])
    assert not month.applies
    assert month.supervised_percent is None
    assert month.met
    assert month.needs == []


def test_an_empty_month_with_service_lists_everything_missing():
    month = month_compliance(1200, [])
    assert month.minutes_needed == 60
    assert (month.contacts_needed, month.individual_needed, month.observed_needed) == (2, 1, 1)
    assert len(month.needs) == 4


def test_clinic_rules_can_be_stricter():
    rules = SupervisionRules(min_percent=10, min_contacts=4)
    month = month_compliance(1200, contacts((60, True, True), (60, False, False)), rules)
    assert month.minutes_needed == 0  # 120 of 1200 = 10 %
    assert month.contacts_needed == 2
    assert BACB_RBT_RULES.min_percent == 5.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"min_percent": 101}, "min_percent"), ({"min_contacts": -1}, "min_contacts")],
)
def test_bad_rules_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SupervisionRules(**kwargs)


def test_bad_service_minutes_are_refused():
    with pytest.raises(ValueError, match="service_minutes"):
        month_compliance(float("nan"), [])
    with pytest.raises(ValueError, match="minutes"):
        month_compliance(60, [Contact(minutes=-5, individual=True, client_present=True)])
