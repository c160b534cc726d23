"""note shares: a BCBA's decision that caregivers may read a session's signed note

Revision ID: 0008_note_shares
Revises: 0007_chart_audits
Create Date: 2026-11-26 04:05:00

"""

from alembic import op
import sqlalchemy as sa

import bdc.models.base


revision = "0008_note_shares"
down_revision = "0007_chart_audits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "note_shares",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("shared_by", sa.String(length=36), nullable=False),
        sa.Column("shared_at", bdc.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_note_shares_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_note_shares_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["shared_by"], ["users.id"], name=op.f("fk_note_shares_shared_by_users")
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_note_shares")),
    )
    with op.batch_alter_table("note_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_shares_client_id"), ["client_id"], unique=False)


def downgrade():
    with op.batch_alter_table("note_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_shares_client_id"))
    op.drop_table("note_shares")
