"""chart audits: a director's random sample of sessions and the audit checklist answers

Revision ID: 0007_chart_audits
Revises: 0006_fa_condition
Create Date: 2026-11-26 04:00:00

"""

from alembic import op
import sqlalchemy as sa

import bdc.models.base


revision = "0007_chart_audits"
down_revision = "0006_fa_condition"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chart_audits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("drawn_by", sa.String(length=36), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=32), nullable=False),
        sa.Column("ioa_standard", sa.Double(), nullable=False),
        sa.Column("created_at", bdc.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawn_by"], ["users.id"], name=op.f("fk_chart_audits_drawn_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_audits")),
    )
    with op.batch_alter_table("chart_audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chart_audits_date_to"), ["date_to"], unique=False)

    op.create_table(
        "chart_audit_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prefill", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=36), nullable=True),
        sa.Column("reviewed_at", bdc.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["chart_audits.id"],
            name=op.f("fk_chart_audit_items_audit_id_chart_audits"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_chart_audit_items_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_chart_audit_items_reviewed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_chart_audit_items_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_audit_items")),
        sa.UniqueConstraint("audit_id", "session_id", name=op.f("uq_chart_audit_items_audit_id")),
    )
    with op.batch_alter_table("chart_audit_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chart_audit_items_audit_id"), ["audit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chart_audit_items_client_id"), ["client_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("chart_audit_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_audit_items_client_id"))
        batch_op.drop_index(batch_op.f("ix_chart_audit_items_audit_id"))
    op.drop_table("chart_audit_items")
    with op.batch_alter_table("chart_audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_audits_date_to"))
    op.drop_table("chart_audits")
