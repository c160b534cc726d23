"""The JSON API under /api/v1: one flask-smorest blueprint per resource."""

from __future__ import annotations

from bdc.api import (
    analysis,
    audit,
    auth,
    caregivers,
    clients,
    incidents,
    quality,
    sessions,
    targets,
    users,
)
from bdc.api import chart_audits as chart_audits_api
from bdc.api import datasheets as datasheets_api
from bdc.api import notes as notes_api
from bdc.api import preferences as preferences_api
from bdc.api import reports as reports_api
from bdc.api import supervision as supervision_api
from bdc.api import training as training_api

BLUEPRINTS = (auth.blp, users.blp, clients.blp, targets.blp, sessions.blp, audit.blp)
BLUEPRINTS += (analysis.blp,)
BLUEPRINTS += (quality.blp, incidents.blp)
BLUEPRINTS += (reports_api.blp,)
BLUEPRINTS += (notes_api.blp, supervision_api.blp, training_api.blp)
BLUEPRINTS += (chart_audits_api.blp,)
BLUEPRINTS += (caregivers.blp,)
BLUEPRINTS += (preferences_api.blp, datasheets_api.blp)


def register(api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
