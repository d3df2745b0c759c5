"""Every model, imported so that `Base.metadata` knows all tables."""

from campaign.models.campaigns import Campaign, Membership, Role
from campaign.models.documents import (Call, CallState, Document, DocumentKind,
                                       LetterCampaignSource, PetitionSource)
from campaign.models.legislators import Area, Chamber, Legislator
from campaign.models.letters import LetterCampaign, LetterCampaignState
from campaign.models.mail import MailState, OutboundEmail
from campaign.models.organizers import Organizer, OrganizerSession
from campaign.models.petitions import Petition, PetitionCountryCount, PetitionState
from campaign.models.signatures import Signatory, Signature, SignatureState

__all__ = [
    "Campaign", "Membership", "Role",
    "Call", "CallState", "Document", "DocumentKind", "LetterCampaignSource", "PetitionSource",
    "Area", "Chamber", "Legislator",
    "LetterCampaign", "LetterCampaignState",
    "MailState", "OutboundEmail",
    "Organizer", "OrganizerSession",
    "Petition", "PetitionCountryCount", "PetitionState",
    "Signatory", "Signature", "SignatureState",
]
