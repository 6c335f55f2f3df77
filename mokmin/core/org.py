"""Institutions, departments, teams and users: the organisation every permission is scoped by."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mokmin.core.errors import Conflict, NotFound, ValidationFailed
from mokmin.core.models import Department, Institution, InstitutionKind, Role, Team, User
from mokmin.core.security import hash_password

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MIN_PASSWORD = 10
MAX_NAME = 100


def _clean_name(value: str, key: str, limit: int = 200) -> str:
    value = " ".join(value.split())
    if not value or len(value) > limit:
        raise ValidationFailed(key, limit=limit)
    return value


def get_or_create_institution(db: Session, code: str, name: str, kind: InstitutionKind) -> Institution:
    inst = db.scalar(select(Institution).where(Institution.code == code))
    if inst is None:
        inst = Institution(code=code, name=_clean_name(name, "org.bad_name"), kind=kind)
        db.add(inst)
        db.flush()
    return inst


def get_or_create_department(db: Session, institution: Institution, name: str) -> Department:
    name = _clean_name(name, "org.bad_name")
    dept = db.scalar(
        select(Department).where(Department.institution_id == institution.id, Department.name == name)
    )
    if dept is None:
        dept = Department(institution_id=institution.id, name=name)
        db.add(dept)
        db.flush()
    return dept


def get_or_create_team(db: Session, department: Department, name: str) -> Team:
    name = _clean_name(name, "org.bad_name")
    team = db.scalar(select(Team).where(Team.department_id == department.id, Team.name == name))
    if team is None:
        team = Team(department_id=department.id, name=name)
        db.add(team)
        db.flush()
    return team


def list_departments(db: Session) -> list[Department]:
    stmt = (
        select(Department)
        .options(selectinload(Department.institution), selectinload(Department.teams))
        .order_by(Department.institution_id, Department.name)
    )
    return list(db.scalars(stmt))


def list_institutions(db: Session) -> list[Institution]:
    return list(db.scalars(select(Institution).order_by(Institution.id)))


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD or len(password) > 1024:
        raise ValidationFailed("user.weak_password", min=MIN_PASSWORD)


def add_user(
    db: Session,
    *,
    username: str,
    display_name: str,
    password: str | None,
    role: Role = Role.STAFF,
    department_id: int | None = None,
    email: str | None = None,
) -> User:
    """Create a user; the username is lower-case letters, digits and ``. _ -`` (3–64)."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationFailed("user.bad_username")
    display_name = _clean_name(display_name, "user.bad_display_name", MAX_NAME)
    if password is not None:
        validate_password(password)
    if department_id is not None and db.get(Department, department_id) is None:
        raise NotFound("org.department_not_found")
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("user.exists", username=username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        role=role,
        department_id=department_id,
        email=email,
    )
    db.add(user)
    db.flush()
    return user


def find_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound("user.not_found", username=username)
    return user


def list_users(db: Session) -> list[User]:
    stmt = select(User).options(selectinload(User.department)).order_by(User.username)
    return list(db.scalars(stmt))


def set_active(db: Session, user: User, active: bool) -> User:
    user.is_active = active
    db.flush()
    return user


def set_role(db: Session, user: User, role: Role) -> User:
    user.role = role
    db.flush()
    return user
