"""Legislator directory (chambers, areas, legislators) and letter campaigns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:19:00.979942
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chambers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chambers')),
    sa.UniqueConstraint('slug', name=op.f('uq_chambers_slug'))
    )
    op.create_table('areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chamber_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['chamber_id'], ['chambers.id'], name=op.f('fk_areas_chamber_id_chambers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['areas.id'], name=op.f('fk_areas_parent_id_areas'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('chamber_id', 'kind', 'code', name=op.f('uq_areas_chamber_id_kind_code'))
    )
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_areas_chamber_id'), ['chamber_id'], unique=False)

    op.create_table('letter_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('talking_points', sa.JSON(), nullable=False),
    sa.Column('chamber_slugs', sa.JSON(), nullable=False),
    sa.Column('default_language', sa.String(length=16), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', name='lettercampaignstate', native_enum=False, length=16), nullable=False),
    sa.Column('similarity_threshold', sa.Float(), nullable=False),
    sa.Column('hourly_limit_per_office', sa.Integer(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_letter_campaigns_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_campaigns')),
    sa.UniqueConstraint('slug', name=op.f('uq_letter_campaigns_slug'))
    )
    with op.batch_alter_table('letter_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_campaigns_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('legislators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chamber_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('party', sa.String(length=200), nullable=False),
    sa.Column('group', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=80), nullable=False),
    sa.Column('postal_address', sa.String(length=500), nullable=False),
    sa.Column('contact_form_url', sa.String(length=500), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('mandate_start', sa.Date(), nullable=True),
    sa.Column('mandate_end', sa.Date(), nullable=True),
    sa.Column('serving', sa.Boolean(), nullable=False),
    sa.Column('updated_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_legislators_area_id_areas'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['chamber_id'], ['chambers.id'], name=op.f('fk_legislators_chamber_id_chambers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legislators')),
    sa.UniqueConstraint('chamber_id', 'external_id', name=op.f('uq_legislators_chamber_id_external_id'))
    )
    with op.batch_alter_table('legislators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legislators_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legislators_chamber_id'), ['chamber_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('legislators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legislators_chamber_id'))
        batch_op.drop_index(batch_op.f('ix_legislators_area_id'))

    op.drop_table('legislators')
    with op.batch_alter_table('letter_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_campaigns_campaign_id'))

    op.drop_table('letter_campaigns')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_areas_chamber_id'))

    op.drop_table('areas')
    op.drop_table('chambers')
