"""caregivers: targets a caregiver may record at home; session settings in one spelling

Revision ID: 0003_caregivers
Revises: 0002_notes_supervision
Create Date: 2026-11-26 01:25:00

The caregiver role needs no schema change (roles are plain strings, links are assignments).
Settings recorded before the clinic's list existed were free text ("Clinic", "Home"); those
matching a default setting are stored in the list's spelling so the setting filter finds them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_caregivers"
down_revision = "0002_notes_supervision"
branch_labels = None
depends_on = None

DEFAULT_SETTINGS = ("clinic", "home", "school", "community", "telehealth")


def upgrade():
    with op.batch_alter_table("targets") as batch:
        batch.add_column(
            sa.Column("home_recordable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    sessions = sa.table("sessions", sa.column("setting", sa.String))
    op.execute(
        sessions.update()
        .where(sa.func.lower(sessions.c.setting).in_(DEFAULT_SETTINGS))
        .values(setting=sa.func.lower(sessions.c.setting))
    )


def downgrade():
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("home_recordable")
