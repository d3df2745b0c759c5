"""Documents, the calls to action found in them, and the petitions and letter campaigns made from them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:26:27.671303
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('source_url', sa.String(length=2000), nullable=False),
    sa.Column('kind', sa.Enum('text', 'markdown', 'html', 'pdf', 'docx', name='documentkind', native_enum=False, length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('detected_signatories', sa.JSON(), nullable=False),
    sa.Column('cosigning_organisations', sa.JSON(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_documents_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('campaign_id', 'content_hash', name=op.f('uq_documents_campaign_id_content_hash'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=300), nullable=True),
    sa.Column('target', sa.String(length=500), nullable=True),
    sa.Column('demand', sa.String(length=2000), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'accepted', 'rejected', 'edited', name='callstate', native_enum=False, length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', campaign.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_calls_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_document_id'), ['document_id'], unique=False)

    op.create_table('letter_campaign_sources',
    sa.Column('letter_campaign_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_letter_campaign_sources_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['letter_campaign_id'], ['letter_campaigns.id'], name=op.f('fk_letter_campaign_sources_letter_campaign_id_letter_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('letter_campaign_id', 'call_id', name=op.f('pk_letter_campaign_sources'))
    )
    with op.batch_alter_table('letter_campaign_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_campaign_sources_call_id'), ['call_id'], unique=False)

    op.create_table('petition_sources',
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_petition_sources_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_sources_petition_id_petitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('petition_id', 'call_id', name=op.f('pk_petition_sources'))
    )
    with op.batch_alter_table('petition_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_sources_call_id'), ['call_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('petition_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_sources_call_id'))

    op.drop_table('petition_sources')
    with op.batch_alter_table('letter_campaign_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_campaign_sources_call_id'))

    op.drop_table('letter_campaign_sources')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_document_id'))

    op.drop_table('calls')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_campaign_id'))

    op.drop_table('documents')
