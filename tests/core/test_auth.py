from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core import auth, org
from mokmin.core.db import utcnow
from mokmin.core.errors import Locked, NotAuthenticated, ValidationFailed
from mokmin.core.models import ApiKey, Role, User, WebSession
from mokmin.core.security import digest
from mokmin.core.settings import Settings


@pytest.fixture
def clerk(db: Session) -> User:
    return org.add_user(
        db, username="clerk", display_name="주무관", password="correct horse 1", role=Role.STAFF
    )


def test_right_password_signs_in(db: Session, settings: Settings, clerk: object) -> None:
    assert auth.authenticate(db, settings, "clerk", "correct horse 1").username == "clerk"


def test_password_is_stored_as_argon2(clerk: User) -> None:
    assert clerk.password_hash.startswith("$argon2")
    assert "correct horse" not in clerk.password_hash


def test_wrong_password_and_unknown_user_look_the_same(
    db: Session, settings: Settings, clerk: object
) -> None:
    with pytest.raises(NotAuthenticated) as wrong:
        auth.authenticate(db, settings, "clerk", "nope nope nope")
    with pytest.raises(NotAuthenticated) as unknown:
        auth.authenticate(db, settings, "ghost", "nope nope nope")
    assert wrong.value.message == unknown.value.message == "auth.bad_credentials"


def test_lockout_after_repeated_failures(db: Session, settings: Settings, clerk: User) -> None:
    for _ in range(settings.login_max_failures):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(db, settings, "clerk", "wrong password")
    with pytest.raises(Locked):
        auth.authenticate(db, settings, "clerk", "correct horse 1")
    clerk.locked_until = utcnow() - timedelta(seconds=1)
    assert auth.authenticate(db, settings, "clerk", "correct horse 1").failed_logins == 0


def test_disabled_user_cannot_sign_in(db: Session, settings: Settings, clerk: User) -> None:
    org.set_active(db, clerk, False)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, settings, "clerk", "correct horse 1")


def test_web_session_round_trip(db: Session, settings: Settings, clerk: User) -> None:
    token = auth.start_web_session(db, clerk, settings)
    assert auth.user_for_session(db, token) is clerk
    auth.end_web_session(db, token)
    assert auth.user_for_session(db, token) is None


def test_signing_in_removes_expired_sessions(db: Session, settings: Settings, clerk: User) -> None:
    stale = auth.start_web_session(db, clerk, settings)
    live = auth.start_web_session(db, clerk, settings)
    row = db.scalar(select(WebSession).where(WebSession.token_hash == digest(stale)))
    assert row is not None
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.flush()
    auth.start_web_session(db, clerk, settings)
    hashes = set(db.scalars(select(WebSession.token_hash)))
    assert digest(stale) not in hashes and digest(live) in hashes
    assert auth.user_for_session(db, live) is clerk


def test_api_key_shown_once_and_stored_hashed(db: Session, clerk: User) -> None:
    key, plaintext = auth.create_api_key(db, clerk, "laptop", 30)
    assert key.key_hash == digest(plaintext) and plaintext not in (key.key_hash, key.prefix)
    assert auth.user_for_api_key(db, plaintext) is clerk


def test_revoked_and_expired_keys_are_refused(db: Session, clerk: User) -> None:
    revoked, revoked_text = auth.create_api_key(db, clerk, "old", 30)
    auth.revoke_api_key(db, clerk, revoked.id)
    with pytest.raises(NotAuthenticated, match=r"apikey\.revoked"):
        auth.user_for_api_key(db, revoked_text)
    expired, expired_text = auth.create_api_key(db, clerk, "short", 1)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(NotAuthenticated, match=r"apikey\.expired"):
        auth.user_for_api_key(db, expired_text)
    with pytest.raises(NotAuthenticated, match=r"apikey\.invalid"):
        auth.user_for_api_key(db, "mk-not-a-key")


@pytest.mark.parametrize(("name", "days"), [("", 30), ("x" * 101, 30), ("ok", 0), ("ok", 5000)])
def test_api_key_input_is_validated(db: Session, clerk: User, name: str, days: int) -> None:
    with pytest.raises(ValidationFailed):
        auth.create_api_key(db, clerk, name, days)
    assert db.query(ApiKey).count() == 0
