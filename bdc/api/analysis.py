"""Analysis reads: a target's data and summary, a session's IOA, a client's FBA figures.

Thin views: each resolves the resource (404 off caseload), validates the query (422 on an
unknown or bad parameter: webargs would otherwise drop unknown query parameters silently) and
makes one service call, which writes the audit entry.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import RAISE

from bdc.api.analysis_schemas import (
    FBAQuerySchema,
    FBASchema,
    IOAQuerySchema,
    SessionIOASchema,
    TargetDataSchema,
    TargetSummarySchema,
)
from bdc.api.base import protected_blueprint
from bdc.api.schemas import TargetDataQuerySchema, TargetSummaryQuerySchema
from bdc.auth import client_or_404, target_or_404
from bdc.services import fba, ioa, summaries
from bdc.services.recordings import session_or_404

blp = protected_blueprint(
    "analysis", __name__, "Analysis: target data and summaries, IOA, FBA figures"
)


# --- routes --------------------------------------------------------------------------------------


@blp.route("/targets/<uuid:target_id>/data")
class TargetData(MethodView):
    @blp.arguments(TargetDataQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, TargetDataSchema)
    def get(self, query, target_id):
        """One value per primary session, with its phase, observer, date and IOA partner.

        A session that tracked the target with no response is 0; a session that did not track
        it has no point. ``details`` holds every other figure of the session.
        """
        target = target_or_404(g.user, target_id)
        return summaries.target_data(
            target, query.get("date_from"), query.get("date_to"), query.get("setting")
        )


@blp.route("/targets/<uuid:target_id>/summary")
class TargetSummary(MethodView):
    @blp.arguments(TargetSummaryQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, TargetSummarySchema)
    def get(self, query, target_id):
        """Per phase: level, trend and variability; the chosen effect sizes (``effect_sizes``)
        against the first baseline, with standard errors and intervals where defined; mastery
        and aim-line status. Undefined figures are null with a reason in ``notes``."""
        target = target_or_404(g.user, target_id)
        return summaries.target_summary(
            target,
            query.get("date_from"),
            query.get("date_to"),
            query.get("setting"),
            query["effect_size_names"],
        )


@blp.route("/sessions/<uuid:session_id>/ioa")
class SessionIOA(MethodView):
    @blp.arguments(IOAQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, SessionIOASchema)
    def get(self, query, session_id):
        """Every applicable IOA measure for the session and its partner, target by target.

        Without a partner the answer has ``paired: false``, no targets and a ``message``.
        Observer 1 is the primary session, observer 2 the reliability session.
        """
        session = session_or_404(g.user, session_id)
        return ioa.session_ioa(session, bin_seconds=query["bin_seconds"])


@blp.route("/clients/<uuid:client_id>/fba")
class ClientFBA(MethodView):
    @blp.arguments(FBAQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, FBASchema)
    def get(self, query, client_id):
        """ABC conditional probabilities, a problem-behavior scatterplot and functional
        analysis summaries, from the client's primary sessions."""
        client = client_or_404(g.user, client_id)
        target_id = query.pop("target_id", None)
        return fba.client_fba(client, target_id=str(target_id) if target_id else None, **query)
