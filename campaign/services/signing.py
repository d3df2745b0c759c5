"""Signing a petition and confirming the signature by email (double opt-in)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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
    reserved_id,
    utcnow,
    with_column_defaults,
)
from campaign.models import (
    ConfirmationResend,
    Consent,
    OutboundEmail,
    Petition,
    PetitionCountryCount,
    PetitionState,
    Signatory,
    Signature,
    SignatureState,
)
from campaign.services.consents import GivenConsent, record_given
from campaign.services.mail import add_to_outbox

CONFIRM_SALT = "confirm-signature"

# The outbox row of a signature's confirmation email, made from the signature's id and its
# signatory's (the email's links name them): notifications.confirmation_email.
ConfirmationEmail = Callable[[int, int], dict[str, Any]]


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
    confirmation_queued: bool
    signatory_id: int | None = None
    # Signed before: a ConfirmationResend was recorded (the mail sender decides whether the
    # signature is still pending and within the re-send limit).
    resend_requested: bool = False


def email_key(email: str) -> str:
    """The form of an address that two spellings of the same address share."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def signatory_id_for_email(session: Session, email: str) -> int:
    """The signatory with this address, created if new: one person across petitions and letters."""
    return _signatory_id(session.connection(), email)


def _signatory_id(conn: Connection, email: str) -> int:
    key = email_key(email)
    new_id = insert_ignoring_conflicts(conn, Signatory.__table__,
                                       {"email_key": key, "email": email.strip(),
                                        "created_at": utcnow()}, ["email_key"])
    if new_id is not None:
        return int(new_id)
    return conn.execute(select(Signatory.id).where(Signatory.email_key == key)).scalar_one()


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
                           signature: dict[str, Any], confirmation: ConfirmationEmail | None,
                           record_repeat: bool, own_transaction: bool = False
                           ) -> SignOutcome | None:
    """PostgreSQL: the signatory (found or added), the new signature, its consents and its
    confirmation email in one statement; or, when this person has signed before and
    `record_repeat`, the request to re-send their confirmation (ConfirmationResend). With
    `own_transaction` (sign_at_once) it writes all that a signature needs or nothing: a known
    person's first signature of this petition is left to the caller, whose email must be
    made again with the person's own id.

    Each statement is a database round trip, which on PostgreSQL costs the web process about
    as much CPU as the writing costs the server. The email's links name the signature and the
    signatory, so both ids are taken ahead (db.reserved_id) and the email rendered before the
    statement; it is written only if the signatory is new, the one whose id was taken (else
    sign() writes it with the person's own id). Returns None when the statement did neither
    (a closed petition, a signatory added by a concurrent request); the caller then takes
    the statement-per-table path, which tells the cases apart.
    """
    signatory = with_column_defaults(Signatory.__table__, {
        "id": reserved_id(conn, Signatory.__table__),
        "email_key": email_key(request.email), "email": request.email.strip(),
        "created_at": signature["created_at"]})
    signature = with_column_defaults(Signature.__table__, {
        **signature, "id": reserved_id(conn, Signature.__table__)})
    email = confirmation(signature["id"], signatory["id"]) if confirmation else {}
    stmt = _signatory_and_signature_insert(conn.dialect.identifier_preparer, tuple(signatory),
                                           tuple(signature), len(request.consents),
                                           tuple(email), record_repeat, own_transaction)
    consents: dict[str, Any] = {"consent_method": request.consent_method}
    for n, consent in enumerate(request.consents):
        consents |= {f"consent_purpose_{n}": consent.purpose,
                     f"consent_text_id_{n}": consent.text_id}
    rows = execute_prepared(conn, stmt, {**{f"signatory_{k}": v for k, v in signatory.items()},
                                         **signature, **consents,
                                         **{f"email_{k}": v for k, v in email.items()}})
    if not rows:
        return None
    row = rows[0]
    if row[3]:  # signed before: its re-send is recorded
        return SignOutcome(None, created=False, confirmation_queued=False,
                           signatory_id=int(row[1]), resend_requested=True)
    signature_id, signatory_id, email_written = int(row[0]), int(row[1]), bool(row[2])
    if confirmation is not None and not email_written:
        add_to_outbox(conn, confirmation(signature_id, signatory_id))
    return SignOutcome(signature_id, created=True, confirmation_queued=confirmation is not None,
                       signatory_id=signatory_id)


@lru_cache(maxsize=16)
def _signatory_and_signature_insert(preparer: Any, signatory_keys: tuple[str, ...],
                                    signature_keys: tuple[str, ...], consent_count: int,
                                    email_keys: tuple[str, ...], record_repeat: bool,
                                    own_transaction: bool = False) -> Any:
    """The statement of _sign_in_one_statement, built once per column set, number of
    consents, whether it writes an email, whether it records a repeat and whether it is a
    transaction of its own.

    In the data-modifying CTE the signatory is inserted unless its address is known; the
    statement's snapshot cannot see a signatory that a concurrent request has just added,
    so then nothing is inserted and the caller falls back. The signature is only written
    while the petition is open (_STILL_OPEN), as on the other path, and the consents and the
    email only beside a signature written (the email only for the signatory whose id was
    given: a new one). A known signatory whose signature was not written on an open
    petition has signed it before: then the re-send request is written instead.
    """
    signatories, signatures, consents = Signatory.__table__, Signature.__table__, Consent.__table__
    emails = OutboundEmail.__table__
    quote = preparer.quote
    signatory_values = ", ".join(":signatory_" + k for k in signatory_keys)
    signatures_table = preparer.format_table(signatures)
    if own_transaction:
        # Nothing is left half done: not even the person is written for a petition that has
        # just closed, and a known person's new signature is not written at all (its email
        # names their own id, which is not known yet). A repeat is recognised by its
        # signature, looked up by its unique key (petition, signatory).
        signatory_source = f"SELECT {signatory_values} WHERE {_STILL_OPEN}"
        signing_signatory = "new_signatory"
        repeat_condition = (f" AND EXISTS (SELECT 1 FROM {signatures_table} AS signed "  # noqa: S608  # nosec B608 - quoted model identifiers only
                            f"WHERE signed.{quote('petition_id')} = :petition_id "
                            f"AND signed.{quote('signatory_id')} = signatory.{quote('id')})")
    else:
        signatory_source = f"VALUES ({signatory_values})"
        signing_signatory = "signatory"
        repeat_condition = ""
    # Only quoted identifiers from the models and conditions from our code go into the text;
    # values are bound parameters.
    sql = (
        f"WITH new_signatory AS (INSERT INTO {preparer.format_table(signatories)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
        f"({', '.join(quote(k) for k in signatory_keys)}) {signatory_source} "
        f"ON CONFLICT ({quote('email_key')}) DO NOTHING RETURNING {quote('id')}), "
        f"signatory AS (SELECT {quote('id')} FROM new_signatory UNION ALL "
        f"SELECT {quote('id')} FROM {preparer.format_table(signatories)} "
        f"WHERE {quote('email_key')} = :signatory_email_key LIMIT 1), "
        f"new_signature AS (INSERT INTO {signatures_table} "
        f"({', '.join(quote(k) for k in signature_keys)}, {quote('signatory_id')}) "
        f"SELECT {', '.join(':' + k for k in signature_keys)}, {signing_signatory}.{quote('id')} "
        f"FROM {signing_signatory} WHERE {_STILL_OPEN} "
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
    written = "FALSE"
    if email_keys:
        sql += (
            f", new_email AS (INSERT INTO {preparer.format_table(emails)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
            f"({', '.join(quote(k) for k in email_keys)}) "
            f"SELECT {', '.join(':email_' + k for k in email_keys)} FROM new_signature "
            f"WHERE new_signature.{quote('signatory_id')} = :signatory_id "
            f"RETURNING {quote('id')})")
        written = "EXISTS (SELECT 1 FROM new_email)"
    if record_repeat:
        sql += (
            f", repeat AS (INSERT INTO {preparer.format_table(ConfirmationResend.__table__)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
            f"({quote('petition_id')}, {quote('signatory_id')}, {quote('language')}, "
            f"{quote('requested_at')}) "
            f"SELECT :petition_id, signatory.{quote('id')}, :language, :created_at "
            f"FROM signatory WHERE NOT EXISTS (SELECT 1 FROM new_signature) AND {_STILL_OPEN}"
            f"{repeat_condition} RETURNING {quote('signatory_id')})")
    sql += f" SELECT {quote('id')}, {quote('signatory_id')}, {written}, FALSE FROM new_signature"  # noqa: S608  # nosec B608 - quoted model identifiers only
    if record_repeat:
        sql += f" UNION ALL SELECT NULL, {quote('signatory_id')}, FALSE, TRUE FROM repeat"  # noqa: S608  # nosec B608 - quoted model identifiers only
    binds = [bindparam(f"signatory_{k}", type_=signatories.c[k].type) for k in signatory_keys]
    binds += [bindparam(k, type_=signatures.c[k].type) for k in signature_keys]
    if consent_count:
        binds.append(bindparam("consent_method", type_=consents.c.method.type))
        for n in range(consent_count):
            binds += [bindparam(f"consent_purpose_{n}", type_=consents.c.purpose.type),
                      bindparam(f"consent_text_id_{n}", type_=consents.c.consent_text_id.type)]
    binds += [bindparam(f"email_{k}", type_=emails.c[k].type) for k in email_keys]
    return text(sql).bindparams(*binds).columns(signatures.c.id, signatures.c.signatory_id,
                                                column("email_written", Boolean),
                                                column("repeat", Boolean))


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
        "language": request.language, "confirmation_sends": 1, "created_at": utcnow(),
    }


def sign_at_once(autocommit_engine: Engine | None, petition: Petition,
                 request: SignatureRequest, *, flagged: bool = False,
                 confirmation: ConfirmationEmail | None = None) -> SignOutcome | None:
    """PostgreSQL: sign() in one statement that is a transaction of its own.

    Someone new (the signatory, the signature, its consents and its confirmation email) or a
    repeat (the request to re-send the confirmation) is one INSERT run outside any
    transaction block: one round trip to the database, where sign() in a transaction takes
    three (BEGIN, the statement, COMMIT) and a surge left the web processes waiting with
    the machine's cores idle. Atomic all the same, as every statement is. A repeat costs
    what a first signature costs, as in sign().

    Returns None, having written nothing, when it cannot be done so: a known person's first
    signature of this petition (its email names their id, unknown until the statement
    runs), a closed petition, SQLite (no `autocommit_engine`: Database.autocommit_engine).
    sign() then does it in a transaction. The consents' wordings must be in the database
    already, so the caller only comes here before its session has written anything
    (consents.given_on_form writes a wording seen first).
    """
    if autocommit_engine is None or not petition.accepts_signatures():
        return None
    with autocommit_engine.connect() as conn:
        return _sign_in_one_statement(conn, request, _signature_values(petition, request, flagged),
                                      None if flagged else confirmation,
                                      record_repeat=not flagged, own_transaction=True)


def sign(session: Session, petition: Petition, request: SignatureRequest, *,
         flagged: bool = False,
         confirmation: ConfirmationEmail | None = None) -> SignOutcome:
    """Record a pending signature, or find the one this person already made.

    Returns which happened; the caller must answer the supporter identically in every case,
    so that nobody learns who has signed. When a confirmation email is due
    (`confirmation_queued`), it is written to the outbox from `confirmation` in the same
    transaction; without it, the caller queues it. A repeat only records the request to
    re-send the confirmation (`resend_requested`), which the mail sender acts on: deciding
    and rendering here would make it slower to answer than a first signature. A `flagged`
    signature (past an abuse limit) is stored for an organizer to review: no email, never
    counted until approved (services/review.py).
    """
    if not petition.accepts_signatures():
        raise PetitionClosedError(petition.slug)
    # Core statements on the session's connection: no ORM objects to flush on the hot path.
    conn = session.connection()
    signature = _signature_values(petition, request, flagged)
    now = signature["created_at"]
    if flagged:
        confirmation = None
    if conn.dialect.name == "postgresql":
        outcome = _sign_in_one_statement(conn, request, signature, confirmation,
                                         record_repeat=not flagged)
        if outcome is not None:
            return outcome
    # A statement per table (SQLite; and on PostgreSQL whatever the single statement did not
    # create: a repeat signature, a closed petition, a signatory added by a concurrent request).
    signatory_id = _signatory_id(conn, request.email)
    new_id = insert_ignoring_conflicts(conn, Signature.__table__,
                                       {**signature, "signatory_id": signatory_id},
                                       ["petition_id", "signatory_id"], only_if=_STILL_OPEN)
    if new_id is not None:
        record_given(conn, signatory_id, request.consents, method=request.consent_method,
                     petition_id=petition.id, given_at=now)
        if confirmation is not None:
            add_to_outbox(conn, confirmation(int(new_id), signatory_id))
        return SignOutcome(int(new_id), created=True, confirmation_queued=not flagged,
                           signatory_id=signatory_id)
    if flagged:
        # Past a limit: no re-send either, or a flooder could mail-bomb someone's inbox.
        if not _accepts_signatures(conn, petition.id, now):
            raise PetitionClosedError(petition.slug)
        return SignOutcome(None, created=False, confirmation_queued=False)
    # Signed before: the re-send is only recorded here, while the petition is open (checked
    # in the same statement); the mail sender re-sends it if the signature is still pending
    # and within the limit (notifications.queue_requested_resends). Deciding and rendering
    # here would make a repeat take longer to answer than a first signature.
    recorded = insert_ignoring_conflicts(
        conn, ConfirmationResend.__table__,
        {"petition_id": petition.id, "signatory_id": signatory_id, "language": request.language,
         "requested_at": now}, ["id"], only_if=_still_open("requested_at"))
    if recorded is None:
        # Closed since the caller's copy was read (pages re-read petitions every second).
        raise PetitionClosedError(petition.slug)
    return SignOutcome(None, created=False, confirmation_queued=False,
                       signatory_id=signatory_id, resend_requested=True)


def resend_confirmation(conn: Connection, petition_id: int, signatory_id: int,
                        resend_limit: int) -> tuple[int, str] | None:
    """Count one more sending of this person's confirmation for the petition, if it is
    still pending and within `resend_limit` sends; (signature id, name), or None."""
    row = conn.execute(
        update(Signature)
        .where(Signature.petition_id == petition_id, Signature.signatory_id == signatory_id,
               Signature.state == SignatureState.PENDING,
               Signature.confirmation_sends < resend_limit)
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
