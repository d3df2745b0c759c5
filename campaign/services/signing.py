"""Signing a petition and confirming the signature by email (double opt-in)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import Boolean, bindparam, column, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.db import (
    execute_prepared,
    insert_ignoring_conflicts,
    utcnow,
    with_column_defaults,
)
from campaign.models import (
    ConfirmationRequest,
    Consent,
    Petition,
    PetitionCountryCount,
    PetitionState,
    Signatory,
    Signature,
    SignatureState,
)
from campaign.services.consents import GivenConsent, record_given

CONFIRM_SALT = "confirm-signature"


class PetitionClosedError(Exception):
    """The petition does not accept signatures (closed, archived or past its closing date)."""


@dataclass
class SignatureRequest:
    """What a supporter sends when signing, already validated by the form."""

    name: str
    email: str
    country: str
    postcode: str = ""
    consent_updates: bool = False
    show_name: bool = False
    source: str = ""
    referrer: str = ""
    ip_hash: str = ""
    language: str = "en"
    # Consents ticked on the form: recorded with a new signature, in the same statement on
    # PostgreSQL; `consent_method` says how they were given ("petition-form", "embed").
    consents: tuple[GivenConsent, ...] = ()
    consent_method: str = ""


@dataclass
class SignOutcome:
    """What happened, for the caller's logs and tests; the supporter is told the same either way."""

    signature_id: int | None
    created: bool
    # A ConfirmationRequest was written: the mail sender sends the confirmation if the
    # signature is (still) pending and within the limit of sends. For a first signature and
    # for a repeat alike; never for a flagged one.
    confirmation_requested: bool
    signatory_id: int | None = None


def email_key(email: str) -> str:
    """The form of an address that two spellings of the same address share."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def signatory_id_for_email(session: Session, email: str) -> int:
    """The signatory with this address, created if new: one person across petitions and letters."""
    return _signatory_id(session.connection(), email)


# A known person's id, read on the hot path (execute_prepared): a repeat signature reads it
# where a first one writes the person, and must not take longer to answer.
_SIGNATORY_BY_KEY = text("SELECT id FROM signatories WHERE email_key = :email_key").bindparams(
    bindparam("email_key", type_=Signatory.__table__.c.email_key.type))


def _signatory_id(conn: Connection, email: str) -> int:
    key = email_key(email)
    new_id = insert_ignoring_conflicts(conn, Signatory.__table__,
                                       {"email_key": key, "email": email.strip(),
                                        "created_at": utcnow()}, ["email_key"])
    if new_id is not None:
        return int(new_id)
    return int(execute_prepared(conn, _SIGNATORY_BY_KEY, {"email_key": key})[0][0])


# The signature is only written while its petition accepts signatures, checked in the same
# statement: a petition closed a moment ago takes no more, whatever copy the caller holds.
# ('open' is PetitionState.OPEN's stored value; a test signs a closed petition.)
def _still_open(at: str) -> str:
    """The condition, with `at` naming the bound parameter of the moment (a column's name)."""
    return ("EXISTS (SELECT 1 FROM petitions WHERE petitions.id = :petition_id "  # noqa: S608  # nosec B608 - a parameter's name from our code
            "AND petitions.state = 'open' AND "
            f"(petitions.closes_at IS NULL OR petitions.closes_at > :{at}))")


_STILL_OPEN = _still_open("created_at")


def _sign_in_one_statement(conn: Connection, request: SignatureRequest,
                           signature: dict[str, Any], flagged: bool) -> SignOutcome | None:
    """PostgreSQL: the signatory (found or added), the new signature, its consents and the
    request for its confirmation in one statement; or, when this person has signed before,
    the request alone (the mail sender re-sends the confirmation if still due).

    Atomic as every statement is, it writes all of that or nothing, so it can run as a
    transaction of its own (sign_at_once). Returns None, having written nothing, when it
    cannot tell what happened by itself: a closed petition, a signatory or a signature just
    added by a concurrent request (the statement's snapshot cannot see them), a flagged
    repeat. The caller then takes the statement-per-table path, which tells these apart.
    """
    signatory = with_column_defaults(Signatory.__table__, {
        "email_key": email_key(request.email), "email": request.email.strip(),
        "created_at": signature["created_at"]})
    signature = with_column_defaults(Signature.__table__, signature)
    stmt = _signatory_and_signature_insert(conn.dialect.identifier_preparer, tuple(signatory),
                                           tuple(signature), len(request.consents),
                                           not flagged)
    values = {**{f"signatory_{k}": v for k, v in signatory.items()}, **signature,
              "consent_method": request.consent_method}
    for n, consent in enumerate(request.consents):
        values |= {f"consent_purpose_{n}": consent.purpose,
                   f"consent_text_id_{n}": consent.text_id}
    signature_id, signatory_id, requested = execute_prepared(conn, stmt, values)[0]
    if signature_id is not None:
        return SignOutcome(int(signature_id), created=True, confirmation_requested=requested,
                           signatory_id=int(signatory_id))
    if requested:  # signed before
        return SignOutcome(None, created=False, confirmation_requested=True,
                           signatory_id=int(signatory_id))
    return None


@lru_cache(maxsize=16)
def _signatory_and_signature_insert(preparer: Any, signatory_keys: tuple[str, ...],
                                    signature_keys: tuple[str, ...], consent_count: int,
                                    request_confirmation: bool) -> Any:
    """The statement of _sign_in_one_statement, built once per column set, number of
    consents and whether it requests a confirmation (a flagged signature does not).

    In the data-modifying CTE the signatory is inserted unless its address is known, and
    only while the petition is open: nothing is written for a petition that has just
    closed. The statement's snapshot cannot see a signatory that a concurrent request has
    just added, so then nothing is inserted and the caller falls back. The signature is
    written while the petition is open (_STILL_OPEN), as on the other path, and the consents
    only beside a signature written. The confirmation is requested for a signature written
    or for one this person made before (a repeat), looked up by its unique key (petition,
    signatory). The person's id is given to that lookup as a value (a subquery run once), not
    as a column of the row at hand: correlated, PostgreSQL's planner chose to hash every
    signature of the petition first, a repeat's cost growing with the petition (0.2 ms at
    1,200 signatures). It always returns one row: the new signature's id (or NULL), the
    signatory's id (or NULL) and whether the request was written.
    """
    signatories, signatures, consents = Signatory.__table__, Signature.__table__, Consent.__table__
    quote = preparer.quote
    signatures_table = preparer.format_table(signatures)
    # Only quoted identifiers from the models and conditions from our code go into the text;
    # values are bound parameters.
    sql = (
        f"WITH new_signatory AS (INSERT INTO {preparer.format_table(signatories)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
        f"({', '.join(quote(k) for k in signatory_keys)}) "
        f"SELECT {', '.join(':signatory_' + k for k in signatory_keys)} WHERE {_STILL_OPEN} "
        f"ON CONFLICT ({quote('email_key')}) DO NOTHING RETURNING {quote('id')}), "
        f"signatory AS (SELECT {quote('id')} FROM new_signatory UNION ALL "
        f"SELECT {quote('id')} FROM {preparer.format_table(signatories)} "
        f"WHERE {quote('email_key')} = :signatory_email_key LIMIT 1), "
        f"new_signature AS (INSERT INTO {signatures_table} "
        f"({', '.join(quote(k) for k in signature_keys)}, {quote('signatory_id')}) "
        f"SELECT {', '.join(':' + k for k in signature_keys)}, signatory.{quote('id')} "
        f"FROM signatory WHERE {_STILL_OPEN} "
        f"ON CONFLICT ({quote('petition_id')}, {quote('signatory_id')}) DO NOTHING "
        f"RETURNING {quote('id')}, {quote('signatory_id')})")
    if consent_count:
        given = ", ".join(f"(:consent_purpose_{n}, :consent_text_id_{n})"
                          for n in range(consent_count))
        sql += (
            f", new_consents AS (INSERT INTO {preparer.format_table(consents)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
            f"({quote('signatory_id')}, {quote('purpose')}, {quote('consent_text_id')}, "
            f"{quote('method')}, {quote('petition_id')}, {quote('given_at')}) "
            f"SELECT new_signature.{quote('signatory_id')}, given.purpose, given.text_id, "
            f":consent_method, :petition_id, :created_at "
            f"FROM new_signature CROSS JOIN (VALUES {given}) AS given (purpose, text_id))")
    requested = "FALSE"
    if request_confirmation:
        sql += (
            f", request AS (INSERT INTO {preparer.format_table(ConfirmationRequest.__table__)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
            f"({quote('petition_id')}, {quote('signatory_id')}, {quote('language')}, "
            f"{quote('requested_at')}) "
            f"SELECT :petition_id, signatory.{quote('id')}, :language, :created_at "
            f"FROM signatory WHERE EXISTS (SELECT 1 FROM new_signature) "
            f"OR ({_STILL_OPEN} AND EXISTS (SELECT 1 FROM {signatures_table} AS signed "
            f"WHERE signed.{quote('petition_id')} = :petition_id "
            f"AND signed.{quote('signatory_id')} = (SELECT {quote('id')} FROM signatory))) "
            f"RETURNING {quote('signatory_id')})")
        requested = "EXISTS (SELECT 1 FROM request)"
    sql += (f" SELECT (SELECT {quote('id')} FROM new_signature), "  # noqa: S608  # nosec B608 - quoted model identifiers only
            f"(SELECT {quote('id')} FROM signatory), {requested}")
    binds = [bindparam(f"signatory_{k}", type_=signatories.c[k].type) for k in signatory_keys]
    binds += [bindparam(k, type_=signatures.c[k].type) for k in signature_keys]
    if consent_count:
        binds.append(bindparam("consent_method", type_=consents.c.method.type))
    for n in range(consent_count):
        binds += [bindparam(f"consent_purpose_{n}", type_=consents.c.purpose.type),
                  bindparam(f"consent_text_id_{n}", type_=consents.c.consent_text_id.type)]
    return text(sql).bindparams(*binds).columns(signatures.c.id, signatures.c.signatory_id,
                                                column("requested", Boolean))


def _accepts_signatures(conn: Connection, petition_id: int, now: datetime) -> bool:
    state, closes_at = conn.execute(select(Petition.state, Petition.closes_at)
                                    .where(Petition.id == petition_id)).one()
    return bool(state is PetitionState.OPEN and (closes_at is None or now < closes_at))


def _signature_values(petition: Petition, request: SignatureRequest, flagged: bool
                      ) -> dict[str, Any]:
    return {
        "petition_id": petition.id, "name": request.name,
        "country": request.country, "postcode": request.postcode,
        "state": (SignatureState.FLAGGED if flagged else SignatureState.PENDING).value,
        "consent_updates": request.consent_updates,
        "show_name": request.show_name, "source": request.source[:64],
        "referrer": request.referrer[:300], "ip_hash": request.ip_hash,
        # Counted by the mail sender as it sends (count_confirmation_send); a flagged
        # signature's one send is its approval's (review.approve).
        "language": request.language, "confirmation_sends": 0, "created_at": utcnow(),
    }


def sign_at_once(autocommit_engine: Engine | None, petition: Petition,
                 request: SignatureRequest, *, flagged: bool = False) -> SignOutcome | None:
    """PostgreSQL: sign() in one statement that is a transaction of its own.

    Someone new or known (the signatory, the signature, its consents and the request for its
    confirmation) or a repeat (the request alone) is one INSERT run outside any transaction
    block: one round trip to the database, where sign() in a transaction takes three (BEGIN,
    the statement, COMMIT) and a surge left the web processes waiting with the machine's
    cores idle. A repeat costs what a first signature costs, as in sign().

    Returns None, having written nothing, where the statement cannot tell what happened
    (_sign_in_one_statement) and on SQLite (no `autocommit_engine`:
    Database.autocommit_engine). sign() then does it in a transaction. The consents'
    wordings must be in the database already, so the caller only comes here before its
    session has written anything (consents.given_on_form writes a wording seen first).
    """
    if autocommit_engine is None or not petition.accepts_signatures():
        return None
    with autocommit_engine.connect() as conn:
        return _sign_in_one_statement(conn, request, _signature_values(petition, request, flagged),
                                      flagged)


def sign(session: Session, petition: Petition, request: SignatureRequest, *,
         flagged: bool = False) -> SignOutcome:
    """Record a pending signature, or find the one this person already made.

    Returns which happened; the caller must answer the supporter identically in every case,
    so that nobody learns who has signed. Either way the request does the same work: it
    writes a ConfirmationRequest, and the mail sender renders and queues the confirmation
    email if the signature is pending and within the limit of sends (rendering it here took
    a tenth of the request, and deciding here would make a repeat take longer to answer
    than a first signature). A `flagged` signature (past an abuse limit) is stored for an
    organizer to review: no email, never counted until approved (services/review.py).
    """
    if not petition.accepts_signatures():
        raise PetitionClosedError(petition.slug)
    # Core statements on the session's connection: no ORM objects to flush on the hot path.
    conn = session.connection()
    signature = _signature_values(petition, request, flagged)
    now = signature["created_at"]
    if conn.dialect.name == "postgresql":
        outcome = _sign_in_one_statement(conn, request, signature, flagged)
        if outcome is not None:
            return outcome
    # A statement per table (SQLite; and on PostgreSQL whatever the single statement could
    # not tell: a closed petition, a signatory or signature added by a concurrent request).
    signatory_id = _signatory_id(conn, request.email)
    new_id = insert_ignoring_conflicts(conn, Signature.__table__,
                                       {**signature, "signatory_id": signatory_id},
                                       ["petition_id", "signatory_id"], only_if=_STILL_OPEN)
    if new_id is not None:
        record_given(conn, signatory_id, request.consents, method=request.consent_method,
                     petition_id=petition.id, given_at=now)
    elif flagged:
        # Past a limit: no re-send either, or a flooder could mail-bomb someone's inbox.
        if not _accepts_signatures(conn, petition.id, now):
            raise PetitionClosedError(petition.slug)
        return SignOutcome(None, created=False, confirmation_requested=False)
    if not flagged:
        # Only while the petition is open (checked in the same statement); the mail sender
        # sends it if the signature is still pending and within the limit
        # (notifications.queue_requested_confirmations).
        recorded = insert_ignoring_conflicts(
            conn, ConfirmationRequest.__table__,
            {"petition_id": petition.id, "signatory_id": signatory_id,
             "language": request.language, "requested_at": now},
            ["id"], only_if=_still_open("requested_at"))
        if recorded is None:
            # Closed since the caller's copy was read (pages re-read petitions every second).
            raise PetitionClosedError(petition.slug)
    return SignOutcome(None if new_id is None else int(new_id), created=new_id is not None,
                       confirmation_requested=not flagged, signatory_id=signatory_id)


def count_confirmation_send(conn: Connection, petition_id: int, signatory_id: int,
                            send_limit: int) -> tuple[int, str] | None:
    """Count one more sending of this person's confirmation for the petition, if it is
    still pending and within `send_limit` sends in all; (signature id, name), or None."""
    row = conn.execute(
        update(Signature)
        .where(Signature.petition_id == petition_id, Signature.signatory_id == signatory_id,
               Signature.state == SignatureState.PENDING,
               Signature.confirmation_sends < send_limit)
        .values(confirmation_sends=Signature.confirmation_sends + 1)
        .returning(Signature.id, Signature.name)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def confirmation_token(secret_key: str, signature_id: int) -> str:
    return tokens.serializer(secret_key, CONFIRM_SALT).dumps({"s": signature_id})


class InvalidTokenError(Exception):
    """The link is damaged, forged or expired; `expired` tells which."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def signature_for_token(session: Session, secret_key: str, token: str, max_age_days: int
                        ) -> Signature | None:
    """The signature a confirmation link points to; None if it no longer exists."""
    serializer = tokens.serializer(secret_key, CONFIRM_SALT)
    try:
        payload = serializer.loads(token, max_age=int(timedelta(days=max_age_days).total_seconds()))
    except SignatureExpired:
        raise InvalidTokenError(expired=True) from None
    except BadSignature:
        raise InvalidTokenError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidTokenError(expired=False)
    return session.get(Signature, payload["s"])


def confirm(session: Session, signature: Signature) -> bool:
    """Confirm a pending signature and count it; False if it was not pending (a replay)."""
    changed = session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.state == SignatureState.PENDING)
        .values(state=SignatureState.CONFIRMED, confirmed_at=utcnow())
    ).rowcount
    if changed != 1:
        return False
    add_to_counts(session, signature.petition_id, signature.country, +1)
    session.refresh(signature)
    return True


def add_to_counts(session: Session, petition_id: int, country: str, delta: int) -> None:
    """Move the kept counts of a petition by `delta` signatures from `country`."""
    session.execute(update(Petition).where(Petition.id == petition_id)
                    .values(signature_count=Petition.signature_count + delta))
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = PetitionCountryCount.__table__
    stmt = module.insert(table).values(petition_id=petition_id, country=country, count=delta)
    stmt = stmt.on_conflict_do_update(index_elements=["petition_id", "country"],
                                      set_={"count": table.c.count + delta})
    session.execute(stmt)


def purge_unconfirmed(session: Session, older_than_days: int, *, dry_run: bool = False) -> int:
    """Delete pending signatures older than the given age; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    condition = (Signature.state == SignatureState.PENDING) & (Signature.created_at < cutoff)
    if dry_run:
        return len(session.scalars(select(Signature.id).where(condition)).all())
    return session.execute(delete(Signature).where(condition)).rowcount
