"""Session notes: draft (idempotent PUT), sign, co-sign, amend; print and export.

Thin views over :mod:`bdc.services.notes`; every route resolves the session, note or client
first, so a client outside the caller's caseload answers 404. docs/supervision.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import RAISE

from bdc.api.base import binary_doc, file_response, protected_blueprint
from bdc.api.report_schemas import PeriodQuerySchema
from bdc.api.schemas_documentation import (
    NoteAmendmentSchema,
    NoteDraftSchema,
    NoteSchema,
    NoteSharingSchema,
    PendingNoteSchema,
    PendingQuerySchema,
    SharedNoteSchema,
    SignatureSchema,
)
from bdc.auth import client_or_404
from bdc.services import notes
from bdc.services.recordings import session_or_404

blp = protected_blueprint("notes", __name__, "Session notes: draft, sign, co-sign, amend, print")

PDF = "application/pdf"


@blp.route("/sessions/<uuid:session_id>/note")
class SessionNote(MethodView):
    @blp.response(200, NoteSchema)
    def get(self, session_id):
        """The latest revision of the session's note, with its history (404: no note yet)."""
        return notes.session_note(session_or_404(g.user, session_id))

    @blp.arguments(NoteDraftSchema)
    @blp.response(200, NoteSchema)
    def put(self, draft, session_id):
        """Create the note with the device's id, or replace its draft; the summary of the
        session's data is re-drafted on every save. Replaying a PUT is safe; a signed note
        answers 409 unless the PUT repeats what was signed."""
        session = session_or_404(g.user, session_id)
        note_id = str(draft.pop("id"))
        return notes.save_draft(g.user, session, note_id, draft)


@blp.route("/sessions/<uuid:session_id>/note.pdf")
class SessionNotePdf(MethodView):
    @blp.response(200, content_type=PDF)
    @binary_doc(blp, PDF, "The session's note (latest revision) as PDF")
    def get(self, session_id):
        """The session's note as PDF: data summary, what was written, signatures, hash."""
        pdf, name = notes.session_note_pdf(session_or_404(g.user, session_id))
        return file_response(pdf, PDF, name)


@blp.route("/notes/pending")
class PendingNotes(MethodView):
    @blp.arguments(PendingQuerySchema, location="query")
    @blp.response(200, PendingNoteSchema(many=True))
    def get(self, query):
        """Notes missing, unsigned or waiting for a co-signature longer than
        ``older_than_days`` (default BDC_NOTE_SIGN_DAYS): a BCBA's caseload, a director's
        whole clinic; technicians and therapists see what waits on them."""
        return notes.pending(
            g.user, older_than_days=query.get("older_than_days"), since=query.get("since")
        )


@blp.route("/notes/<uuid:note_id>")
class OneNote(MethodView):
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        """One revision of a note, with the history of its chain."""
        return notes.read_note(notes.note_or_404(g.user, note_id))


@blp.route("/notes/<uuid:note_id>/signature")
class Signature(MethodView):
    @blp.arguments(SignatureSchema)
    @blp.response(200, NoteSchema)
    def post(self, signature, note_id):
        """The author signs: name, credential, time and the SHA-256 of the content. Final."""
        note = notes.note_or_404(g.user, note_id)
        return notes.sign(g.user, note, signature["credential"])


@blp.route("/notes/<uuid:note_id>/cosignature")
class Cosignature(MethodView):
    @blp.arguments(SignatureSchema)
    @blp.response(200, NoteSchema)
    def post(self, signature, note_id):
        """A BCBA or director co-signs a technician's or therapist's signed note."""
        note = notes.note_or_404(g.user, note_id)
        return notes.cosign(g.user, note, signature["credential"])


@blp.route("/notes/<uuid:note_id>/sharing")
class Sharing(MethodView):
    @blp.arguments(NoteSharingSchema)
    @blp.response(200, NoteSchema)
    def put(self, sharing, note_id):
        """A BCBA or director shares a signed note with the client's caregivers, or stops."""
        note = notes.note_or_404(g.user, note_id)
        return notes.share(g.user, note, sharing["shared"])


@blp.route("/clients/<uuid:client_id>/shared-notes")
class SharedNotes(MethodView):
    @blp.response(200, SharedNoteSchema(many=True))
    def get(self, client_id):
        """The notes a BCBA shared with the client's caregivers (their latest signed
        revision); what a caregiver's app shows of the session notes."""
        return notes.shared_notes(client_or_404(g.user, client_id))


@blp.route("/notes/<uuid:note_id>/amendments")
class Amendments(MethodView):
    @blp.arguments(NoteAmendmentSchema)
    @blp.response(201, NoteSchema)
    def post(self, changes, note_id):
        """Correct a signed note: a new revision with a reason; the original never changes."""
        note = notes.note_or_404(g.user, note_id)
        amendment_id = changes.pop("id", None)
        return notes.amend(g.user, note, str(amendment_id) if amendment_id else None, changes)


@blp.route("/clients/<uuid:client_id>/notes")
class ClientNotes(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, NoteSchema(many=True))
    def get(self, query, client_id):
        """The latest revision of each of the client's session notes in the period."""
        client = client_or_404(g.user, client_id)
        return notes.client_notes(client, query.get("date_from"), query.get("date_to"))


@blp.route("/clients/<uuid:client_id>/notes.pdf")
class ClientNotesPdf(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type=PDF)
    @binary_doc(blp, PDF, "The period's session notes as PDF, one note per page")
    def get(self, query, client_id):
        """The client's session notes over ``from``..``to`` as PDF."""
        client = client_or_404(g.user, client_id)
        pdf, name = notes.client_notes_pdf(client, query.get("date_from"), query.get("date_to"))
        return file_response(pdf, PDF, name)


@blp.route("/clients/<uuid:client_id>/notes.csv")
class ClientNotesCsv(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type="text/csv")
    @binary_doc(blp, "text/csv", "Every revision of the period's notes (UTF-8 with BOM, CRLF)")
    def get(self, query, client_id):
        """The client's session notes over ``from``..``to`` as CSV, every revision a row."""
        client = client_or_404(g.user, client_id)
        content, name = notes.client_notes_csv(client, query.get("date_from"), query.get("date_to"))
        return file_response(content, "text/csv; charset=utf-8", name)
