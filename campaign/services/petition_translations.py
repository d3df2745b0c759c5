"""A petition's text in the visitor's language, and the translations organizers write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaign.i18n import LANGUAGES
from campaign.models import Petition, PetitionTranslation
from campaign.services.petitions import PetitionError, render_markdown


@dataclass(frozen=True)
class PetitionContent:
    """What a page shows of a petition, and in which language that text is."""

    title: str
    summary: str
    body_html: str
    language: str
    wanted_language: str

    @property
    def is_fallback(self) -> bool:
        """The visitor's language was not available: the page says so."""
        return self.language != self.wanted_language


def content_for(session: Session, petition: Petition, language: str) -> PetitionContent:
    """The petition's text in `language` when an organizer wrote it, else in its own language."""
    if language != petition.default_language:
        translation = session.scalar(select(PetitionTranslation).where(
            PetitionTranslation.petition_id == petition.id,
            PetitionTranslation.language == language))
        if translation is not None:
            return PetitionContent(translation.title, translation.summary, translation.body_html,
                                   language, language)
    return PetitionContent(petition.title, petition.summary, petition.body_html,
                           petition.default_language, language)


def titles_in(session: Session, petitions: Iterable[Petition], language: str) -> dict[int, str]:
    """Each petition's title in `language` where translated, else its own: one query for a list."""
    by_id = {p.id: p.title for p in petitions}
    rows = session.execute(select(PetitionTranslation.petition_id, PetitionTranslation.title)
                           .join(Petition, Petition.id == PetitionTranslation.petition_id)
                           .where(PetitionTranslation.petition_id.in_(list(by_id)),
                                  PetitionTranslation.language == language,
                                  Petition.default_language != language))
    by_id.update({petition_id: title for petition_id, title in rows})
    return by_id


def translations_of(session: Session, petition: Petition) -> list[PetitionTranslation]:
    return list(session.scalars(select(PetitionTranslation)
                                .where(PetitionTranslation.petition_id == petition.id)
                                .order_by(PetitionTranslation.language)))


def save_translation(session: Session, petition: Petition, language: str, title: str,
                     summary: str = "", body_markdown: str = "") -> PetitionTranslation:
    """Add or replace the petition's text in one language."""
    if language not in LANGUAGES:
        raise PetitionError(f"{language!r} is not one of the site's languages")
    if language == petition.default_language:
        raise PetitionError("this is the petition's own language: edit the petition instead")
    translation = session.scalar(select(PetitionTranslation).where(
        PetitionTranslation.petition_id == petition.id, PetitionTranslation.language == language))
    if translation is None:
        translation = PetitionTranslation(petition_id=petition.id, language=language)
        session.add(translation)
    translation.title = title
    translation.summary = summary
    translation.body_markdown = body_markdown
    translation.body_html = render_markdown(body_markdown)
    session.flush()
    return translation


def delete_translation(session: Session, petition: Petition, language: str) -> bool:
    """Remove the petition's text in one language; False if there was none."""
    return bool(session.execute(delete(PetitionTranslation).where(
        PetitionTranslation.petition_id == petition.id,
        PetitionTranslation.language == language)).rowcount)
