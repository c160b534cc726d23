"""Monthly supervision compliance of one technician: pure arithmetic, no Flask, no database.

The default rules are the BACB's ongoing-supervision requirements for RBTs (docs/supervision.md
names the source and version); a clinic may configure stricter ones (``BDC_SUPERVISION_*``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["BACB_RBT_RULES", "Contact", "MonthCompliance", "SupervisionRules", "month_compliance"]


@dataclass(frozen=True)
class SupervisionRules:
    """What a month of supervision must hold. ``min_percent`` is of the service minutes."""

    min_percent: float = 5.0
    min_contacts: int = 2
    min_individual: int = 1
    min_observed: int = 1
    source: str = "BACB RBT Handbook, ongoing supervision requirements"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min_percent) and 0 <= self.min_percent <= 100):
            raise ValueError("min_percent must be between 0 and 100")
        for name in ("min_contacts", "min_individual", "min_observed"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more")


BACB_RBT_RULES = SupervisionRules()


@dataclass(frozen=True)
class Contact:
    """A supervision contact as the rules see it."""

    minutes: int
    individual: bool
    client_present: bool


@dataclass(frozen=True)
class MonthCompliance:
    """One technician's month against the rules, and what is still needed to meet them."""

    service_minutes: float
    supervised_minutes: int
    supervised_percent: float | None  # None when there were no service minutes
    contacts: int
    individual_contacts: int
    observed_contacts: int
    minutes_needed: int
    contacts_needed: int
    individual_needed: int
    observed_needed: int
    applies: bool  # False: no service in the month, so nothing is required

    @property
    def met(self) -> bool:
        return not self.applies or not (
            self.minutes_needed
            or self.contacts_needed
            or self.individual_needed
            or self.observed_needed
        )

    @property
    def needs(self) -> list[str]:
        """What is still missing, in words a supervisor reads."""
        if not self.applies:
            return []
        wanted = []
        if self.minutes_needed:
            wanted.append(f"{self.minutes_needed} more supervised minute(s)")
        if self.contacts_needed:
            wanted.append(f"{self.contacts_needed} more contact(s)")
        if self.individual_needed:
            wanted.append(f"{self.individual_needed} more individual contact(s)")
        if self.observed_needed:
            wanted.append(f"{self.observed_needed} more contact(s) observing with the client")
        return wanted


def month_compliance(
    service_minutes: float, contacts: Iterable[Contact], rules: SupervisionRules = BACB_RBT_RULES
) -> MonthCompliance:
    """Compare a month of supervision contacts with the rules.

    Formula: supervised % = 100 x (sum of contact minutes) / service minutes. The percentage
    rule is met when supervised minutes x 100 >= ``min_percent`` x service minutes, compared
    in exact rational arithmetic, so a month at exactly 5 % meets a 5 % rule and 4.9 % does
    not (no floating-point rounding either way). ``minutes_needed`` is the whole minutes
    still to supervise, rounded up.

    Counting: every contact counts toward ``min_contacts``; an individual contact (one
    supervisor, one technician) toward ``min_individual``; a contact with the client present
    (the supervisor observes the technician with the client) toward ``min_observed``.

    Edge case: a month with no service minutes requires nothing (``applies`` is False): the
    BACB's requirements are relative to the services provided.

    Reference: BACB, RBT Handbook, "Ongoing Supervision" (docs/supervision.md).
    """
    if not math.isfinite(service_minutes) or service_minutes < 0:
        raise ValueError("service_minutes must be a finite number >= 0")
    contacts = list(contacts)
    for contact in contacts:
        if contact.minutes < 0:
            raise ValueError("contacts: minutes must be 0 or more")
    supervised = sum(c.minutes for c in contacts)
    individual = sum(1 for c in contacts if c.individual)
    observed = sum(1 for c in contacts if c.client_present)
    service = Fraction(service_minutes)
    required = Fraction(str(rules.min_percent)) * service / 100
    applies = service > 0
    return MonthCompliance(
        service_minutes=float(service_minutes),
        supervised_minutes=supervised,
        supervised_percent=float(Fraction(supervised) * 100 / service) if applies else None,
        contacts=len(contacts),
        individual_contacts=individual,
        observed_contacts=observed,
        minutes_needed=max(0, math.ceil(required - supervised)) if applies else 0,
        contacts_needed=max(0, rules.min_contacts - len(contacts)) if applies else 0,
        individual_needed=max(0, rules.min_individual - individual) if applies else 0,
        observed_needed=max(0, rules.min_observed - observed) if applies else 0,
        applies=applies,
    )
