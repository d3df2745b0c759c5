"""Hardening: a TOTP secret offered during two-factor set-up is kept on the server-side session;
outgoing mail names its campaign, so that only that campaign's owners see it in the outbox.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizer_sessions") as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))
    # Mail queued before this migration has no campaign: no organizer sees it in the outbox.
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbound_emails_campaign_id", ["campaign_id"])
        batch_op.create_foreign_key("fk_outbound_emails_campaign_id_campaigns", "campaigns",
                                    ["campaign_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_constraint("fk_outbound_emails_campaign_id_campaigns", type_="foreignkey")
        batch_op.drop_index("ix_outbound_emails_campaign_id")
        batch_op.drop_column("campaign_id")
    with op.batch_alter_table("organizer_sessions") as batch_op:
        batch_op.drop_column("totp_pending_secret")
