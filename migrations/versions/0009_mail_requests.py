"""Mail requests: a repeat signature asks for its confirmation again, a data request for
its link, and the mail sender acts on them; so the web request does the same work whoever
asks, and its time tells nobody who has signed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UTC_TIME = campaign.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "confirmation_resends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_confirmation_resends_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signatory_id"], ["signatories.id"],
                                name=op.f("fk_confirmation_resends_signatory_id_signatories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_resends")),
    )
    op.create_index(op.f("ix_confirmation_resends_signatory_id"), "confirmation_resends",
                    ["signatory_id"])
    op.create_table(
        "data_link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_link_requests")),
    )


def downgrade() -> None:
    op.drop_table("data_link_requests")
    op.drop_index(op.f("ix_confirmation_resends_signatory_id"),
                  table_name="confirmation_resends")
    op.drop_table("confirmation_resends")
