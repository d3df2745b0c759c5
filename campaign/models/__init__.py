"""Every model, imported so that `Base.metadata` knows all tables."""

from campaign.models.audit import AuditEntry
from campaign.models.campaigns import Campaign, Membership, Role
from campaign.models.consents import Consent, ConsentText
from campaign.models.documents import (
                                       Call,
                                       CallState,
                                       Document,
                                       DocumentKind,
                                       LetterCampaignSource,
                                       PetitionSource,
)
from campaign.models.embeds import EmbedSite
from campaign.models.legislators import Area, Chamber, Legislator
from campaign.models.letters import (
                                       DeliveryMethod,
                                       Letter,
                                       LetterCampaign,
                                       LetterCampaignState,
                                       LetterState,
                                       LetterTemplate,
                                       ReplyStatus,
)
from campaign.models.mail import MailState, OutboundEmail
from campaign.models.mail_requests import ConfirmationRequest, DataLinkRequest
from campaign.models.organisations import CosignState, OrganisationSignature
from campaign.models.organizers import Organizer, OrganizerSession
from campaign.models.petitions import Petition, PetitionCountryCount, PetitionState
from campaign.models.postcodes import PostcodeArea
from campaign.models.signatures import Signatory, Signature, SignatureState
from campaign.models.tracking import (
                                       DashboardSnapshot,
                                       InvalidatedSignature,
                                       Invalidation,
                                       MilestoneNotice,
                                       PetitionDailyViews,
)
from campaign.models.translations import PetitionTranslation

__all__ = [
    "Campaign", "Membership", "Role",
    "Call", "CallState", "Document", "DocumentKind", "LetterCampaignSource", "PetitionSource",
    "Area", "Chamber", "Legislator",
    "LetterCampaign", "LetterCampaignState",
    "DeliveryMethod", "Letter", "LetterState", "LetterTemplate", "ReplyStatus",
    "MailState", "OutboundEmail", "ConfirmationRequest", "DataLinkRequest",
    "Organizer", "OrganizerSession",
    "Petition", "PetitionCountryCount", "PetitionState",
    "PostcodeArea",
    "Signatory", "Signature", "SignatureState",
    "AuditEntry", "Consent", "ConsentText", "CosignState", "OrganisationSignature",
    "DashboardSnapshot", "InvalidatedSignature", "Invalidation", "MilestoneNotice",
    "PetitionDailyViews",
    "EmbedSite", "PetitionTranslation",
]
