"""Keep a TOTP secret offered during two-factor set-up on the server-side session.

Revision ID: 0008
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizer_sessions") as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizer_sessions") as batch_op:
        batch_op.drop_column("totp_pending_secret")
