"""The tamper-evident audit chain.

Every model call, policy decision, sign-in, admin change and vault read appends an :class:`AuditEvent`.
Each event stores the SHA-256 of its canonical JSON together with the previous event's hash, so editing,
deleting or reordering any event breaks the chain at that point, and :func:`verify` names the first bad one.
Events never hold raw personal data: requests and responses are stored as digests, findings as counts by type.

An export is JSON Lines: one event per line, then a signature line with an Ed25519 signature over the
SHA-256 of all event lines. The signing key is derived from ``MOKMIN_SECRET_KEY``; the public key is in the
signature line and shown by ``mokmin audit key``, so a third party can check both the chain and the signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from mokmin.core.db import DirectStatement, DirectWrite, utcnow
from mokmin.guard.models import AuditEvent, AuditHead

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor", "department_id", "action", "target", "outcome", "data_level",
    "provider", "request_digest", "response_digest", "findings", "details", "reason", "prev_hash",
)  # fmt: skip


def text_digest(text: str) -> str:
    """What the audit log keeps of a prompt or answer: its SHA-256, never the text."""
    return hashlib.sha256(text.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=utcnow().tzinfo)
    return moment.astimezone(utcnow().tzinfo).isoformat(timespec="microseconds")


def event_record(event: AuditEvent) -> dict[str, Any]:
    """The event as the plain dictionary that is hashed and exported."""
    record = {name: getattr(event, name) for name in HASHED_FIELDS}
    record["occurred_at"] = _iso(event.occurred_at)
    return record


def compute_hash(record: dict[str, Any]) -> str:
    payload = {name: record[name] for name in HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who did it: a user, or the system (CLI, jobs) with ``id=None``."""

    id: int | None
    username: str
    department_id: int | None = None


SYSTEM = Actor(None, "system")


def actor_of(user: Any) -> Actor:
    """The actor for a signed-in :class:`mokmin.core.models.User`."""
    return Actor(user.id, user.username, user.department_id)


def append(
    db: Session | DirectWrite,
    action: str,
    actor: Actor = SYSTEM,
    *,
    target: str = "",
    outcome: str = "ok",
    data_level: str | None = None,
    provider: str | None = None,
    request_digest: str | None = None,
    response_digest: str | None = None,
    findings: dict[str, int] | None = None,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction (it commits or rolls back with it).

    Three statements: advance the head (taking the write lock) and read it back in one, insert the event,
    store its hash in the head. They run as Core statements on the session's connection (objects the caller
    added are flushed first, as the ORM would), or straight on the cursor of a :class:`DirectWrite` (every
    model call appends one). Returns the event as stored, detached from any session.
    """
    writer = _Writer(db)
    seq, prev_hash = writer.advance_head()
    values: dict[str, Any] = {
        "seq": seq,
        "occurred_at": utcnow(),
        "actor_id": actor.id,
        "actor": actor.username[:64],
        "department_id": actor.department_id,
        "action": action,
        "target": target[:200],
        "outcome": outcome,
        "data_level": data_level,
        "provider": provider,
        "request_digest": request_digest,
        "response_digest": response_digest,
        "findings": dict(findings or {}),
        "details": dict(details or {}),
        "reason": reason,
        "prev_hash": prev_hash,
    }
    values["hash"] = compute_hash({**values, "occurred_at": _iso(values["occurred_at"])})
    event_id = writer.insert(values)
    return AuditEvent(id=event_id, **values)


_EVENTS, _HEAD = cast(Table, AuditEvent.__table__), cast(Table, AuditHead.__table__)
_ADVANCE_HEAD = DirectStatement(
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq + 1).returning(_HEAD.c.seq, _HEAD.c.hash)
)
_INSERT_EVENT = DirectStatement(insert(_EVENTS), [c.name for c in _EVENTS.c if c.name != "id"])
_STORE_HEAD_HASH = DirectStatement(update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("new_hash")))


class _Writer:
    """The three statements of an append, on a session's connection or on a direct write's cursor."""

    def __init__(self, db: Session | DirectWrite) -> None:
        self.direct = db if isinstance(db, DirectWrite) else None
        self.session = db if isinstance(db, Session) else None
        self.connection: Connection | None = None
        if self.session is not None:
            self.session.flush()
            self.connection = self.session.connection()

    def advance_head(self) -> tuple[int, str]:
        """Advance the head's seq with an UPDATE first: that statement takes the write lock before we read.

        Returns the new seq and the previous event's hash. A head row the session already holds is
        expired, so that nobody reads a stale copy of it.
        """
        if self.direct is not None:
            row = self.direct.run(_ADVANCE_HEAD, {}).fetchone()
        else:
            assert self.connection is not None
            row = self.connection.execute(_ADVANCE_HEAD.statement).one_or_none()
        if row is None:  # the migration seeds this row; without it the database was not migrated
            raise RuntimeError("audit_head is missing: run `mokmin db upgrade`")
        if self.session is not None:
            held = self.session.identity_map.get(identity_key(AuditHead, 1))
            if held is not None:
                self.session.expire(held)
        return int(row[0]), str(row[1])

    def insert(self, values: dict[str, Any]) -> int:
        """Insert the event and store its hash in the head; returns the event's id."""
        if self.direct is not None:
            cursor = self.direct.run(_INSERT_EVENT, values)
            # PostgreSQL returns the id (the compiled insert asks for it); SQLite reports the row id.
            event_id = cursor.fetchone()[0] if cursor.description else cursor.lastrowid
            self.direct.run(_STORE_HEAD_HASH, {"new_hash": values["hash"]})
            return int(event_id)
        assert self.connection is not None
        key = self.connection.execute(_INSERT_EVENT.statement, values).inserted_primary_key
        self.connection.execute(_STORE_HEAD_HASH.statement, {"new_hash": values["hash"]})
        return int(key[0]) if key is not None else 0


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def check_records(records: Iterable[dict[str, Any]]) -> tuple[int, ChainProblem | None]:
    """Walk exported or stored records in order; returns (events checked, first problem or None)."""
    previous = GENESIS
    expected_seq = 1
    count = 0
    for record in records:
        count += 1
        seq = int(record["seq"])
        if seq != expected_seq:
            return count, ChainProblem(
                expected_seq, f"event {expected_seq} is missing or out of order (found {seq})"
            )
        if record["prev_hash"] != previous:
            return count, ChainProblem(
                seq, "does not follow the previous event (deleted or reordered before it)"
            )
        if compute_hash(record) != record["hash"]:
            return count, ChainProblem(seq, "its content was changed after it was written")
        previous = record["hash"]
        expected_seq += 1
    return count, None


def stored_records(db: Session, batch: int = 1000) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        rows = list(
            db.scalars(select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch))
        )
        if not rows:
            return
        for row in rows:
            yield {**event_record(row), "hash": row.hash}
        last = rows[-1].seq


def verify(db: Session) -> tuple[int, ChainProblem | None]:
    """Check the whole stored chain, including that nothing was cut off its end."""
    count, problem = check_records(stored_records(db))
    if problem is not None:
        return count, problem
    head = db.get(AuditHead, 1)
    if head is not None and head.seq != count:
        return count, ChainProblem(count + 1, f"the chain ends at event {count} but {head.seq} were written")
    return count, None


def signing_key(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=SHA256(), length=32, salt=b"mokmin-audit", info=b"ed25519").derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def export(db: Session, out: TextIO, secret: str) -> int:
    """Write every event as a JSON line, then a signature line; returns the number of events."""
    digest = hashlib.sha256()
    count = 0
    for record in stored_records(db):
        line = json.dumps(record, sort_keys=True, ensure_ascii=False)
        out.write(line + "\n")
        digest.update(line.encode() + b"\n")
        count += 1
    key = signing_key(secret)
    signature = base64.b64encode(key.sign(digest.digest())).decode()
    trailer = {"signature": {"alg": "Ed25519", "sha256": digest.hexdigest(), "events": count,
                             "public_key": public_key_b64(key), "value": signature}}  # fmt: skip
    out.write(json.dumps(trailer) + "\n")
    return count


def verify_export(
    lines: Iterable[str], trusted_public_key: str | None = None
) -> tuple[int, ChainProblem | None]:
    """Check an exported file: the signature over its event lines, then the chain itself."""
    digest = hashlib.sha256()
    records: list[dict[str, Any]] = []
    trailer: dict[str, Any] | None = None
    for line in lines:
        if not line.strip():
            continue
        if trailer is not None:
            return len(records), ChainProblem(len(records) + 1, "lines follow the signature")
        data = json.loads(line)
        if "signature" in data:
            trailer = data["signature"]
            continue
        digest.update(line.rstrip("\n").encode() + b"\n")
        records.append(data)
    if trailer is None:
        return len(records), ChainProblem(len(records) + 1, "the file has no signature line")
    public = trusted_public_key or trailer["public_key"]
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).verify(
            base64.b64decode(trailer["value"]), digest.digest()
        )
    except (InvalidSignature, ValueError):
        return len(records), ChainProblem(
            0, "the signature does not match the events (file altered or wrong key)"
        )
    return check_records(records)
