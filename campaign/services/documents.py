"""Documents and their calls: ingesting, reviewing calls, and turning calls into campaigns."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaign.ingest.extract import ExtractedCall, extract_calls
from campaign.ingest.fetch import FetchError, fetch, is_url
from campaign.ingest.grouping import group_calls
from campaign.ingest.readers import ReadDocument, ReadError, read_bytes, read_path
from campaign.ingest.signatories import detect_signatories
from campaign.ingest.text import normalise_text
from campaign.models import (
    Call,
    CallState,
    Campaign,
    Document,
    DocumentKind,
    LetterCampaign,
    LetterCampaignSource,
    LetterCampaignState,
    Petition,
    PetitionSource,
)
from campaign.services import petitions
from campaign.services.petitions import slugify


class DocumentError(ValueError):
    """A change to a document or its calls that cannot be made; the message is for the organizer."""


# -- reading and storing ----------------------------------------------------------------------

@dataclass(frozen=True)
class IngestLimits:
    """How much is read, how long a download may take, and where URLs may point."""

    max_bytes: int
    timeout: float
    allow_private: bool

    @classmethod
    def from_config(cls, config: Any, allow_private: bool | None = None) -> IngestLimits:
        return cls(max_bytes=int(config["INGEST_MAX_BYTES"]),
                   timeout=float(config["INGEST_FETCH_TIMEOUT"]),
                   allow_private=bool(config["INGEST_ALLOW_PRIVATE_URLS"]
                                      if allow_private is None else allow_private))


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one input: "stored", "known" (stored before) or "failed"."""

    source: str
    status: str
    message: str
    document_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def read_source(source: str, limits: IngestLimits) -> tuple[ReadDocument, str]:
    """Read a file or URL; returns the document and the URL it came from ("" for files)."""
    if is_url(source):
        fetched = fetch(source, timeout=limits.timeout, max_bytes=limits.max_bytes,
                        allow_private=limits.allow_private)
        return read_bytes(fetched.data, fetched.url, fetched.content_type), fetched.url
    return read_path(source, limits.max_bytes), ""


def find_document(session: Session, campaign_id: int, content_hash: str) -> Document | None:
    return session.scalar(select(Document).where(Document.campaign_id == campaign_id,
                                                 Document.content_hash == content_hash))


def store_document(session: Session, campaign: Campaign, read: ReadDocument,
                   source_url: str = "") -> tuple[Document, bool]:
    """Store a read document unless the campaign has the same text; returns (it, created)."""
    known = find_document(session, campaign.id, read.content_hash)
    if known is not None:
        return known, False
    name = _display_name(read.source) if source_url else read.source
    document = Document(campaign=campaign, title=read.title, source_name=name[:300],
                        source_url=source_url[:2000], kind=DocumentKind(read.kind),
                        text=read.text, content_hash=read.content_hash,
                        detected_signatories=[], cosigning_organisations=[])
    session.add(document)
    session.flush()
    return document, True


def propose_calls(session: Session, document: Document) -> None:
    """Run the extractor over a stored document: its calls, proposed, and its signatories."""
    for position, found in enumerate(extract_calls(document.text)):
        session.add(Call(document=document, sentence=found.sentence, actor=found.actor,
                         target=found.target, demand=found.demand, start=found.start,
                         end=found.end, state=CallState.PROPOSED, position=position))
    document.detected_signatories = detect_signatories(document.text)
    session.flush()


def ingest_read(session: Session, campaign: Campaign, read: ReadDocument,
                source_url: str = "") -> IngestOutcome:
    """Store a read document and propose its calls; a known text is recognised, not copied."""
    try:
        document, created = store_document(session, campaign, read, source_url)
    except IntegrityError:
        # Another process stored the same text between our look-up and our insert; the unique
        # constraint decided, and this session's transaction is spoilt either way.
        session.rollback()
        winner = find_document(session, campaign.id, read.content_hash)
        if winner is None:
            raise
        document, created = winner, False
    if not created:
        return IngestOutcome(read.source, "known", f"already known as document {document.id} "
                             f"“{document.title}”", document.id)
    propose_calls(session, document)
    return IngestOutcome(read.source, "stored", f"stored as document {document.id} "
                         f"“{document.title}” with {len(document.calls)} call(s)", document.id)


def ingest_source(session: Session, campaign: Campaign, source: str,
                  limits: IngestLimits) -> IngestOutcome:
    """Read and store one file or URL; a failure is reported, not raised."""
    try:
        read, url = read_source(source, limits)
    except (ReadError, FetchError) as exc:
        return IngestOutcome(source, "failed", str(exc))
    outcome = ingest_read(session, campaign, read, url)
    return IngestOutcome(source, outcome.status, outcome.message, outcome.document_id)


def ingest_upload(session: Session, campaign: Campaign, filename: str,
                  data: bytes) -> IngestOutcome:
    """Read and store an uploaded file; its kind comes from its name and its first bytes.

    Not from the browser's content type: browsers send .md as text/plain or
    application/octet-stream, depending on the system.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    try:
        read = read_bytes(data, name)
    except ReadError as exc:
        return IngestOutcome(name, "failed", str(exc))
    return ingest_read(session, campaign, read)


def _display_name(url: str) -> str:
    parts = urlsplit(url)
    return PurePosixPath(parts.path).name or parts.hostname or url


# -- reviewing calls --------------------------------------------------------------------------

def _renumber(document: Document) -> None:
    for position, call in enumerate(sorted(document.calls, key=lambda c: (c.position, c.id or 0))):
        call.position = position


def edit_call(call: Call, actor: str | None, target: str | None, demand: str) -> None:
    """Change what a call says; it is then marked as edited."""
    demand = " ".join(demand.split())
    if not demand:
        raise DocumentError("a call needs a demand")
    call.actor = " ".join((actor or "").split()) or None
    call.target = " ".join((target or "").split()) or None
    call.demand = demand
    call.state = CallState.EDITED


def set_call_state(call: Call, state: CallState) -> None:
    """Accept, reject or restore (propose again) a call."""
    call.state = state


def merge_calls(session: Session, calls: Sequence[Call]) -> Call:
    """Merge calls of one document into the first: one demand, the sentences they span."""
    if len(calls) < 2:
        raise DocumentError("choose at least two calls to merge")
    document = calls[0].document
    if any(call.document_id != document.id for call in calls):
        raise DocumentError("only calls of the same document can be merged")
    ordered = sorted(calls, key=lambda c: (c.position, c.id))
    keeper, others = ordered[0], ordered[1:]
    keeper.demand = join_phrases(list(dict.fromkeys(c.demand for c in ordered)))[:2000]
    keeper.target = join_phrases(list(dict.fromkeys(c.target for c in ordered if c.target))) or None
    keeper.actor = next((c.actor for c in ordered if c.actor), None)
    keeper.start = min(c.start for c in ordered)
    keeper.end = max(c.end for c in ordered)
    if len({c.sentence for c in ordered}) > 1:
        keeper.sentence = document.text[keeper.start:keeper.end]
    keeper.state = CallState.EDITED
    for other in others:
        _move_links(session, other, keeper)
        document.calls.remove(other)
        session.delete(other)
    session.flush()
    _renumber(document)
    return keeper


def _move_links(session: Session, source: Call, destination: Call) -> None:
    """Petitions and letter campaigns made from a merged-away call keep their source."""
    for model, owner in ((PetitionSource, "petition_id"),
                         (LetterCampaignSource, "letter_campaign_id")):
        for link in session.scalars(select(model).where(model.call_id == source.id)).all():
            owner_id = getattr(link, owner)
            if session.get(model, (owner_id, destination.id)) is None:
                session.add(model(**{owner: owner_id, "call_id": destination.id}))
            session.delete(link)


def split_call(session: Session, call: Call, demands: Sequence[str]) -> list[Call]:
    """Split a call into one call per demand, all with its sentence, actor and target."""
    demands = [" ".join(d.split()) for d in demands if d.strip()]
    if len(demands) < 2:
        raise DocumentError("give at least two demands, one a line, to split a call")
    document = call.document
    for later in document.calls:
        if later.position > call.position:
            later.position += len(demands) - 1
    call.demand = demands[0][:2000]
    call.state = CallState.EDITED
    made = [call]
    for offset, demand in enumerate(demands[1:], start=1):
        new = Call(document=document, sentence=call.sentence, actor=call.actor,
                   target=call.target, demand=demand[:2000], start=call.start, end=call.end,
                   state=CallState.EDITED, position=call.position + offset)
        session.add(new)
        made.append(new)
    session.flush()
    _renumber(document)
    return made


def find_passage(text: str, passage: str) -> tuple[int, int] | None:
    """Where a passage occurs in a text, ignoring case and differences in whitespace."""
    words = normalise_text(passage).split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def add_call(session: Session, document: Document, passage: str, actor: str | None,
             target: str | None, demand: str) -> Call:
    """A call the extractor missed, anchored to a passage of the document's text."""
    span = find_passage(document.text, passage)
    if span is None:
        raise DocumentError("this passage is not in the document's text")
    start, end = span
    before = [c for c in document.calls if c.start <= start]
    position = max((c.position for c in before), default=-1) + 1
    for later in document.calls:
        if later.position >= position:
            later.position += 1
    call = Call(document=document, sentence=document.text[start:end], start=start, end=end,
                demand="", state=CallState.ACCEPTED, position=position)
    edit_call(call, actor, target, demand)
    call.state = CallState.ACCEPTED
    session.add(call)
    session.flush()
    return call


def set_cosigning_organisations(document: Document, names: Iterable[str]) -> None:
    """Keep the organisations that signed the statement, as the organizer confirmed them."""
    cleaned = [" ".join(n.split())[:300] for n in names]
    document.cosigning_organisations = list(dict.fromkeys(n for n in cleaned if n))[:500]


# -- petitions and letter campaigns from calls -------------------------------------------------

def join_phrases(phrases: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    phrases = [p for p in phrases if p]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _sentence_case(text: str) -> str:
    text = text.strip().rstrip(".;,:")
    return text[:1].upper() + text[1:]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def _md(text: str) -> str:
    """Text that Markdown shows as it is: no links, emphasis or HTML from a document."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _usable(calls: Sequence[Call]) -> list[Call]:
    chosen = [c for c in calls if c.state is not CallState.REJECTED]
    if not chosen:
        raise DocumentError("choose at least one call that is not rejected")
    if len({c.document.campaign_id for c in chosen}) > 1:
        raise DocumentError("the calls belong to different campaigns")
    return sorted(chosen, key=lambda c: (c.document_id, c.position))


def _documents_of(calls: Sequence[Call]) -> list[Document]:
    return list({c.document_id: c.document for c in calls}.values())


def _source_line(document: Document) -> str:
    if document.source_url.startswith(("http://", "https://")):
        return f"[{_md(document.title)}](<{document.source_url}>)"
    return f"“{_md(document.title)}”"


def petition_from_calls(session: Session, calls: Sequence[Call], title: str = "",
                        goal: int = 1000) -> Petition:
    """A draft petition: its target, text and summary from the calls, its sources linked."""
    chosen = _usable(calls)
    demands = list(dict.fromkeys(c.demand for c in chosen))
    target = join_phrases(list(dict.fromkeys(c.target for c in chosen if c.target)))
    target = _shorten(target or "The decision-makers", 300)
    documents = _documents_of(chosen)
    lines = [f"We call on {_md(target)} to:", ""]
    lines += [f"- {_md(demand.strip().rstrip('.'))}" for demand in demands]
    lines += ["", "Based on " + join_phrases([_source_line(d) for d in documents]) + "."]
    cosigners = [name for d in documents for name in d.cosigning_organisations]
    if cosigners:
        lines += ["", "Signed by " + join_phrases([_md(n) for n in dict.fromkeys(cosigners)])
                  + "."]
    fields = petitions.PetitionFields(
        title=_shorten(title.strip() or _sentence_case(demands[0]), 200),
        target=target[:1].upper() + target[1:], goal=goal,
        summary=_shorten(_sentence_case(join_phrases(demands)) + ".", 1000),
        body_markdown="\n".join(lines))
    petition = petitions.create_petition(session, chosen[0].document.campaign, fields)
    for call in chosen:
        session.add(PetitionSource(petition_id=petition.id, call_id=call.id))
    session.flush()
    return petition


def _unique_letter_slug(session: Session, wanted: str) -> str:
    taken = set(session.scalars(select(LetterCampaign.slug)
                                .where(LetterCampaign.slug.like(f"{wanted}%"))))
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted[:75]}-{n}", n + 1
    return slug


def letter_campaign_from_calls(session: Session, calls: Sequence[Call],
                               title: str = "") -> LetterCampaign:
    """A draft letter campaign: a subject and one talking point per demand, sources linked."""
    chosen = _usable(calls)
    demands = list(dict.fromkeys(c.demand for c in chosen))
    title = _shorten(title.strip() or _sentence_case(demands[0]), 200)
    targets = join_phrases(list(dict.fromkeys(c.target for c in chosen if c.target)))
    documents = _documents_of(chosen)
    description = (f"Asks {targets} to act. " if targets else "") + "Based on " + join_phrases(
        [f"“{d.title}”" for d in documents]) + "."
    letter_campaign = LetterCampaign(
        campaign=chosen[0].document.campaign,
        slug=_unique_letter_slug(session, slugify(title)), title=title, subject=title,
        description=description, talking_points=[_sentence_case(d) + "." for d in demands],
        chamber_slugs=[], state=LetterCampaignState.DRAFT)
    session.add(letter_campaign)
    session.flush()
    for call in chosen:
        session.add(LetterCampaignSource(letter_campaign_id=letter_campaign.id, call_id=call.id))
    session.flush()
    return letter_campaign


@dataclass(frozen=True)
class Made:
    """What an action on chosen calls made, for the organizer to be told and taken to."""

    message: str
    petition_id: int | None = None
    call_id: int | None = None


def act_on_calls(session: Session, calls: Sequence[Call], action: str, title: str = "") -> Made:
    """Merge the calls, or make a draft petition or letter campaign of them."""
    if action == "merge":
        merged = merge_calls(session, calls)
        return Made(f"{len(calls)} calls are merged into one.", call_id=merged.id)
    if action == "petition":
        try:
            petition = petition_from_calls(session, calls, title)
        except petitions.PetitionError as exc:
            raise DocumentError(str(exc)) from None
        return Made(f"Petition “{petition.title}” created as a draft from {len(calls)} call(s).",
                    petition_id=petition.id)
    if action == "letter":
        letters = letter_campaign_from_calls(session, calls, title)
        return Made(f"Letter campaign “{letters.title}” ({letters.slug}) created as a draft from "
                    f"{len(calls)} call(s).")
    raise DocumentError(f"unknown action {action!r}")


# -- what pages show --------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentRow:
    """A line of the document list: no text, the number of calls."""

    id: int
    title: str
    source_name: str
    kind: str
    created_at: datetime
    call_count: int


def list_documents(session: Session, campaign_ids: Sequence[int]) -> list[DocumentRow]:
    """The documents of some campaigns, newest first, without loading their texts."""
    rows = session.execute(
        select(Document.id, Document.title, Document.source_name, Document.kind,
               Document.created_at, func.count(Call.id))
        .outerjoin(Call, Call.document_id == Document.id)
        .where(Document.campaign_id.in_(campaign_ids))
        .group_by(Document.id, Document.title, Document.source_name, Document.kind,
                  Document.created_at)
        .order_by(Document.created_at.desc(), Document.id.desc()))
    return [DocumentRow(id=i, title=t, source_name=s, kind=k.value, created_at=c, call_count=n)
            for i, t, s, k, c, n in rows]


@dataclass(frozen=True)
class SourceStatement:
    """A document a petition was made from, with the sentences it took."""

    title: str
    url: str
    sentences: list[str]


def petition_sources(session: Session, petition_id: int) -> list[SourceStatement]:
    """The statements a petition comes from, in the order its calls were chosen."""
    rows = session.execute(select(Document, Call).join(Call, Call.document_id == Document.id)
                           .join(PetitionSource, PetitionSource.call_id == Call.id)
                           .where(PetitionSource.petition_id == petition_id)
                           .order_by(Document.id, Call.position)).all()
    found: dict[int, tuple[Document, list[str]]] = {}
    for document, call in rows:
        sentences = found.setdefault(document.id, (document, []))[1]
        if call.sentence not in sentences:
            sentences.append(call.sentence)
    return [SourceStatement(title=d.title, url=d.source_url if d.source_url.startswith(
        ("http://", "https://")) else "", sentences=s) for d, s in found.values()]


@dataclass(frozen=True)
class HighlightSegment:
    """A stretch of a document's text and the numbers of the calls that cover it."""

    text: str
    call_numbers: tuple[int, ...] = ()


def highlight_segments(document: Document) -> list[HighlightSegment]:
    """Cut the text where calls start and end, so each call's sentence can be marked."""
    calls = [(n, c) for n, c in enumerate(document.calls, start=1)
             if c.state is not CallState.REJECTED]
    size = len(document.text)
    cuts = sorted({0, size} | {max(0, min(size, x)) for _, c in calls for x in (c.start, c.end)})
    segments: list[HighlightSegment] = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        if begin == end:
            continue
        covering = tuple(n for n, c in calls if c.start <= begin and end <= c.end)
        segments.append(HighlightSegment(document.text[begin:end], covering))
    return segments


@dataclass
class Ask:
    """The same demand to the same kind of target, across a campaign's documents."""

    demand: str
    target: str | None
    calls: list[Call] = field(default_factory=list)

    @property
    def document_count(self) -> int:
        return len({c.document_id for c in self.calls})


def campaign_calls(session: Session, campaign_id: int, call_ids: Iterable[int]) -> list[Call]:
    """The calls with these ids that belong to a campaign's documents; others are ignored."""
    ids = [i for i in call_ids if isinstance(i, int)]
    if not ids:
        return []
    return list(session.scalars(select(Call).join(Document).where(
        Document.campaign_id == campaign_id, Call.id.in_(ids))
        .order_by(Call.document_id, Call.position)))


def _members(group: Any) -> list[tuple[str | None, ExtractedCall]]:
    """The (document key, call) pairs of a group, whichever attribute holds them."""
    for name in ("members", "calls", "items"):
        value = getattr(group, name, None)
        if value is not None and not callable(value):
            return [m if isinstance(m, tuple) else (None, m) for m in value]
    return []


def campaign_asks(session: Session, campaign_id: int) -> list[Ask]:
    """Group the calls of a campaign's documents (all but rejected ones) by what they ask."""
    rows = session.scalars(select(Call).join(Document).where(
        Document.campaign_id == campaign_id, Call.state != CallState.REJECTED)
        .order_by(Document.id, Call.position)).all()
    by_key: dict[tuple[Any, ...], Call] = {}
    pairs: list[tuple[str, ExtractedCall]] = []
    for call in rows:
        found = ExtractedCall(sentence=call.sentence, actor=call.actor, target=call.target,
                              demand=call.demand, start=call.start, end=call.end)
        pairs.append((str(call.document_id), found))
        by_key.setdefault((str(call.document_id), call.start, call.end, call.demand), call)
        by_key.setdefault((None, call.start, call.end, call.demand), call)
    asks: list[Ask] = []
    for group in group_calls(pairs):
        members = _members(group)
        calls = [c for key, m in members
                 if (c := by_key.get((key, m.start, m.end, m.demand))
                     or by_key.get((None, m.start, m.end, m.demand))) is not None]
        if not calls:
            continue
        targets = Counter(c.target for c in calls if c.target)
        asks.append(Ask(demand=getattr(group, "demand", None) or calls[0].demand,
                        target=getattr(group, "target", None) or
                        (targets.most_common(1)[0][0] if targets else None),
                        calls=list(dict.fromkeys(calls))))
    return asks
