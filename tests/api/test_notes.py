"""Session notes over real HTTP: drafted from the data, signed, co-signed, amended, printed."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bdc.extensions import db
from bdc.models import AuditEntry, Phase, Session, SessionNote
from bdc.models.base import utcnow
from bdc.services import notes as service
from tests.tablet import Tablet, iso

WRITTEN = {
    "presentation": "Calm on arrival; engaged with the visual schedule.",
    "barriers": "Fire drill at 10:40 interrupted the DTT block.",
    "caregiver_involvement": "Mother observed the last 10 minutes.",
    "plan_next": "Probe mand for 'break' in the first 5 minutes.",
}


@pytest.fixture
def world(make, http):
    tech = make.user("technician")
    other_tech = make.user("technician")
    bcba = make.user("bcba")
    director = make.user("director")
    client = make.client(tech, other_tech, bcba)
    aggression = make.target(client, "frequency", name="Aggression")
    manding = make.target(client, "dtt", name="Mand for break")
    db.session.add(
        Phase(
            target_id=aggression.id,
            kind="intervention",
            label="FCT + EXT",
            start_date=(utcnow() - timedelta(days=30)).date(),
        )
    )
    db.session.commit()
    headers = make.login(tech)
    tablet = Tablet(http, headers)
    started = (utcnow() - timedelta(days=3)).replace(microsecond=0)
    session = tablet.session(client, at=started, minutes=45, targets=[aggression, manding])
    tablet.counts(session, aggression, [30, 90, 400])
    for i, (result, prompt) in enumerate(
        [("correct", "independent"), ("correct", "gestural"), ("correct", "independent")]
    ):
        tablet.event(session, manding, "trial", {"result": result, "prompt": prompt}, 60 * i + 5)
    tablet.send()
    incident = {
        "id": str(uuid.uuid4()),
        "client_id": client.id,
        "occurred_at": iso(started + timedelta(minutes=20)),
        "type": "elopement",
        "duration_minutes": 2,
    }
    answer = http.post("/api/v1/sync", json={"incidents": [incident]}, headers=headers)
    assert answer.get_json()["rejected"] == []
    return {
        "client": client,
        "session_id": session["id"],
        "tech": headers,
        "tech_user": tech,
        "other_tech": make.login(other_tech),
        "bcba": make.login(bcba),
        "bcba_user": bcba,
        "director": make.login(director),
        "outsider": make.login(make.user("bcba")),
        "tablet": tablet,
        "started": started,
    }


def note_url(world) -> str:
    return f"/api/v1/sessions/{world['session_id']}/note"


def draft(http, world, headers=None, note_id=None, **fields):
    body = {"id": note_id or str(uuid.uuid4()), **WRITTEN, **fields}
    return http.put(note_url(world), json=body, headers=headers or world["tech"])


def signed_note(http, world) -> dict:
    note = draft(http, world).get_json()
    answer = http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def audit_rows(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.resource == "note", AuditEntry.action == action)
        )
    )


def test_a_draft_is_drafted_from_the_sessions_own_data(http, world):
    answer = draft(http, world)
    assert answer.status_code == 200, answer.get_json()
    note = answer.get_json()
    assert note["status"] == "draft" and note["revision"] == 1
    summary = note["summary"]
    assert summary["role"] == "primary" and summary["minutes"] == 45.0
    by_name = {t["name"]: t for t in summary["targets"]}
    assert by_name["Aggression"]["value"] == 3.0
    assert by_name["Aggression"]["phase_label"] == "FCT + EXT"
    assert by_name["Mand for break"]["value"] == pytest.approx(200 / 3)  # 2 of 3 independent
    assert by_name["Mand for break"]["details"]["percent_by_prompt"]["gestural"] == pytest.approx(
        100 / 3
    )
    assert [i["type"] for i in summary["incidents"]] == ["elopement"]
    for name, text in WRITTEN.items():
        assert note[name] == text
    # the read is audited, and no audit entry carries the note's text
    assert http.get(note_url(world), headers=world["bcba"]).status_code == 200
    assert audit_rows("create") and audit_rows("read")
    for row in db.session.scalars(select(AuditEntry)):
        assert "Mother" not in str(row.detail) and "Calm" not in str(row.detail)


def test_put_is_idempotent_and_replaces_the_draft(http, world):
    note_id = str(uuid.uuid4())
    first = draft(http, world, note_id=note_id).get_json()
    again = draft(http, world, note_id=note_id).get_json()
    assert again["id"] == first["id"] == note_id
    changed = draft(http, world, note_id=note_id, barriers="None.").get_json()
    assert changed["barriers"] == "None." and changed["presentation"] == WRITTEN["presentation"]
    # a PUT replaces the whole draft: a field left out is emptied
    body = {"id": note_id, "presentation": "Only this."}
    only = http.put(note_url(world), json=body, headers=world["tech"]).get_json()
    assert only["barriers"] == "" and only["presentation"] == "Only this."
    assert db.session.scalar(select(db.func.count()).select_from(SessionNote)) == 1


def test_a_second_note_id_for_the_same_session_is_a_conflict(http, world):
    first = draft(http, world).get_json()
    answer = draft(http, world)
    assert answer.status_code == 409
    assert first["id"] in answer.get_json()["error"]["message"]


def test_who_may_write_the_draft(http, world):
    assert draft(http, world, headers=world["other_tech"]).status_code == 403
    assert draft(http, world, headers=world["outsider"]).status_code == 404
    note = draft(http, world).get_json()
    # a BCBA on the caseload reads it but the draft stays its author's to edit
    assert draft(http, world, headers=world["bcba"], note_id=note["id"]).status_code == 403
    assert http.get(f"/api/v1/notes/{note['id']}", headers=world["outsider"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**WRITTEN}, "id"),
        ({"id": "not-a-uuid"}, "id"),
        ({"id": str(uuid.uuid4()), "mood": "fine"}, "mood"),
        ({"id": str(uuid.uuid4()), "barriers": "x" * 8001}, "barriers"),
        ({"id": str(uuid.uuid4()), "plan_next": "bad\x00byte"}, "plan_next"),
    ],
)
def test_bad_drafts_are_refused_with_field_messages_and_store_nothing(http, world, body, field):
    answer = http.put(note_url(world), json=body, headers=world["tech"])
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert field in str(error["fields"])
    assert db.session.scalar(select(db.func.count()).select_from(SessionNote)) == 0


def test_signing_attests_name_credential_time_and_hash(http, world):
    note = signed_note(http, world)
    assert note["status"] == "awaiting_cosignature" and note["cosign_required"]
    assert note["signer_credential"] == "RBT"
    assert note["signer_name"] == world["tech_user"].username
    assert note["hash_verified"] is True
    row = db.session.get(SessionNote, note["id"])
    expected = hashlib.sha256(service.canonical_content(row).encode()).hexdigest()
    assert note["content_hash"] == expected
    assert '"signer_credential":"RBT"' in service.canonical_content(row)
    assert audit_rows("sign")


def test_a_signed_note_never_changes(http, world):
    note = signed_note(http, world)
    url = f"/api/v1/notes/{note['id']}/signature"
    assert http.post(url, json={"credential": "RBT"}, headers=world["tech"]).status_code == 409
    assert draft(http, world, note_id=note["id"], barriers="Changed.").status_code == 409
    replay = draft(http, world, note_id=note["id"])  # the tablet re-sends what was signed
    assert replay.status_code == 200 and replay.get_json()["content_hash"] == note["content_hash"]
    db.session.expire_all()
    row = db.session.get(SessionNote, note["id"])
    assert row.barriers == WRITTEN["barriers"]
    row.barriers = "Edited behind the API's back."
    with pytest.raises(service.NoteImmutable):
        db.session.flush()
    db.session.rollback()


def test_a_note_of_a_session_still_open_is_drafted_but_not_signed(http, world):
    tablet = world["tablet"]
    running = tablet.session(world["client"], at=utcnow() - timedelta(minutes=5), open=True)
    tablet.send()
    url = f"/api/v1/sessions/{running['id']}/note"
    note = http.put(url, json={"id": str(uuid.uuid4())}, headers=world["tech"]).get_json()
    assert note["summary"]["ended_at"] is None and note["summary"]["minutes"] is None
    answer = http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    assert answer.status_code == 409


def test_a_bcba_cosigns_a_technicians_note(http, world):
    note = signed_note(http, world)
    url = f"/api/v1/notes/{note['id']}/cosignature"
    body = {"credential": "BCBA 1-23-45678"}
    assert http.post(url, json=body, headers=world["tech"]).status_code == 403
    assert http.post(url, json=body, headers=world["outsider"]).status_code == 404
    answer = http.post(url, json=body, headers=world["bcba"])
    assert answer.status_code == 200, answer.get_json()
    cosigned = answer.get_json()
    assert cosigned["status"] == "cosigned"
    assert cosigned["cosigner_credential"] == "BCBA 1-23-45678"
    assert cosigned["content_hash"] == note["content_hash"] and cosigned["hash_verified"]
    assert http.post(url, json=body, headers=world["director"]).status_code == 409
    assert http.post(url, json={}, headers=world["bcba"]).status_code == 422


def test_a_bcbas_own_note_needs_no_cosignature(http, world):
    tablet = Tablet(http, world["bcba"])  # the BCBA records a session of their own
    bcba_session = tablet.session(world["client"], at=world["started"], minutes=20)
    tablet.send()
    url = f"/api/v1/sessions/{bcba_session['id']}/note"
    note = http.put(url, json={"id": str(uuid.uuid4())}, headers=world["bcba"]).get_json()
    signed = http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "BCBA"}, headers=world["bcba"]
    ).get_json()
    assert signed["status"] == "signed" and not signed["cosign_required"]
    again = http.post(
        f"/api/v1/notes/{note['id']}/cosignature",
        json={"credential": "BCBA"},
        headers=world["director"],
    )
    assert again.status_code == 409


def test_an_amendment_keeps_the_original(http, world):
    note = signed_note(http, world)
    url = f"/api/v1/notes/{note['id']}/amendments"
    draft_only = draft(http, world, headers=world["bcba"])  # (the session already has a note)
    assert draft_only.status_code == 409
    assert http.post(url, json={"barriers": "x"}, headers=world["tech"]).status_code == 422
    amendment_id = str(uuid.uuid4())
    body = {"id": amendment_id, "reason": "Wrong time of the drill.", "barriers": "Drill 10:50."}
    answer = http.post(url, json=body, headers=world["tech"])
    assert answer.status_code == 201, answer.get_json()
    amended = answer.get_json()
    assert amended["id"] == amendment_id and amended["revision"] == 2
    assert amended["amends_id"] == note["id"] and amended["status"] == "draft"
    assert (
        amended["barriers"] == "Drill 10:50." and amended["presentation"] == WRITTEN["presentation"]
    )
    replay = http.post(url, json=body, headers=world["tech"])
    assert replay.status_code == 201 and replay.get_json()["id"] == amendment_id
    original = http.get(f"/api/v1/notes/{note['id']}", headers=world["bcba"]).get_json()
    assert original["status"] == "superseded" and original["barriers"] == WRITTEN["barriers"]
    assert original["hash_verified"] is True and original["latest_id"] == amendment_id
    latest = http.get(note_url(world), headers=world["bcba"]).get_json()
    assert latest["id"] == amendment_id
    assert [h["revision"] for h in latest["history"]] == [1, 2]
    # the amendment is signed in its turn; the superseded revision cannot be amended again
    sign = http.post(
        f"/api/v1/notes/{amendment_id}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    assert sign.get_json()["status"] == "awaiting_cosignature"
    stale = http.post(url, json={"reason": "again", "barriers": "y"}, headers=world["tech"])
    assert stale.status_code == 409
    assert http.post(url, json=body, headers=world["other_tech"]).status_code in (403, 409)


def test_pending_lists_what_waits_longer_than_the_configured_days(http, make, world):
    # a second session three days ago with no note at all
    tablet = world["tablet"]
    missing = tablet.session(world["client"], at=world["started"] + timedelta(hours=2))
    tablet.send()
    # a fidelity check ended three days ago: documented by its checklist, never "missing"
    db.session.add(
        Session(
            client_id=world["client"].id,
            observer_id=world["tech_user"].id,
            kind="fidelity",
            started_at=world["started"],
            ended_at=world["started"] + timedelta(minutes=10),
        )
    )
    # a caregiver's home recording three days ago: data, not a staff session owing a note
    db.session.add(
        Session(
            client_id=world["client"].id,
            observer_id=make.user("caregiver").id,
            setting="home",
            started_at=world["started"],
            ended_at=world["started"] + timedelta(minutes=10),
        )
    )
    db.session.commit()
    draft(http, world)  # unsigned; its session ended three days ago

    def pending(headers, **query):
        answer = http.get("/api/v1/notes/pending", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return {(p["status"], p["session_id"]) for p in answer.get_json()}

    expected = {("unsigned", world["session_id"]), ("missing", missing["id"])}
    assert pending(world["bcba"]) == expected
    assert pending(world["director"]) == expected
    assert pending(world["tech"]) == expected  # both wait on this technician
    assert pending(world["other_tech"]) == set()
    assert pending(world["outsider"]) == set()
    assert pending(world["bcba"], older_than_days=4) == set()
    assert audit_rows("read")
    # once signed, the note waits for the BCBA's co-signature (signed just now: 0 days)
    note = http.get(note_url(world), headers=world["tech"]).get_json()
    http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    assert ("awaiting_cosignature", world["session_id"]) in pending(
        world["bcba"], older_than_days=0
    )
    assert ("awaiting_cosignature", world["session_id"]) not in pending(world["bcba"])
    assert pending(world["tech"], older_than_days=0) == {("missing", missing["id"])}
    bad = http.get("/api/v1/notes/pending?older_than_days=-1", headers=world["bcba"])
    assert bad.status_code == 422


def test_the_default_days_come_from_the_configuration(http, world, app):
    draft(http, world)
    app.config["NOTE_SIGN_DAYS"] = 5
    try:
        answer = http.get("/api/v1/notes/pending", headers=world["bcba"]).get_json()
    finally:
        app.config["NOTE_SIGN_DAYS"] = 2
    assert answer == []


def test_notes_print_per_session_and_per_period(http, world):
    note = signed_note(http, world)
    answer = http.get(f"/api/v1/sessions/{world['session_id']}/note.pdf", headers=world["bcba"])
    assert answer.status_code == 200 and answer.content_type == "application/pdf"
    assert world["client"].code in answer.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages)
    assert "Aggression" in text and "Fire drill" in text and "RBT" in text
    assert note["content_hash"] in text.replace("\n", "")
    day = world["started"].date().isoformat()
    period = http.get(
        f"/api/v1/clients/{world['client'].id}/notes.pdf?from={day}&to={day}",
        headers=world["director"],
    )
    assert period.status_code == 200
    assert len(PdfReader(io.BytesIO(period.data)).pages) >= 1
    assert audit_rows("export")
    empty = http.get(
        f"/api/v1/clients/{world['client'].id}/notes.pdf?from=2020-01-01&to=2020-01-31",
        headers=world["director"],
    )
    assert "No session notes" in PdfReader(io.BytesIO(empty.data)).pages[0].extract_text()
    assert (
        http.get(
            f"/api/v1/sessions/{world['session_id']}/note.pdf", headers=world["outsider"]
        ).status_code
        == 404
    )


def test_notes_csv_keeps_every_revision_and_neutralises_formulas(http, world):
    note = draft(http, world, presentation='=HYPERLINK("http://x")').get_json()
    http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    http.post(
        f"/api/v1/notes/{note['id']}/amendments",
        json={"reason": "Typo.", "plan_next": "Probe mand."},
        headers=world["tech"],
    )
    answer = http.get(f"/api/v1/clients/{world['client'].id}/notes.csv", headers=world["bcba"])
    assert answer.status_code == 200
    lines = answer.data.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("session_id,session_started_at")
    body = [line for line in lines[1:] if line]
    assert len(body) == 2
    assert ",superseded," in body[0] and ",draft," in body[1]
    assert "'=HYPERLINK" in body[0]
    listed = http.get(f"/api/v1/clients/{world['client'].id}/notes", headers=world["bcba"])
    assert [n["revision"] for n in listed.get_json()] == [2]


def test_the_client_exports_carry_every_revision_of_the_notes(http, world):
    """XLSX (sheet Notes) and CSV (table=notes): a signed and amended note is two rows."""
    import csv

    import openpyxl

    note = signed_note(http, world)
    amended = http.post(
        f"/api/v1/notes/{note['id']}/amendments",
        json={"reason": "Typo.", "plan_next": "@SUM(A1) probe mand."},
        headers=world["tech"],
    ).get_json()
    client_id = world["client"].id
    answer = http.get(f"/api/v1/clients/{client_id}/export.xlsx", headers=world["bcba"])
    assert answer.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert workbook.sheetnames == ["Sessions", "Events", "Notes"]
    sheet = list(workbook["Notes"].iter_rows(values_only=True))
    rows = [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]
    assert [(r["note_id"], r["revision"], r["status"]) for r in rows] == [
        (note["id"], 1, "superseded"),
        (amended["id"], 2, "draft"),
    ]
    original = rows[0]
    assert original["session_id"] == world["session_id"]
    assert (original["signer_credential"], original["content_hash"]) == (
        "RBT",
        note["content_hash"],
    )
    assert original["presentation"] == WRITTEN["presentation"]
    assert original["targets"].startswith("Aggression: 3 ")
    assert original["incidents"] == "elopement"
    assert rows[1]["amendment_reason"] == "Typo."
    assert rows[1]["plan_next"] == "'@SUM(A1) probe mand."  # a formula is never run

    csv_answer = http.get(
        f"/api/v1/clients/{client_id}/export.csv",
        query_string={"table": "notes"},
        headers=world["bcba"],
    )
    assert csv_answer.status_code == 200
    assert "-notes.csv" in csv_answer.headers["Content-Disposition"]
    text = csv_answer.data.decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["note_id"] for r in csv_rows] == [note["id"], amended["id"]]
    assert csv_rows[0]["signed_at"] == note["signed_at"].replace("Z", "+00:00")
    assert csv_rows[1]["signed_at"] == ""
    assert csv_rows[1]["plan_next"] == "'@SUM(A1) probe mand."
    exports = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.resource == "client_data", AuditEntry.action == "export"
        )
    )
    # the XLSX: both targets' values, 3 counts + 3 trials, the two revisions
    assert sorted(str(e.detail["rows"]) for e in exports) == sorted(
        [str({"notes": 2}), str({"sessions": 2, "events": 6, "notes": 2})]
    )


def test_a_bcba_shares_a_signed_note_and_only_caregivers_of_the_child_read_it(http, make, world):
    from bdc.models import Assignment

    parent, other_parent = make.user("caregiver"), make.user("caregiver")
    db.session.add(Assignment(user_id=parent.id, client_id=world["client"].id))
    db.session.add(Assignment(user_id=other_parent.id, client_id=make.client().id))
    db.session.commit()
    parent_headers, other_headers = make.login(parent), make.login(other_parent)
    client_id = world["client"].id
    shared_url = f"/api/v1/clients/{client_id}/shared-notes"

    note = draft(http, world).get_json()
    sharing = f"/api/v1/notes/{note['id']}/sharing"
    assert note["shared_with_caregivers"] is False
    unsigned = http.put(sharing, json={"shared": True}, headers=world["bcba"])
    assert unsigned.status_code == 409  # a draft is never shown to a family
    http.post(
        f"/api/v1/notes/{note['id']}/signature", json={"credential": "RBT"}, headers=world["tech"]
    )
    assert http.put(sharing, json={"shared": True}, headers=world["tech"]).status_code == 403
    assert http.put(sharing, json={"shared": "yes"}, headers=world["bcba"]).status_code == 422
    assert http.get(shared_url, headers=parent_headers).get_json() == []
    answer = http.put(sharing, json={"shared": True}, headers=world["bcba"])
    assert answer.status_code == 200 and answer.get_json()["shared_with_caregivers"] is True
    assert http.put(sharing, json={"shared": True}, headers=world["bcba"]).status_code == 200

    # An unsigned amendment does not reach the family: they read the signed revision.
    http.post(
        f"/api/v1/notes/{note['id']}/amendments",
        json={"reason": "Typo.", "plan_next": "Not signed yet."},
        headers=world["tech"],
    )
    [shared] = http.get(shared_url, headers=parent_headers).get_json()
    assert shared["revision"] == 1
    assert shared["plan_next"] == WRITTEN["plan_next"]
    assert (shared["signer_credential"], shared["session_id"]) == ("RBT", world["session_id"])
    assert {t["name"] for t in shared["targets"]} == {"Aggression", "Mand for break"}
    assert "author_id" not in shared and "signed_by" not in shared
    # Everything else about notes stays closed to caregivers; another child's parent: 404.
    assert http.get(f"/api/v1/notes/{note['id']}", headers=parent_headers).status_code == 404
    assert http.get(note_url(world), headers=parent_headers).status_code == 404
    assert http.get(shared_url, headers=other_headers).status_code == 404

    assert http.put(sharing, json={"shared": False}, headers=world["bcba"]).status_code == 200
    assert http.get(shared_url, headers=parent_headers).get_json() == []
    assert [e.action for e in audit_rows("share")] == ["share"]
    assert [e.action for e in audit_rows("unshare")] == ["unshare"]
    reads = db.session.scalars(
        select(AuditEntry).where(AuditEntry.resource == "shared_note", AuditEntry.action == "read")
    )
    assert [(e.user_id, e.detail["notes"]) for e in reads] == [
        (parent.id, 0),
        (parent.id, 1),
        (parent.id, 0),
    ]
