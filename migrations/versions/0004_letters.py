"""Letters to legislators and the templates organizers write for them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:24:38.483256
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_campaign_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('updated_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['letter_campaign_id'], ['letter_campaigns.id'], name=op.f('fk_letter_templates_letter_campaign_id_letter_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates')),
    sa.UniqueConstraint('letter_campaign_id', 'language', name=op.f('uq_letter_templates_letter_campaign_id_language'))
    )
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_templates_letter_campaign_id'), ['letter_campaign_id'], unique=False)

    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_campaign_id', sa.Integer(), nullable=False),
    sa.Column('legislator_id', sa.Integer(), nullable=False),
    sa.Column('signatory_id', sa.Integer(), nullable=True),
    sa.Column('supporter_name', sa.String(length=200), nullable=False),
    sa.Column('supporter_town', sa.String(length=200), nullable=False),
    sa.Column('personal_paragraph', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('delivery_method', sa.Enum('', 'own-email', 'post', 'contact-form', 'app-email', name='deliverymethod', native_enum=False, length=16), nullable=False),
    sa.Column('own_share', sa.Float(), nullable=False),
    sa.Column('peer_similarity', sa.Float(), nullable=False),
    sa.Column('state', sa.Enum('drafted', 'sent', name='letterstate', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('send_requested_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scheduled_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reply_status', sa.Enum('', 'replied', 'acknowledged', 'no-reply', name='replystatus', native_enum=False, length=16), nullable=False),
    sa.Column('reply_asked_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reply_answered_at', campaign.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('referrer', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['legislator_id'], ['legislators.id'], name=op.f('fk_letters_legislator_id_legislators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['letter_campaign_id'], ['letter_campaigns.id'], name=op.f('fk_letters_letter_campaign_id_letter_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signatory_id'], ['signatories.id'], name=op.f('fk_letters_signatory_id_signatories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index('ix_letters_legislator_id_state', ['legislator_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_letter_campaign_id'), ['letter_campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_signatory_id'), ['signatory_id'], unique=False)
        batch_op.create_index('ix_letters_state_sent_at', ['state', 'sent_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_state_sent_at')
        batch_op.drop_index(batch_op.f('ix_letters_signatory_id'))
        batch_op.drop_index(batch_op.f('ix_letters_letter_campaign_id'))
        batch_op.drop_index('ix_letters_legislator_id_state')

    op.drop_table('letters')
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_templates_letter_campaign_id'))

    op.drop_table('letter_templates')
