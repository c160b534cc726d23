"""group sessions and the clinic's list of settings

Revision ID: 0009_groups_settings
Revises: 0008_note_shares
Create Date: 2026-11-26 03:55:00

A group is no table of its own: each learner's session carries the group's id, and the group is
the sessions holding it (docs/groups.md). The settings list a director keeps starts empty: until
a director saves one, the configured list (BDC_SESSION_SETTINGS) is the clinic's list.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_groups_settings"
down_revision = "0008_note_shares"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("group_id", sa.String(length=36), nullable=True))
        batch.create_index("ix_sessions_group_id", ["group_id"])
    op.create_table(
        "session_settings",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_session_settings")),
    )


def downgrade():
    op.drop_table("session_settings")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_group_id")
        batch.drop_column("group_id")
