"""Critical incident reports: read, signed off by a director, amended, never edited.

Technicians file reports through sync (offline too). A report is a chain of revisions: the
original (revision 1) and its amendments, each a new row that names the row it amends
(``amends_id``) and carries every field, changed or not. No row's content is ever updated:
the only change a stored row may take is its sign-off, once. The mapper guard at the end of
this module refuses any other UPDATE of an incident row, so no code path (this service, a
future one, a script using the ORM) can edit a report after the fact. docs/quality.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_smorest import abort
from sqlalchemy import event, inspect, select

from bdc import audit
from bdc.auth import EDITS_PROGRAMS, SEES_ALL, can_see_client, check_id, require_role
from bdc.dates import local_day
from bdc.extensions import db
from bdc.models import Client, Incident, User
from bdc.models.base import utcnow
from bdc.services import series

SIGNS_OFF = SEES_ALL
CONTENT_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "type",
    "antecedents",
    "deescalation",
    "injuries",
    "notified",
    "description",
)
SIGN_OFF_FIELDS = frozenset({"signed_off_by", "signed_off_at"})


class IncidentImmutable(RuntimeError):
    """An attempt to change a stored incident row other than by signing it off once."""


@dataclass(frozen=True)
class IncidentView:
    """One revision as answered by the API, with where it stands in its chain."""

    row: Incident
    root_id: str
    latest_id: str
    history: tuple[Incident, ...]

    def __getattr__(self, name):  # the row's columns, for the schema
        return getattr(self.row, name)

    @property
    def superseded_by(self) -> str | None:
        for later in self.history:
            if later.amends_id == self.row.id:
                return later.id
        return None

    @property
    def status(self) -> str:
        if self.row.id != self.latest_id:
            return "superseded"
        return "signed_off" if self.row.signed_off_at is not None else "open"


def chains(rows: Iterable[Incident]) -> list[list[Incident]]:
    """Group revisions into chains (original first), following ``amends_id``."""
    rows = list(rows)
    by_id = {r.id: r for r in rows}
    children: dict[str, Incident] = {}
    for row in rows:
        if row.amends_id is not None:
            children[row.amends_id] = row
    out = []
    for row in rows:
        if row.amends_id is None or row.amends_id not in by_id:
            chain = [row]
            while chain[-1].id in children:
                chain.append(children[chain[-1].id])
            out.append(chain)
    return out


def _chain_of(row: Incident) -> list[Incident]:
    rows = db.session.scalars(select(Incident).where(Incident.client_id == row.client_id))
    for chain in chains(rows):
        if any(r.id == row.id for r in chain):
            return chain
    return [row]  # unreachable: a row is in its own client's chains


def _view(row: Incident, chain: list[Incident]) -> IncidentView:
    return IncidentView(row=row, root_id=chain[0].id, latest_id=chain[-1].id, history=tuple(chain))


def incident_or_404(user: User, incident_id: str) -> Incident:
    incident_id = check_id(incident_id)
    incident = db.session.get(Incident, incident_id)
    if incident is None or not can_see_client(user, incident.client_id):
        abort(404, message="No such incident.")
    return incident


def list_incidents(
    client: Client,
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[IncidentView]:
    """The latest revision of each of a client's incidents, newest first."""
    rows = db.session.scalars(select(Incident).where(Incident.client_id == client.id))
    views = [_view(chain[-1], chain) for chain in chains(rows)]
    tz = series.zone_of_client(client.id)
    views = [v for v in views if _within(local_day(v.row.occurred_at, tz), date_from, date_to)]
    if status is not None:
        views = [v for v in views if v.status == status]
    audit.record("read", "incident", client_id=client.id)
    return sorted(views, key=lambda v: (v.row.occurred_at, v.row.id), reverse=True)


def read_incident(incident: Incident) -> IncidentView:
    audit.record("read", "incident", resource_id=incident.id, client_id=incident.client_id)
    return _view(incident, _chain_of(incident))


def sign_off(user: User, incident: Incident) -> IncidentView:
    """A director or admin signs off the latest revision; a signature is given once."""
    require_role(user, SIGNS_OFF)
    locked = _lock(incident)
    chain = _chain_of(locked)
    if locked.signed_off_at is not None:
        abort(409, message="This incident report is already signed off.")
    if chain[-1].id != locked.id:
        abort(409, message="This revision was amended; sign off the latest revision.")
    locked.signed_off_by = user.id
    locked.signed_off_at = utcnow()
    audit.record(
        "sign_off",
        "incident",
        resource_id=locked.id,
        client_id=locked.client_id,
        detail={"revision": locked.revision},
    )
    return _view(locked, chain)


def amend(user: User, incident: Incident, changes: dict) -> IncidentView:
    """Add the next revision with ``changes``; the amended row stays exactly as it was.

    The reporter of the incident, BCBAs, directors and admins may amend; an amendment must
    change something, and only the latest revision can be amended (a chain never forks).
    """
    locked = _lock(incident)
    chain = _chain_of(locked)
    authors = {r.reported_by for r in chain}
    if user.role not in EDITS_PROGRAMS and user.id not in authors:
        abort(403, message="Only the reporter, a BCBA, a director or an admin can amend this.")
    if chain[-1].id != locked.id:
        abort(409, message="A later revision exists; amend the latest revision.")
    changed = sorted(k for k, v in changes.items() if getattr(locked, k) != v)
    if not changed:
        abort(422, message="An amendment must change at least one field.")
    fields = {name: getattr(locked, name) for name in CONTENT_FIELDS}
    fields.update(changes)
    for key in ("deescalation", "notified"):
        fields[key] = list(fields[key])
    amendment = Incident(
        client_id=locked.client_id,
        reported_by=user.id,
        amends_id=locked.id,
        revision=locked.revision + 1,
        **fields,
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        "amend",
        "incident",
        resource_id=amendment.id,
        client_id=locked.client_id,
        detail={"amends_id": locked.id, "revision": amendment.revision, "fields": changed},
    )
    return _view(amendment, [*chain, amendment])


def _lock(incident: Incident) -> Incident:
    """Re-read the row with a row lock (PostgreSQL), so two sign-offs or amendments serialise."""
    return db.session.scalars(
        select(Incident)
        .where(Incident.id == incident.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def latest_revisions(
    client_ids, date_from: date | None, date_to: date | None
) -> list[IncidentView]:
    """The latest revision of every incident of the given clients (a list or a select),
    when it occurred within ``date_from`` .. ``date_to`` (the client's days, inclusive)."""
    rows = list(db.session.scalars(select(Incident).where(Incident.client_id.in_(client_ids))))
    views = [_view(chain[-1], chain) for chain in chains(rows)]
    zones = series.client_zones()
    return [
        v
        for v in views
        if _within(local_day(v.row.occurred_at, zones[v.row.client_id]), date_from, date_to)
    ]


def _within(day: date, date_from: date | None, date_to: date | None) -> bool:
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


# --- the guard ------------------------------------------------------------------------------


@event.listens_for(Incident, "before_update")
def _refuse_edits(mapper, connection, target: Incident) -> None:
    """Only the sign-off fields may change, only from empty, and only once."""
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed:
        return
    if changed - SIGN_OFF_FIELDS:
        raise IncidentImmutable(
            "incident reports are never edited; add an amendment instead "
            f"(tried to change {', '.join(sorted(changed - SIGN_OFF_FIELDS))})"
        )
    for key in changed:
        before = state.attrs[key].history.deleted
        if before and before[0] is not None:
            raise IncidentImmutable("an incident report is signed off once")
