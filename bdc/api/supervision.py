"""Supervision of technicians: contacts, and monthly compliance (JSON and CSV).

Thin views over :mod:`bdc.services.supervision`. docs/supervision.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import binary_doc, file_response, protected_blueprint
from bdc.api.schemas_documentation import (
    ComplianceSchema,
    ContactAnswerSchema,
    ContactQuerySchema,
    ContactSchema,
    MonthQuerySchema,
)
from bdc.services import supervision

blp = protected_blueprint(
    "supervision", __name__, "Supervision contacts and monthly supervision compliance"
)


@blp.route("/supervision/contacts")
class Contacts(MethodView):
    @blp.arguments(ContactQuerySchema, location="query")
    @blp.response(200, ContactAnswerSchema(many=True))
    def get(self, query):
        """The month's contacts: a supervisor's own and their supervisees', a technician's
        own, a director's all."""
        return supervision.list_contacts(g.user, query.get("month"), query.get("supervisee_id"))

    @blp.arguments(ContactSchema)
    @blp.response(201, ContactAnswerSchema)
    def post(self, fields):
        """Log a contact (BCBAs and directors); re-sending the same ``id`` is safe."""
        return supervision.log_contact(g.user, fields)


@blp.route("/supervision/contacts/<uuid:contact_id>")
class OneContact(MethodView):
    @blp.response(200, ContactAnswerSchema)
    def get(self, contact_id):
        return supervision.read_contact(supervision.contact_or_404(g.user, contact_id))


@blp.route("/supervision/compliance")
class Compliance(MethodView):
    @blp.arguments(MonthQuerySchema, location="query")
    @blp.response(200, ComplianceSchema)
    def get(self, query):
        """Each supervisee's month to date: service hours, supervised %, contacts, what is
        still needed. A BCBA sees their supervisees, a director everyone, a technician
        themself."""
        return supervision.compliance(g.user, query.get("month"))


@blp.route("/supervision/compliance.csv")
class ComplianceCsv(MethodView):
    @blp.arguments(MonthQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    @binary_doc(blp, "text/csv", "The month's compliance table (UTF-8 with BOM, CRLF)")
    def get(self, query):
        """The compliance table as CSV, one row per supervisee."""
        content, name = supervision.compliance_csv(g.user, query.get("month"))
        return file_response(content, "text/csv; charset=utf-8", name)
