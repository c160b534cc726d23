"""The paper data sheet of a client for a day: its active targets, in the order the app lists
them, drawn by bdc.reports.datasheet; an ``export`` audit entry per sheet (no PHI in it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bdc import audit, dates, drawing
from bdc.extensions import db
from bdc.models import Client, Target, User
from bdc.reports.datasheet import SheetTarget, datasheet_pdf
from bdc.services.exports import safe_code


def active_targets(client: Client) -> list[Target]:
    return list(
        db.session.scalars(
            select(Target)
            .where(Target.client_id == client.id, Target.active.is_(True))
            .order_by(Target.name, Target.id)
        )
    )


def datasheet(client: Client, day: date | None, user: User) -> tuple[bytes, str]:
    """The PDF and its file name (the client's code, never the name); ``day`` defaults to the
    client's today in their time zone."""
    day = day or dates.local_today(dates.client_zone(client.time_zone))
    targets = [
        SheetTarget(i + 1, t.name, t.measurement, t.params or {})
        for i, t in enumerate(active_targets(client))
    ]
    pdf, pages = drawing.run(datasheet_pdf, client.code, day, targets)
    audit.record(
        "export",
        "client",
        resource_id=client.id,
        client_id=client.id,
        user_id=user.id,
        detail={"what": "datasheet", "day": day.isoformat(), "pages": pages},
    )
    return pdf, f"datasheet_{safe_code(client.code)}_{day.isoformat()}.pdf"
