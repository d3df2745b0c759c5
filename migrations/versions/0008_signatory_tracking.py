"""Signatory tracking: consents, co-signing organisations, the audit log, page views,
milestones sent, invalidated groups, dashboard snapshots, and the dashboard's covering
indexes on signatures.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:29:29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import campaign.db
from campaign.models.tracking import postcode_area, utc_day

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC_TIME = campaign.db.UTCDateTime(timezone=True)
SIGNATURE_STATES = ("pending", "confirmed", "flagged", "invalidated")


def upgrade() -> None:
    op.create_table(
        "consent_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("first_shown_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_texts")),
        sa.UniqueConstraint("text_hash", name=op.f("uq_consent_texts_text_hash")),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("consent_text_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("given_at", UTC_TIME, nullable=False),
        sa.Column("withdrawn_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["consent_text_id"], ["consent_texts.id"],
                                name=op.f("fk_consents_consent_text_id_consent_texts")),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_consents_petition_id_petitions"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["signatory_id"], ["signatories.id"],
                                name=op.f("fk_consents_signatory_id_signatories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_signatory_id_purpose", "consents", ["signatory_id", "purpose"])

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_audit_entries_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name=op.f("fk_audit_entries_organizer_id_organizers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_audit_entries_petition_id_petitions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_campaign_id_created_at", "audit_entries",
                    ["campaign_id", "created_at"])

    op.create_table(
        "organisation_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("state", sa.Enum("pending", "confirmed", "approved", "rejected",
                                   name="cosignstate", native_enum=False, length=16),
                  nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("confirmed_at", UTC_TIME, nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_organisation_signatures_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_signatures")),
    )
    op.create_index("ix_organisation_signatures_petition_id_state", "organisation_signatures",
                    ["petition_id", "state"])

    op.create_table(
        "petition_daily_views",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_petition_daily_views_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("petition_id", "day", name=op.f("pk_petition_daily_views")),
    )
    op.create_table(
        "dashboard_snapshots",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTC_TIME, nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_dashboard_snapshots_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("petition_id", name=op.f("pk_dashboard_snapshots")),
    )
    op.create_table(
        "milestone_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=False),
        sa.Column("notified_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_milestone_notices_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_notices")),
        sa.UniqueConstraint("petition_id", "milestone",
                            name=op.f("uq_milestone_notices_petition_id_milestone")),
    )

    op.create_table(
        "invalidations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("restored_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name=op.f("fk_invalidations_organizer_id_organizers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"],
                                name=op.f("fk_invalidations_petition_id_petitions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invalidations")),
    )
    op.create_index(op.f("ix_invalidations_petition_id"), "invalidations", ["petition_id"])
    op.create_table(
        "invalidated_signatures",
        sa.Column("invalidation_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("previous_state", sa.Enum(*SIGNATURE_STATES, name="signaturestate",
                                            native_enum=False, length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["invalidation_id"], ["invalidations.id"],
            name=op.f("fk_invalidated_signatures_invalidation_id_invalidations"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signature_id"], ["signatures.id"],
                                name=op.f("fk_invalidated_signatures_signature_id_signatures"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("invalidation_id", "signature_id",
                                name=op.f("pk_invalidated_signatures")),
    )
    op.create_index(op.f("ix_invalidated_signatures_signature_id"), "invalidated_signatures",
                    ["signature_id"])

    # Existing rows get the defaults the models give new ones.
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=False,
                                      server_default=""))
    with op.batch_alter_table("petitions") as batch_op:
        batch_op.add_column(sa.Column("joint_statement", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    # The dashboard's GROUP BYs read these instead of the table (see campaign.models.tracking:
    # the expressions compile per backend, and must match the queries' exactly).
    op.create_index("ix_signatures_petition_id_state_confirmed_day", "signatures",
                    ["petition_id", "state", utc_day(sa.column("confirmed_at")), "confirmed_at"])
    op.create_index("ix_signatures_petition_id_state_country_area", "signatures",
                    ["petition_id", "state", "country", postcode_area(sa.column("postcode")),
                     "postcode"])
    op.create_index("ix_signatures_petition_id_state_source", "signatures",
                    ["petition_id", "state", "source"])


def downgrade() -> None:
    op.drop_index("ix_signatures_petition_id_state_source", "signatures")
    op.drop_index("ix_signatures_petition_id_state_country_area", "signatures")
    op.drop_index("ix_signatures_petition_id_state_confirmed_day", "signatures")
    with op.batch_alter_table("petitions") as batch_op:
        batch_op.drop_column("joint_statement")
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("unsubscribe_url")
    op.drop_table("invalidated_signatures")
    op.drop_table("invalidations")
    op.drop_table("milestone_notices")
    op.drop_table("dashboard_snapshots")
    op.drop_table("petition_daily_views")
    op.drop_table("organisation_signatures")
    op.drop_table("audit_entries")
    op.drop_table("consents")
    op.drop_table("consent_texts")
