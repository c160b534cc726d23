"""session values: each target's stored value per session, backfilled from the events

Revision ID: 0005_session_values
Revises: 0004_user_language
Create Date: 2026-11-26 01:00:00

The backfill measures every stored observation session with bdc.measures, in batches of
sessions (bdc.services.session_values.rebuild, the code `bdc recompute-values` runs).
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_session_values"
down_revision = "0004_user_language"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_values",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("measures_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_session_values_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_session_values_target_id_targets")
        ),
        sa.PrimaryKeyConstraint("session_id", "target_id", name=op.f("pk_session_values")),
    )
    with op.batch_alter_table("session_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_values_target_session", ["target_id", "session_id"], unique=False
        )

    from bdc.services.session_values import rebuild

    rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table("session_values", schema=None) as batch_op:
        batch_op.drop_index("ix_session_values_target_session")
    op.drop_table("session_values")
