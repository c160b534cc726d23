"""fa condition and client time zone: the functional-analysis condition a session ran, and a
client's own time zone when it is not the clinic's

Revision ID: 0006_fa_condition
Revises: 0005_session_values
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_fa_condition"
down_revision = "0005_session_values"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("fa_condition", sa.String(length=60), nullable=True))
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("fa_condition")
