"""user language: the app's language chosen by each user

Revision ID: 0004_user_language
Revises: 0003_caregivers
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_user_language"
down_revision = "0003_caregivers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
