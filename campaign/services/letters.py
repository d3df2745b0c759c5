"""Letters to legislators: drafting from a template, measuring, sending, and hearing back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.db import utcnow
from campaign.models import (
    Chamber,
    DeliveryMethod,
    Legislator,
    Letter,
    LetterCampaign,
    LetterCampaignState,
    LetterState,
    LetterTemplate,
    ReplyStatus,
)
from campaign.services import letter_templates, similarity
from campaign.services.legislator_lookup import LookupResult, lookup_place
from campaign.services.mail import check_header_value
from campaign.services.signing import signatory_id_for_email

# A letter whose own words are less than this share of it is the template, nearly unchanged.
MIN_OWN_SHARE = 0.1
# How many earlier letters to the same office a new one is compared with.
PEERS_COMPARED = 1000

DRAFT_SALT = "letter-draft"
SEND_SALT = "letter-send"
REPLY_SALT = "letter-reply"
TOKEN_MAX_AGE = {DRAFT_SALT: timedelta(days=60), SEND_SALT: timedelta(days=7),
                 REPLY_SALT: timedelta(days=90)}


class LetterError(Exception):
    """Something the supporter or organizer asked for cannot be done; the message says why."""


# -- letter campaigns -------------------------------------------------------------------------

def open_letter_campaigns(session: Session) -> list[LetterCampaign]:
    return list(session.scalars(select(LetterCampaign)
                                .where(LetterCampaign.state == LetterCampaignState.OPEN)
                                .order_by(LetterCampaign.created_at.desc())))


def public_letter_campaign(session: Session, slug: str) -> LetterCampaign | None:
    """An open letter campaign by its slug; drafts and closed ones are not public."""
    return session.scalar(select(LetterCampaign).where(
        LetterCampaign.slug == slug, LetterCampaign.state == LetterCampaignState.OPEN))


@dataclass
class LetterCampaignFields:
    title: str
    slug: str
    subject: str
    description: str = ""
    talking_points: list[str] = field(default_factory=list)
    chamber_slugs: list[str] = field(default_factory=list)
    default_language: str = "en"
    state: str = "draft"
    similarity_threshold: float = 0.8
    hourly_limit_per_office: int = 20


def save_letter_campaign(session: Session, letter_campaign: LetterCampaign | None,
                         campaign_id: int, fields: LetterCampaignFields) -> LetterCampaign:
    """Create a letter campaign, or update one, from organizer input."""
    clash = session.scalar(select(LetterCampaign.id).where(LetterCampaign.slug == fields.slug))
    if clash is not None and (letter_campaign is None or clash != letter_campaign.id):
        raise LetterError(f"The address “{fields.slug}” is already taken.")
    check_header_value(fields.subject)
    if letter_campaign is None:
        letter_campaign = LetterCampaign(campaign_id=campaign_id)
        session.add(letter_campaign)
    letter_campaign.title = fields.title
    letter_campaign.slug = fields.slug
    letter_campaign.subject = fields.subject
    letter_campaign.description = fields.description
    letter_campaign.talking_points = list(fields.talking_points)
    letter_campaign.chamber_slugs = list(fields.chamber_slugs)
    letter_campaign.default_language = fields.default_language
    letter_campaign.state = LetterCampaignState(fields.state)
    letter_campaign.similarity_threshold = fields.similarity_threshold
    letter_campaign.hourly_limit_per_office = fields.hourly_limit_per_office
    session.flush()
    return letter_campaign


def save_template(session: Session, letter_campaign: LetterCampaign, language: str,
                  subject: str, body_source: str) -> LetterTemplate:
    """Store an organizer's template after checking that it renders in the sandbox."""
    letter_templates.check_template(body_source)
    if subject:
        check_header_value(subject)
    template = session.scalar(select(LetterTemplate).where(
        LetterTemplate.letter_campaign_id == letter_campaign.id,
        LetterTemplate.language == language))
    if template is None:
        template = LetterTemplate(letter_campaign_id=letter_campaign.id, language=language)
        session.add(template)
    template.subject = subject
    template.body_source = body_source
    session.flush()
    return template


# -- finding the addressees -------------------------------------------------------------------

@dataclass
class Place:
    country: str
    region: str | None = None
    state: str | None = None
    district: str | None = None
    postcode: str | None = None


def find_legislators(session: Session, letter_campaign: LetterCampaign, place: Place
                     ) -> LookupResult:
    """Per chamber the campaign writes to, the supporter's legislators or the choices to make."""
    found = lookup_place(session, place.country, region=place.region, state=place.state,
                         district=place.district, postcode=place.postcode)
    allowed = letter_campaign.chamber_slugs
    if not allowed:
        return found
    # A problem with one chamber (a district the House lacks) matters only if we write to it.
    return LookupResult(
        found.country, [match for match in found.chambers if match.chamber.slug in allowed],
        [problem for problem in found.problems
         if problem.details.get("chamber") in (None, *allowed)])


def addressee(session: Session, letter_campaign: LetterCampaign, legislator_id: int
              ) -> Legislator | None:
    """A serving legislator the campaign may write to, or None."""
    legislator = session.get(Legislator, legislator_id)
    if legislator is None or not legislator.serving:
        return None
    allowed = letter_campaign.chamber_slugs
    if allowed and legislator.chamber.slug not in allowed:
        return None
    return legislator


# -- drafting ---------------------------------------------------------------------------------

@dataclass
class Draft:
    language: str
    subject: str
    body: str
    # The same letter without the supporter's paragraph: what similarity is measured against.
    template_body: str


def draft(session: Session, letter_campaign: LetterCampaign, legislator: Legislator,
          supporter: letter_templates.SupporterPart, day: date | None = None) -> Draft:
    """Render the campaign's letter to one legislator, in the language that fits them."""
    day = day or utcnow().date()
    languages = letter_templates.available_languages(session, letter_campaign)
    language = letter_templates.choose_language(legislator, languages,
                                                letter_campaign.default_language)
    choice = letter_templates.template_for(session, letter_campaign, language)
    if choice is None:
        raise LetterError("This letter campaign has no template yet.")
    variables = letter_templates.letter_variables(letter_campaign, legislator, supporter,
                                                  language, day)
    body = letter_templates.render_source(choice.source, variables)
    variables["supporter"]["personal_paragraph"] = ""
    template_body = letter_templates.render_source(choice.source, variables)
    return Draft(language, choice.subject, _tidy(body), _tidy(template_body))


def _tidy(text: str) -> str:
    """Collapse the blank lines an empty paragraph leaves and end with one newline."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"


@dataclass
class LetterRequest:
    """What a supporter sends when writing, already validated by the form."""

    name: str
    email: str
    town: str
    personal_paragraph: str
    ip_hash: str = ""
    source: str = ""
    referrer: str = ""


def start_letter(session: Session, letter_campaign: LetterCampaign, legislator: Legislator,
                 request: LetterRequest) -> Letter:
    """Draft a supporter's letter to one legislator and measure how much is their own."""
    for value in (request.name, request.email):
        check_header_value(value)
    supporter = letter_templates.SupporterPart(request.name, request.town,
                                               request.personal_paragraph)
    drafted = draft(session, letter_campaign, legislator, supporter)
    letter = Letter(
        letter_campaign_id=letter_campaign.id, legislator_id=legislator.id,
        signatory_id=signatory_id_for_email(session, request.email),
        supporter_name=request.name, supporter_town=request.town,
        personal_paragraph=request.personal_paragraph, subject=drafted.subject,
        body=drafted.body, language=drafted.language, ip_hash=request.ip_hash,
        source=request.source[:64], referrer=request.referrer[:300])
    letter.letter_campaign = letter_campaign
    letter.legislator = legislator
    session.add(letter)
    session.flush()
    measure(session, letter)
    return letter


def edit_letter(session: Session, letter: Letter, subject: str, body: str) -> None:
    """Replace the text of a draft with the supporter's edit and measure it again."""
    if letter.state is not LetterState.DRAFTED:
        raise LetterError("This letter has already been sent.")
    check_header_value(subject)
    letter.subject = subject
    letter.body = body.replace("\r\n", "\n")
    measure(session, letter)


def template_text(session: Session, letter: Letter) -> str:
    """The campaign's letter to this legislator without the supporter's paragraph."""
    supporter = letter_templates.SupporterPart(letter.supporter_name, letter.supporter_town, "")
    return draft(session, letter.letter_campaign, letter.legislator, supporter,
                 letter.created_at.date()).template_body


def measure(session: Session, letter: Letter) -> None:
    """Store how much of the letter is the supporter's own and how close it is to others."""
    mine = similarity.shingles(letter.body)
    base = similarity.shingles(template_text(session, letter))
    letter.own_share = round(similarity.own_share(mine, base), 4)
    others = session.scalars(
        select(Letter.body).where(Letter.legislator_id == letter.legislator_id,
                                  Letter.state == LetterState.SENT, Letter.id != letter.id)
        .order_by(Letter.sent_at.desc()).limit(PEERS_COMPARED))
    letter.peer_similarity = round(similarity.peer_similarity(
        mine, base, (similarity.shingles(body) for body in others)), 4)


def is_near_copy(letter: Letter) -> bool:
    """True when the letter is nearly the template or nearly another supporter's letter."""
    return (letter.peer_similarity >= letter.letter_campaign.similarity_threshold
            or letter.own_share < MIN_OWN_SHARE)


# -- sending ----------------------------------------------------------------------------------

def mark_sent(session: Session, letter: Letter, method: DeliveryMethod) -> None:
    """Record that the supporter sent the letter themselves (email, post or web form)."""
    if letter.state is LetterState.SENT:
        return
    letter.state = LetterState.SENT
    letter.delivery_method = method
    letter.sent_at = utcnow()


def next_slot(session: Session, letter: Letter, now: datetime) -> datetime:
    """When the next letter of this campaign may reach this office without passing the limit.

    Slots only move forward, so a letter placed one hour after the `limit`-th most recent one
    leaves at most `limit - 1` others in any hour before it.
    """
    limit = max(1, letter.letter_campaign.hourly_limit_per_office)
    # Serialises concurrent senders to the same office on PostgreSQL (SQLite has one writer).
    session.execute(select(Legislator.id).where(Legislator.id == letter.legislator_id)
                    .with_for_update())
    recent: list[datetime] = [when for when in session.scalars(
        select(Letter.scheduled_at).where(
            Letter.letter_campaign_id == letter.letter_campaign_id,
            Letter.legislator_id == letter.legislator_id,
            Letter.delivery_method == DeliveryMethod.APP_EMAIL,
            Letter.scheduled_at.is_not(None), Letter.id != letter.id)
        .order_by(Letter.scheduled_at.desc()).limit(limit)) if when is not None]
    if len(recent) < limit:
        return max([now, *recent]) if recent else now
    return max(now, recent[-1] + timedelta(hours=1), recent[0])


def send_through_app(session: Session, letter: Letter) -> datetime:
    """Queue the letter From the app, Reply-To the supporter, paced per office; returns when."""
    from campaign.services.letter_mail import queue_letter

    if letter.state is LetterState.SENT:
        raise LetterError("This letter has already been sent.")
    if not letter.legislator.email:
        raise LetterError("This office does not receive email.")
    now = utcnow()
    when = next_slot(session, letter, now)
    queue_letter(session, letter, when)
    letter.state = LetterState.SENT
    letter.delivery_method = DeliveryMethod.APP_EMAIL
    letter.scheduled_at = when
    letter.sent_at = when
    return when


# -- links ------------------------------------------------------------------------------------

def make_token(secret_key: str, salt: str, letter_id: int) -> str:
    return tokens.serializer(secret_key, salt).dumps({"l": letter_id})


class InvalidLetterLinkError(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def letter_for_token(session: Session, secret_key: str, salt: str, token: str) -> Letter | None:
    """The letter a signed link points to; raises InvalidLetterLinkError for a bad link."""
    serializer = tokens.serializer(secret_key, salt)
    try:
        payload = serializer.loads(token, max_age=int(TOKEN_MAX_AGE[salt].total_seconds()))
    except SignatureExpired:
        raise InvalidLetterLinkError(expired=True) from None
    except BadSignature:
        raise InvalidLetterLinkError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("l"), int):
        raise InvalidLetterLinkError(expired=False)
    return session.get(Letter, payload["l"])


# -- hearing back -----------------------------------------------------------------------------

def letters_to_ask_about(session: Session, after_days: int, now: datetime | None = None,
                         limit: int = 500) -> list[Letter]:
    """Sent letters old enough to ask whether the office replied, not yet asked about."""
    cutoff = (now or utcnow()) - timedelta(days=after_days)
    return list(session.scalars(
        select(Letter).where(Letter.state == LetterState.SENT, Letter.sent_at <= cutoff,
                             Letter.reply_asked_at.is_(None), Letter.signatory_id.is_not(None))
        .order_by(Letter.sent_at, Letter.id).limit(limit)))


def record_reply(session: Session, letter: Letter, status: ReplyStatus) -> None:
    """Store the supporter's answer; a later answer replaces an earlier one."""
    if letter.state is not LetterState.SENT or status is ReplyStatus.UNKNOWN:
        raise LetterError("There is nothing to answer for this letter.")
    letter.reply_status = status
    letter.reply_answered_at = utcnow()


def forget_stale_drafts(session: Session, older_than_days: int) -> int:
    """Erase who wrote drafts never sent after this many days; the counts stay.

    A draft holds a name, a town and a story; nobody needs them once it is abandoned.
    """
    cutoff = utcnow() - timedelta(days=older_than_days)
    return session.execute(
        update(Letter)
        .where(Letter.state == LetterState.DRAFTED, Letter.created_at < cutoff,
               Letter.signatory_id.is_not(None))
        .values(signatory_id=None, supporter_name="", supporter_town="", personal_paragraph="",
                body="", ip_hash="", referrer="")
    ).rowcount


# -- tracking ---------------------------------------------------------------------------------

@dataclass
class LegislatorCounts:
    legislator_id: int
    name: str
    chamber: str
    drafted: int
    sent: int
    replied: int
    acknowledged: int
    no_reply: int

    @property
    def answered(self) -> int:
        return self.replied + self.acknowledged + self.no_reply

    @property
    def response_rate(self) -> float | None:
        """Share of answered letters the office really replied to; None before any answer."""
        return self.replied / self.answered if self.answered else None


def counts_per_legislator(session: Session, letter_campaign_id: int | None = None
                          ) -> list[LegislatorCounts]:
    """Letters drafted, sent and answered per legislator, most written-to first."""
    def _count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (select(Legislator.id, Legislator.name, Chamber.name,
                    _count(Letter.state == LetterState.DRAFTED),
                    _count(Letter.state == LetterState.SENT),
                    _count(Letter.reply_status == ReplyStatus.REPLIED),
                    _count(Letter.reply_status == ReplyStatus.ACKNOWLEDGED),
                    _count(Letter.reply_status == ReplyStatus.NO_REPLY))
             .join(Letter, Letter.legislator_id == Legislator.id)
             .join(Chamber, Chamber.id == Legislator.chamber_id)
             .group_by(Legislator.id, Legislator.name, Chamber.name)
             .order_by(func.count(Letter.id).desc(), Legislator.name))
    if letter_campaign_id is not None:
        query = query.where(Letter.letter_campaign_id == letter_campaign_id)
    return [LegislatorCounts(*(row[:3]), *(int(n or 0) for n in row[3:]))
            for row in session.execute(query)]


def totals(rows: Iterable[LegislatorCounts]) -> dict[str, int]:
    """Campaign-wide sums of the per-legislator counts."""
    rows = list(rows)
    return {key: sum(getattr(row, key) for row in rows)
            for key in ("drafted", "sent", "replied", "acknowledged", "no_reply", "answered")}
