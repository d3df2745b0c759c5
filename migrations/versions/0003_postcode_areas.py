"""Postcode-to-area table for finding a supporter's legislators.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:27:41
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postcode_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("postcode", sa.String(length=20), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"],
                                name=op.f("fk_postcode_areas_area_id_areas"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postcode_areas")),
        sa.UniqueConstraint("country", "postcode", "area_id",
                            name=op.f("uq_postcode_areas_country_postcode_area_id")),
    )
    with op.batch_alter_table("postcode_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postcode_areas_area_id"), ["area_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("postcode_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postcode_areas_area_id"))
    op.drop_table("postcode_areas")
