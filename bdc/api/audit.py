"""The audit trail, for directors and admins."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc import audit
from bdc.api.base import protected_blueprint
from bdc.api.schemas import AuditEntrySchema, AuditQuerySchema
from bdc.auth import READS_AUDIT, require_role

blp = protected_blueprint("audit", __name__, "Audit trail of PHI access and changes")


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Audit entries, newest first, filtered by client, user and date."""
        require_role(g.user, READS_AUDIT)
        entries, total = audit.search(
            client_id=str(query["client_id"]) if "client_id" in query else None,
            user_id=str(query["user_id"]) if "user_id" in query else None,
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return entries
