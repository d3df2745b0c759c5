"""Petitions foundation: organizers, campaigns, petitions, signatures and the mail outbox.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 13:17:05.227887
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaigns_slug'))
    )
    op.create_table('organizers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizers')),
    sa.UniqueConstraint('email', name=op.f('uq_organizers_email'))
    )
    op.create_table('outbound_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='mailstate', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_emails'))
    )
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_emails_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)

    op.create_table('signatories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_key', sa.String(length=320), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatories')),
    sa.UniqueConstraint('email_key', name=op.f('uq_signatories_email_key'))
    )
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'organizer', 'owner', name='role', native_enum=False, length=16), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_memberships_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_memberships_organizer_id_organizers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('campaign_id', 'organizer_id', name=op.f('uq_memberships_campaign_id_organizer_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organizer_id'), ['organizer_id'], unique=False)

    op.create_table('organizer_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('two_factor_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_organizer_sessions_organizer_id_organizers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizer_sessions'))
    )
    with op.batch_alter_table('organizer_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizer_sessions_organizer_id'), ['organizer_id'], unique=False)

    op.create_table('petitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('goal', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', 'archived', name='petitionstate', native_enum=False, length=16), nullable=False),
    sa.Column('closes_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('default_language', sa.String(length=16), nullable=False),
    sa.Column('signature_count', sa.Integer(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_petitions_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petitions')),
    sa.UniqueConstraint('slug', name=op.f('uq_petitions_slug'))
    )
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petitions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('petition_country_counts',
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_country_counts_petition_id_petitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('petition_id', 'country', name=op.f('pk_petition_country_counts'))
    )
    op.create_table('signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('signatory_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('postcode', sa.String(length=16), nullable=False),
    sa.Column('state', sa.Enum('pending', 'confirmed', 'flagged', 'invalidated', name='signaturestate', native_enum=False, length=16), nullable=False),
    sa.Column('consent_updates', sa.Boolean(), nullable=False),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('referrer', sa.String(length=300), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('confirmation_sends', sa.Integer(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_signatures_petition_id_petitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signatory_id'], ['signatories.id'], name=op.f('fk_signatures_signatory_id_signatories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
    sa.UniqueConstraint('petition_id', 'signatory_id', name=op.f('uq_signatures_petition_id_signatory_id'))
    )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatures_ip_hash'), ['ip_hash'], unique=False)
        batch_op.create_index('ix_signatures_petition_id_state_created_at', ['petition_id', 'state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signatures_signatory_id'), ['signatory_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_signatory_id'))
        batch_op.drop_index('ix_signatures_petition_id_state_created_at')
        batch_op.drop_index(batch_op.f('ix_signatures_ip_hash'))

    op.drop_table('signatures')
    op.drop_table('petition_country_counts')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_campaign_id'))

    op.drop_table('petitions')
    with op.batch_alter_table('organizer_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizer_sessions_organizer_id'))

    op.drop_table('organizer_sessions')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_organizer_id'))

    op.drop_table('memberships')
    op.drop_table('signatories')
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_emails_state_next_attempt_at')

    op.drop_table('outbound_emails')
    op.drop_table('organizers')
    op.drop_table('campaigns')
