"""Session notes: drafted from the session's data, completed by a person, signed, co-signed.

A note is a chain of revisions (bdc.models.SessionNote): the original and its amendments.

- **Draft.** ``PUT /sessions/<id>/note`` with the note's id (made on the device) creates the
  note or replaces its draft; the summary of the session's data (targets with their values,
  incidents, phase in force, IOA or fidelity role) is re-drafted on every save until it is
  signed. Replaying the same PUT is always safe.
- **Sign.** The author attests: name and credential, time, and the SHA-256 of the canonical
  content (:func:`content_digest`). A signed revision never changes (409 through the API; the
  mapper guard at the end of this module refuses any UPDATE whatever the code path).
- **Co-sign.** A technician's or therapist's signed note waits for a BCBA's (or director's)
  co-signature, which attests the same hash.
- **Amend.** A correction is a new revision naming the one it amends, with a reason; it is
  signed (and co-signed) in its turn. The amended revision stays as it was.

Every read and write adds an audit entry; note text never goes into audit details or logs.
docs/supervision.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_smorest import abort
from sqlalchemy import event, inspect, select

from bdc import audit, drawing
from bdc.auth import (
    CAREGIVER,
    EDITS_PROGRAMS,
    SEES_ALL,
    can_see_client,
    check_id,
    visible_client_ids,
)
from bdc.dates import local_day, local_today, within_days
from bdc.extensions import db
from bdc.models import Client, NoteShare, Session, SessionNote, Target, User
from bdc.models.base import utcnow
from bdc.reports.export import export_notes_csv, safe_code
from bdc.reports.notes_pdf import NotePrint, build_notes_pdf
from bdc.services import incidents, quality, series

CONTENT_FIELDS = ("presentation", "barriers", "caregiver_involvement", "plan_next")
NEEDS_COSIGN = frozenset({"technician", "therapist"})
COSIGNS = frozenset({"bcba", "director"})
SIGNATURE_FIELDS = frozenset(
    {
        "signed_by",
        "signed_at",
        "signer_name",
        "signer_credential",
        "content_hash",
        "cosign_required",
    }
)
COSIGNATURE_FIELDS = frozenset(
    {"cosigned_by", "cosigned_at", "cosigner_name", "cosigner_credential"}
)
STATUSES = ("draft", "signed", "awaiting_cosignature", "cosigned", "superseded")


class NoteImmutable(RuntimeError):
    """An attempt to change a signed note other than by co-signing it once."""


@dataclass(frozen=True)
class NoteView:
    """One revision as the API answers it, with where it stands in its chain."""

    row: SessionNote
    history: tuple[SessionNote, ...]

    def __getattr__(self, name):  # the row's columns, for the schema
        return getattr(self.row, name)

    @property
    def latest_id(self) -> str:
        return self.history[-1].id

    @property
    def status(self) -> str:
        return note_status(self.row, self.latest_id)

    @property
    def shared_with_caregivers(self) -> bool:
        return db.session.get(NoteShare, self.row.session_id) is not None

    @property
    def hash_verified(self) -> bool | None:
        """Whether the stored hash still matches the content (None while unsigned)."""
        if self.row.content_hash is None:
            return None
        return content_digest(self.row) == self.row.content_hash


def note_status(row: SessionNote, latest_id: str) -> str:
    if row.id != latest_id:
        return "superseded"
    if row.signed_at is None:
        return "draft"
    if row.cosign_required and row.cosigned_at is None:
        return "awaiting_cosignature"
    return "cosigned" if row.cosigned_at is not None else "signed"


def canonical_content(row: SessionNote) -> str:
    """The attested text: content and signer, as sorted compact JSON (UTF-8, no escapes)."""
    return json.dumps(
        {
            "note_id": row.id,
            "session_id": row.session_id,
            "client_id": row.client_id,
            "revision": row.revision,
            "amends_id": row.amends_id,
            "amendment_reason": row.amendment_reason,
            "author_id": row.author_id,
            "summary": row.summary,
            **{name: getattr(row, name) for name in CONTENT_FIELDS},
            "signed_by": row.signed_by,
            "signer_name": row.signer_name,
            "signer_credential": row.signer_credential,
            "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def content_digest(row: SessionNote) -> str:
    """SHA-256 (hex) of :func:`canonical_content`."""
    return hashlib.sha256(canonical_content(row).encode("utf-8")).hexdigest()


# --- the drafted summary ---------------------------------------------------------------------


def draft_summary(session: Session) -> dict[str, Any]:
    """What the session's own data say, as plain JSON: the part of a note nobody types.

    Target values come from :func:`bdc.services.series.client_values`, the computation behind
    ``/targets/<id>/data``; incidents are the latest revisions of the client's reports that
    occurred during the session; the phase is the one in force for each target that day.
    """
    tz = series.zone_of_client(session.client_id)
    day = local_day(session.started_at, tz)  # the client's day, as the values carry it
    ended = session.ended_at
    summary: dict[str, Any] = {
        "role": session.role,
        "kind": session.kind,
        "setting": session.setting,
        "started_at": session.started_at.isoformat(),
        "ended_at": ended.isoformat() if ended else None,
        "minutes": round((ended - session.started_at).total_seconds() / 60, 1) if ended else None,
        "targets": [],
        "incidents": [],
        "fidelity": None,
    }
    targets = list(
        db.session.scalars(
            select(Target)
            .where(Target.client_id == session.client_id)
            .order_by(Target.name, Target.id)
        )
    )
    values = series.client_values(
        targets,
        date_from=day,
        date_to=day,
        include_reliability=True,
        details=True,
        include_fa=True,
    )
    for target in targets:
        for value in values.get(target.id, ()):
            if value.session_id != session.id:
                continue
            summary["targets"].append(
                {
                    "target_id": target.id,
                    "name": target.name,
                    "measurement": target.measurement,
                    "value": value.value,
                    "unit": value.unit,
                    "n": value.n,
                    "details": series.plain(value.details),
                    "phase_kind": value.phase_kind,
                    "phase_label": value.phase_label,
                    "ioa_partner_id": value.ioa_partner_id,
                }
            )
    until = ended or session.started_at
    for view in incidents.latest_revisions([session.client_id], day, local_day(until, tz)):
        if session.started_at <= view.row.occurred_at <= until:
            summary["incidents"].append(
                {
                    "incident_id": view.row.id,
                    "type": view.row.type,
                    "occurred_at": view.row.occurred_at.isoformat(),
                    "duration_minutes": view.row.duration_minutes,
                    "status": view.status,
                }
            )
    if session.kind == "fidelity":
        for score in quality.score_fidelity_sessions([session]):
            summary["fidelity"] = {
                "plan_id": score.plan.id,
                "staff_id": session.staff_id,
                "percent": score.percent,
                "criterion": score.plan.criterion,
                "meets": score.meets,
            }
    return summary


# --- reading ---------------------------------------------------------------------------------


def note_or_404(user: User, note_id: str) -> SessionNote:
    note_id = check_id(note_id)
    note = db.session.get(SessionNote, note_id)
    if note is None or not can_see_client(user, note.client_id):
        abort(404, message="No such note.")
    return note


def _chain(session_id: str) -> list[SessionNote]:
    return list(
        db.session.scalars(
            select(SessionNote)
            .where(SessionNote.session_id == session_id)
            .order_by(SessionNote.revision)
        )
    )


def _audit(action: str, note: SessionNote, **detail: Any) -> None:
    audit.record(
        action,
        "note",
        resource_id=note.id,
        client_id=note.client_id,
        detail={"session_id": note.session_id, "revision": note.revision, **detail},
    )


def read_note(note: SessionNote) -> NoteView:
    _audit("read", note)
    return NoteView(note, tuple(_chain(note.session_id)))


def session_note(session: Session) -> NoteView:
    """The latest revision of the session's note (404 when the session has none)."""
    chain = _chain(session.id)
    if not chain:
        abort(404, message="This session has no note yet.")
    _audit("read", chain[-1])
    return NoteView(chain[-1], tuple(chain))


def client_notes(client: Client, date_from: date | None, date_to: date | None) -> list[NoteView]:
    """The latest revision of each note of the client's sessions in the period, oldest first."""
    views = _period_views(client, date_from, date_to)
    audit.record("read", "note", client_id=client.id, detail={"notes": len(views)})
    return views


# --- writing ---------------------------------------------------------------------------------


def _same_content(row: SessionNote, fields: dict[str, Any]) -> bool:
    return all(getattr(row, name) == fields[name] for name in CONTENT_FIELDS)


def save_draft(user: User, session: Session, note_id: str, fields: dict[str, Any]) -> NoteView:
    """Create the session's note with ``note_id`` or replace its draft (idempotent).

    The session's observer, a BCBA, a director or an admin may start a note; only its author
    edits the draft. A signed note answers 409 unless the PUT repeats exactly what was signed
    (a replay from a tablet), which answers the note unchanged.
    """
    chain = _chain(session.id)
    if not chain:
        if user.id != session.observer_id and user.role not in EDITS_PROGRAMS:
            abort(403, message="Only the session's observer or a BCBA can write its note.")
        if db.session.get(SessionNote, note_id) is not None:
            abort(409, message="That note id belongs to another session.")
        note = SessionNote(
            id=note_id,
            session_id=session.id,
            client_id=session.client_id,
            author_id=user.id,
            revision=1,
            summary=draft_summary(session),
            **fields,
        )
        db.session.add(note)
        db.session.flush()
        _audit("create", note)
        return NoteView(note, (note,))
    row = next((r for r in chain if r.id == note_id), None)
    if row is None:
        abort(409, message=f"This session already has a note ({chain[0].id}).")
    if row.author_id != user.id:
        abort(403, message="Only the note's author can edit its draft.")
    if row.signed_at is not None:
        if _same_content(row, fields):
            return read_note(row)
        abort(409, message="This note is signed and never changes; add an amendment instead.")
    for name in CONTENT_FIELDS:
        setattr(row, name, fields[name])
    row.summary = draft_summary(session)
    row.updated_at = utcnow()
    _audit("update", row)
    return NoteView(row, tuple(chain))


def _lock(note: SessionNote) -> SessionNote:
    """Re-read the row with a row lock (PostgreSQL), so two signatures serialise."""
    return db.session.scalars(
        select(SessionNote)
        .where(SessionNote.id == note.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _latest_or_409(note: SessionNote) -> tuple[SessionNote, list[SessionNote]]:
    locked = _lock(note)
    chain = _chain(locked.session_id)
    if chain[-1].id != locked.id:
        abort(409, message="This revision was amended; act on the latest revision.")
    return locked, chain


def _name(user: User) -> str:
    return user.display_name or user.username


def sign(user: User, note: SessionNote, credential: str, *, at: datetime | None = None) -> NoteView:
    """The author signs the latest revision: name, credential, time and content hash, once.

    ``at`` (default now) exists for the demo, which signs notes at their realistic times."""
    locked, chain = _latest_or_409(note)
    if locked.signed_at is not None:
        abort(409, message="This note is already signed.")
    if locked.author_id != user.id:
        abort(403, message="Only the note's author can sign it.")
    if db.session.get(Session, locked.session_id).ended_at is None:
        abort(409, message="End the session before signing its note.")
    locked.signed_by = user.id
    locked.signed_at = (at or utcnow()).replace(microsecond=0)
    locked.signer_name = _name(user)
    locked.signer_credential = credential
    locked.cosign_required = user.role in NEEDS_COSIGN
    locked.content_hash = content_digest(locked)
    _audit("sign", locked)
    return NoteView(locked, tuple(chain))


def cosign(
    user: User, note: SessionNote, credential: str, *, at: datetime | None = None
) -> NoteView:
    """A BCBA (or director) co-signs a technician's or therapist's signed note, once."""
    if user.role not in COSIGNS:
        abort(403, message="Only a BCBA or a director can co-sign a note.")
    locked, chain = _latest_or_409(note)
    if locked.signed_at is None:
        abort(409, message="The note must be signed by its author first.")
    if not locked.cosign_required:
        abort(409, message="This note does not need a co-signature.")
    if locked.cosigned_at is not None:
        abort(409, message="This note is already co-signed.")
    if locked.signed_by == user.id:
        abort(403, message="A note is co-signed by someone other than its signer.")
    if content_digest(locked) != locked.content_hash:
        abort(409, message="The note's content no longer matches its signature hash.")
    locked.cosigned_by = user.id
    locked.cosigned_at = (at or utcnow()).replace(microsecond=0)
    locked.cosigner_name = _name(user)
    locked.cosigner_credential = credential
    _audit("cosign", locked)
    return NoteView(locked, tuple(chain))


def amend(user: User, note: SessionNote, amendment_id: str | None, changes: dict) -> NoteView:
    """Add the next revision of a signed note; the amended revision stays exactly as it was.

    The note's author, BCBAs, directors and admins may amend. The amendment carries the
    fields it does not change over from the amended revision, a reason, and a summary
    re-drafted from the session's data as they now stand (late-synced events included).
    """
    existing = db.session.get(SessionNote, amendment_id) if amendment_id else None
    if existing is not None:
        if existing.amends_id == note.id and existing.author_id == user.id:
            return read_note(existing)  # a replay of the same amendment
        abort(409, message="That note id is already used.")
    locked, chain = _latest_or_409(note)
    if user.id != locked.author_id and user.role not in EDITS_PROGRAMS:
        abort(403, message="Only the note's author, a BCBA, a director or an admin can amend it.")
    if locked.signed_at is None:
        abort(409, message="This note is still a draft; edit the draft instead.")
    session = db.session.get(Session, locked.session_id)
    reason = changes.pop("reason")
    fields = {name: changes.get(name, getattr(locked, name)) for name in CONTENT_FIELDS}
    summary = draft_summary(session)
    if _same_content(locked, fields) and summary == locked.summary:
        abort(422, message="An amendment must change something.")
    amendment = SessionNote(
        session_id=locked.session_id,
        client_id=locked.client_id,
        author_id=user.id,
        revision=locked.revision + 1,
        amends_id=locked.id,
        amendment_reason=reason,
        summary=summary,
        **fields,
    )
    if amendment_id is not None:
        amendment.id = amendment_id
    db.session.add(amendment)
    db.session.flush()
    changed = sorted(k for k in CONTENT_FIELDS if fields[k] != getattr(locked, k))
    _audit("amend", amendment, amends_id=locked.id, fields=changed)
    return NoteView(amendment, (*chain, amendment))


# --- sharing with caregivers ------------------------------------------------------------------


def share(user: User, note: SessionNote, shared: bool) -> NoteView:
    """A BCBA (or director) lets the client's caregivers read the note, or stops it. Only a
    signed note is shared; caregivers read its latest signed revision. Idempotent."""
    if user.role not in EDITS_PROGRAMS:
        abort(403, message="Only a BCBA or a director shares notes with caregivers.")
    chain = _chain(note.session_id)
    existing = db.session.get(NoteShare, note.session_id)
    if shared and existing is None:
        if not any(r.signed_at for r in chain):
            abort(409, message="Sign the note before sharing it with caregivers.")
        db.session.add(
            NoteShare(session_id=note.session_id, client_id=note.client_id, shared_by=user.id)
        )
        db.session.flush()
        _audit("share", chain[-1])
    elif not shared and existing is not None:
        db.session.delete(existing)
        db.session.flush()
        _audit("unshare", chain[-1])
    return NoteView(chain[-1], tuple(chain))


@dataclass(frozen=True)
class SharedNote:
    """What a caregiver reads of a shared note: its latest signed revision, no staff ids."""

    row: SessionNote
    session: Session

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def session_started_at(self) -> datetime:
        return self.session.started_at

    @property
    def targets(self) -> list[dict[str, Any]]:
        return [
            {"name": t["name"], "value": t["value"], "unit": t["unit"]}
            for t in (self.row.summary or {}).get("targets", [])
        ]


def shared_notes(client: Client) -> list[SharedNote]:
    """The client's notes a BCBA shared, oldest session first (audited as a read)."""
    shares = list(db.session.scalars(select(NoteShare).where(NoteShare.client_id == client.id)))
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(Session).where(Session.id.in_([share.session_id for share in shares]))
        )
    }
    out = []
    for share_row in shares:
        signed = [r for r in _chain(share_row.session_id) if r.signed_at is not None]
        out.append(SharedNote(signed[-1], sessions[share_row.session_id]))
    out.sort(key=lambda n: (n.session.started_at, n.session.id))
    audit.record(
        "read",
        "shared_note",
        client_id=client.id,
        detail={"notes": len(out), "sessions": [n.session.id for n in out]},
    )
    return out


# --- printing and export -------------------------------------------------------------------

SECTION_HEADINGS = (
    ("presentation", "Client presentation"),
    ("barriers", "Barriers"),
    ("caregiver_involvement", "Caregiver involvement"),
    ("plan_next", "Plan for the next session"),
)


def _stamp(who: str | None, credential: str | None, when: datetime | None, what: str) -> str:
    return f"{what} by {who}, {credential}, on {when:%Y-%m-%d %H:%M} UTC"


def _print(view: NoteView, client: Client, session: Session, names: dict[str, str]) -> NotePrint:
    row = view.row
    summary = row.summary or {}
    return NotePrint(
        client_label=f"{client.name} ({client.code})",
        session_id=session.id,
        started_at=session.started_at,
        ended_at=session.ended_at,
        setting=session.setting,
        role=session.role,
        kind=session.kind,
        observer_name=names.get(session.observer_id, ""),
        revision=row.revision,
        status=view.status,
        targets=summary.get("targets", []),
        incidents=summary.get("incidents", []),
        fidelity=summary.get("fidelity"),
        sections=[(heading, getattr(row, name)) for name, heading in SECTION_HEADINGS],
        amendment_reason=row.amendment_reason,
        signature=_stamp(row.signer_name, row.signer_credential, row.signed_at, "Signed")
        if row.signed_at
        else None,
        cosignature=_stamp(row.cosigner_name, row.cosigner_credential, row.cosigned_at, "Co-signed")
        if row.cosigned_at
        else None,
        content_hash=row.content_hash,
        history=[
            f"Revision {r.revision} ({note_status(r, view.latest_id).replace('_', ' ')}), "
            f"note {r.id}" + (f", signed {r.signed_at:%Y-%m-%d %H:%M} UTC" if r.signed_at else "")
            for r in view.history
            if r.id != row.id
        ],
    )


def _names(ids) -> dict[str, str]:
    return {u.id: _name(u) for u in db.session.scalars(select(User).where(User.id.in_(set(ids))))}


def _export_audit(client: Client, fmt: str, notes: int, **period: Any) -> None:
    audit.record(
        "export", "note", client_id=client.id, detail={"format": fmt, "notes": notes, **period}
    )


def session_note_pdf(session: Session) -> tuple[bytes, str]:
    """The latest revision of the session's note as PDF, and a file name (client code only)."""
    chain = _chain(session.id)
    if not chain:
        abort(404, message="This session has no note yet.")
    client = db.session.get(Client, session.client_id)
    view = NoteView(chain[-1], tuple(chain))
    names = _names([session.observer_id])
    title = f"Session note {client.code} {session.started_at:%Y-%m-%d}"
    pdf = drawing.run(
        build_notes_pdf, [_print(view, client, session, names)], title=title, generated_at=utcnow()
    )
    _export_audit(client, "pdf", 1, session_id=session.id)
    return pdf, f"note-{safe_code(client.code)}-{session.started_at:%Y-%m-%d}-{session.id[:8]}.pdf"


def _period_label(date_from: date | None, date_to: date | None) -> str:
    return f"{date_from or 'start'}-to-{date_to or local_today()}"


def client_notes_pdf(
    client: Client, date_from: date | None, date_to: date | None
) -> tuple[bytes, str]:
    """The latest revision of every note of the client's sessions in the period, as PDF."""
    views = _period_views(client, date_from, date_to)
    sessions = _sessions_of(views)
    names = _names(s.observer_id for s in sessions.values())
    period = _period_label(date_from, date_to)
    prints = [_print(v, client, sessions[v.session_id], names) for v in views]
    pdf = drawing.run(
        build_notes_pdf,
        prints,
        title=f"Session notes {client.code} {period}",
        generated_at=utcnow(),
    )
    _export_audit(client, "pdf", len(views), period=period)
    return pdf, f"notes-{safe_code(client.code)}-{period}.pdf"


def note_rows(
    client: Client, date_from: date | None, date_to: date | None
) -> tuple[list[dict[str, Any]], int]:
    """Every revision of the period's notes as export rows (keys: ``NOTE_COLUMNS`` of
    :mod:`bdc.reports.export`), oldest session first, and how many notes they are. A
    superseded revision stays, with its status. No audit entry: the caller writes one."""
    views = _period_views(client, date_from, date_to)
    sessions = _sessions_of(views)
    rows = [r for v in views for r in v.history]
    names = _names([*(s.observer_id for s in sessions.values()), *(r.author_id for r in rows)])
    latest = {v.session_id: v.latest_id for v in views}
    out = []
    for row in rows:
        session = sessions[row.session_id]
        summary = row.summary or {}
        out.append(
            {
                "session_id": session.id,
                "session_started_at": session.started_at,
                "session_ended_at": session.ended_at,
                "observer": names.get(session.observer_id, ""),
                "note_id": row.id,
                "revision": row.revision,
                "amends_id": row.amends_id,
                "status": note_status(row, latest[row.session_id]),
                "author": names.get(row.author_id, ""),
                "targets": "; ".join(
                    f"{t['name']}: {t['value']:g} {t['unit']}" for t in summary.get("targets", [])
                ),
                "incidents": "; ".join(i["type"] for i in summary.get("incidents", [])),
                **{name: getattr(row, name) for name in CONTENT_FIELDS},
                "amendment_reason": row.amendment_reason,
                "signer_name": row.signer_name,
                "signer_credential": row.signer_credential,
                "signed_at": row.signed_at,
                "cosigner_name": row.cosigner_name,
                "cosigner_credential": row.cosigner_credential,
                "cosigned_at": row.cosigned_at,
                "content_hash": row.content_hash,
            }
        )
    return out, len(views)


def client_notes_csv(
    client: Client, date_from: date | None, date_to: date | None
) -> tuple[bytes, str]:
    """Every revision of the period's notes as CSV rows (UTF-8 with BOM, CRLF), formulas
    neutralised; a superseded revision stays in the file with its status."""
    rows, count = note_rows(client, date_from, date_to)
    period = _period_label(date_from, date_to)
    _export_audit(client, "csv", count, period=period)
    content = export_notes_csv(rows)
    return content, f"notes-{safe_code(client.code)}-{period}.csv"


def _sessions_of(views: list[NoteView]) -> dict[str, Session]:
    ids = [v.session_id for v in views]
    return {s.id: s for s in db.session.scalars(select(Session).where(Session.id.in_(ids)))}


def _period_views(client: Client, date_from: date | None, date_to: date | None) -> list[NoteView]:
    rows = db.session.scalars(
        select(SessionNote)
        .join(Session, Session.id == SessionNote.session_id)
        .where(
            SessionNote.client_id == client.id,
            *within_days(Session.started_at, date_from, date_to),
        )
        .order_by(Session.started_at, Session.id, SessionNote.revision)
    )
    chains: dict[str, list[SessionNote]] = {}
    for row in rows:
        chains.setdefault(row.session_id, []).append(row)
    return [NoteView(chain[-1], tuple(chain)) for chain in chains.values()]


# --- what is waiting -------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingNote:
    """A session whose note is missing, unsigned or waiting for a co-signature."""

    status: str  # missing, unsigned, awaiting_cosignature
    session_id: str
    note_id: str | None
    client_id: str
    client_code: str
    staff_id: str  # who must act: the observer or author (or, for a co-signature, the signer)
    staff_name: str
    waiting_since: datetime
    days_waiting: int


def pending(
    user: User, *, older_than_days: int | None = None, since: date | None = None
) -> list[PendingNote]:
    """Notes waiting longer than ``older_than_days`` (default ``BDC_NOTE_SIGN_DAYS``).

    BCBAs see their caseload, directors and admins every client, technicians and therapists
    only what waits on them. ``since`` (default 30 days ago) bounds the sessions whose note
    is missing, so a clinic's history before it used notes does not flood the list.
    """
    now = utcnow()
    days = current_app.config["NOTE_SIGN_DAYS"] if older_than_days is None else older_than_days
    cutoff = now - timedelta(days=days)
    since = since or (now - timedelta(days=30)).date()
    scope = [Session.client_id.in_(visible_client_ids(user))]
    own = user.role not in EDITS_PROGRAMS and user.role not in SEES_ALL
    items: list[tuple[str, Session, SessionNote | None, datetime, str]] = []
    noted = select(SessionNote.session_id)
    unnoted = db.session.scalars(
        select(Session).where(
            *scope,
            Session.role == "primary",
            Session.kind == "observation",  # a fidelity check is documented by its checklist
            Session.ended_at.is_not(None),
            Session.ended_at <= cutoff,
            *within_days(Session.started_at, since, None),
            Session.id.not_in(noted),
            # Caregivers' home recordings are data, not staff sessions that owe a note.
            Session.observer_id.in_(select(User.id).where(User.role != CAREGIVER)),
            *([Session.observer_id == user.id] if own else []),
        )
    )
    for session in unnoted:
        items.append(("missing", session, None, session.ended_at, session.observer_id))
    rows = db.session.execute(
        select(SessionNote, Session)
        .join(Session, Session.id == SessionNote.session_id)
        .where(*scope)
        .order_by(SessionNote.session_id, SessionNote.revision)
    ).all()
    latest: dict[str, tuple[SessionNote, Session]] = {}
    for note, session in rows:
        latest[session.id] = (note, session)
    for note, session in latest.values():
        if note.signed_at is None:
            since_when = (
                note.created_at if note.amends_id else (session.ended_at or note.created_at)
            )
            items.append(("unsigned", session, note, since_when, note.author_id))
        elif note.cosign_required and note.cosigned_at is None:
            items.append(("awaiting_cosignature", session, note, note.signed_at, note.signed_by))
    items = [i for i in items if i[3] <= cutoff and (not own or i[4] == user.id)]
    if own:  # a technician's own list: what waits on them, not on the BCBA
        items = [i for i in items if i[0] != "awaiting_cosignature"]
    people = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_({i[4] for i in items})))
    }
    codes = dict(
        db.session.execute(
            select(Client.id, Client.code).where(Client.id.in_({i[1].client_id for i in items}))
        ).all()
    )
    out = [
        PendingNote(
            status=status,
            session_id=session.id,
            note_id=note.id if note is not None else None,
            client_id=session.client_id,
            client_code=codes[session.client_id],
            staff_id=staff_id,
            staff_name=_name(people[staff_id]),
            waiting_since=when,
            days_waiting=(now - when).days,
        )
        for status, session, note, when, staff_id in sorted(items, key=lambda i: (i[3], i[1].id))
    ]
    audit.record_many("read", "note", (p.client_id for p in out), pending=True)
    return out


# --- the guard ------------------------------------------------------------------------------


@event.listens_for(SessionNote, "before_update")
def _refuse_edits(mapper, connection, target: SessionNote) -> None:
    """A draft may change freely; signing sets the signature once; then only a co-signature."""
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed:
        return
    if "signed_at" in changed:
        before = state.attrs["signed_at"].history.deleted
        if (before and before[0] is not None) or changed - SIGNATURE_FIELDS:
            raise NoteImmutable("a note is signed once, and signing changes nothing else")
        return
    if target.signed_at is None:
        return  # a draft
    if changed - COSIGNATURE_FIELDS:
        raise NoteImmutable(
            "signed notes are never edited; add an amendment instead "
            f"(tried to change {', '.join(sorted(changed - COSIGNATURE_FIELDS))})"
        )
    for key in changed:
        before = state.attrs[key].history.deleted
        if before and before[0] is not None:
            raise NoteImmutable("a note is co-signed once")


__all__ = [
    "CONTENT_FIELDS",
    "STATUSES",
    "NoteImmutable",
    "NoteView",
    "PendingNote",
    "amend",
    "canonical_content",
    "client_notes",
    "client_notes_csv",
    "client_notes_pdf",
    "content_digest",
    "cosign",
    "draft_summary",
    "note_or_404",
    "note_rows",
    "pending",
    "read_note",
    "save_draft",
    "session_note",
    "session_note_pdf",
    "share",
    "shared_notes",
    "sign",
]
