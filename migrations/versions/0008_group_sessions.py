"""group sessions: the id linking the sessions of learners recorded on one screen

Revision ID: 0008_group_sessions
Revises: 0005_session_values
Create Date: 2026-11-26 03:55:00

A group is no table of its own: each learner's session carries the group's id, and the group is
the sessions holding it (docs/groups.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_group_sessions"
down_revision = "0005_session_values"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("group_id", sa.String(length=36), nullable=True))
        batch.create_index("ix_sessions_group_id", ["group_id"])


def downgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_group_id")
        batch.drop_column("group_id")
