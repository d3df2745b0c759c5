"""Confirmation requests: every signature, not only a repeat, asks the mail sender for its
confirmation email, which the sender renders. The table of re-send requests becomes the table
of confirmation requests; the requests waiting in it are kept.

A signature made before this revision had its email queued already and counts one send
(confirmation_sends = 1); one made after counts its sends as the mail sender makes them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

UTC_TIME = campaign.db.UTCDateTime(timezone=True)
COLUMNS = "id, petition_id, signatory_id, language, requested_at"


def _create(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f(f"fk_{name}_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signatory_id"], ["signatories.id"],
                                name=op.f(f"fk_{name}_signatory_id_signatories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_signatory_id"), name, ["signatory_id"])


def _move(source: str, target: str) -> None:
    """A new table under the new name (its constraints named after it), with the rows."""
    _create(target)
    op.execute(f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {source}")  # noqa: S608 - fixed names
    if op.get_bind().dialect.name == "postgresql":
        # Ids go on from the copied rows rather than from 1.
        op.execute(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "  # noqa: S608 - fixed names
                   f"COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)")
    op.drop_index(op.f(f"ix_{source}_signatory_id"), table_name=source)
    op.drop_table(source)


def upgrade() -> None:
    _move("confirmation_resends", "confirmation_requests")


def downgrade() -> None:
    _move("confirmation_requests", "confirmation_resends")
