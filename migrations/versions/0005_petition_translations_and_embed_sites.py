"""Petition translations (title, summary, text per language) and the sites that may embed a petition.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:25:03.830013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petition_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("updated_at", campaign.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"], ondelete="CASCADE",
                                name=op.f("fk_petition_translations_petition_id_petitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_translations")),
        sa.UniqueConstraint("petition_id", "language",
                            name=op.f("uq_petition_translations_petition_id_language")),
    )
    op.create_table(
        "petition_embed_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("created_at", campaign.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"], ondelete="CASCADE",
                                name=op.f("fk_petition_embed_sites_petition_id_petitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_embed_sites")),
        sa.UniqueConstraint("petition_id", "origin",
                            name=op.f("uq_petition_embed_sites_petition_id_origin")),
    )
    op.create_index(op.f("ix_petition_embed_sites_petition_id"), "petition_embed_sites",
                    ["petition_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_petition_embed_sites_petition_id"), table_name="petition_embed_sites")
    op.drop_table("petition_embed_sites")
    op.drop_table("petition_translations")
