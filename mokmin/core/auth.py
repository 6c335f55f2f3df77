"""Sign-in, lockout, web sessions and personal API keys. Services only: they never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mokmin.core.db import utcnow
from mokmin.core.errors import Locked, NotAuthenticated, NotFound, ValidationFailed
from mokmin.core.models import ApiKey, User, WebSession
from mokmin.core.security import digest, new_api_key, new_token, verify_password
from mokmin.core.settings import Settings


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything stored is UTC, so make them comparable."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def authenticate(db: Session, settings: Settings, username: str, password: str) -> User:
    """The user for these credentials; counts failures and locks the account after too many."""
    user = db.scalar(select(User).where(User.username == username.strip()))
    now = utcnow()
    if user is not None:
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
            raise Locked("auth.locked", minutes=minutes)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.login_max_failures:
                user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
                user.failed_logins = 0
            db.flush()
        raise NotAuthenticated("auth.bad_credentials")
    user.failed_logins = 0
    user.locked_until = None
    db.flush()
    return user


def start_web_session(db: Session, user: User, settings: Settings) -> str:
    """Create a session row and return the cookie token (only its digest is stored).

    Every sign-in also deletes the sessions that have expired, so the table holds live sessions only and needs
    no scheduled clean-up.
    """
    now = utcnow()
    db.execute(delete(WebSession).where(WebSession.expires_at <= now))
    token = new_token()
    expires = now + timedelta(hours=settings.session_hours)
    db.add(WebSession(token_hash=digest(token), user_id=user.id, expires_at=expires))
    db.flush()
    return token


def user_for_session(db: Session, token: str | None) -> User | None:
    if not token or len(token) > 200:
        return None
    row = db.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
    if row is None:
        return None
    expires = _aware(row.expires_at)
    if expires is None or expires <= utcnow() or not row.user.is_active:
        return None
    return row.user


def end_web_session(db: Session, token: str | None) -> None:
    if token:
        row = db.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
        if row is not None:
            db.delete(row)
            db.flush()


def create_api_key(db: Session, user: User, name: str, days: int | None) -> tuple[ApiKey, str]:
    """A new key for ``user``; the plaintext is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("apikey.bad_name")
    if days is not None and not 1 <= days <= 3650:
        raise ValidationFailed("apikey.bad_days")
    plaintext = new_api_key()
    expires = utcnow() + timedelta(days=days) if days else None
    key = ApiKey(
        user_id=user.id, name=name, prefix=plaintext[:10], key_hash=digest(plaintext), expires_at=expires
    )
    db.add(key)
    db.flush()
    return key, plaintext


def user_for_api_key(db: Session, plaintext: str | None) -> User:
    """The owner of a valid key, or a specific 401: missing, unknown, revoked or expired."""
    if not plaintext:
        raise NotAuthenticated("apikey.missing")
    key = db.scalar(select(ApiKey).where(ApiKey.key_hash == digest(plaintext.strip())))
    if key is None:
        raise NotAuthenticated("apikey.invalid")
    if key.revoked_at is not None:
        raise NotAuthenticated("apikey.revoked")
    expires = _aware(key.expires_at)
    if expires is not None and expires <= utcnow():
        raise NotAuthenticated("apikey.expired")
    if not key.user.is_active:
        raise NotAuthenticated("apikey.user_disabled")
    key.last_used_at = utcnow()
    return key.user


def list_api_keys(db: Session, user: User) -> list[ApiKey]:
    return list(db.scalars(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.id.desc())))


def revoke_api_key(db: Session, user: User, key_id: int) -> ApiKey:
    key = db.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("apikey.not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.flush()
    return key
