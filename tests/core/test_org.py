from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from mokmin.core import org
from mokmin.core.demo import USERS, load_demo
from mokmin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from mokmin.core.models import InstitutionKind, Role, User
from mokmin.core.settings import Settings


def test_demo_load_is_idempotent_and_covers_every_role(db: Session, settings: Settings) -> None:
    assert load_demo(db, settings) == len(USERS)
    assert load_demo(db, settings) == 0
    users = org.list_users(db)
    assert len(users) == len(USERS)
    assert {user.role for user in users} == set(Role)
    kinds = {inst.kind for inst in org.list_institutions(db)}
    assert kinds == {InstitutionKind.CITY, InstitutionKind.AFFILIATE}


def test_demo_refused_in_production(db: Session) -> None:
    from pydantic import SecretStr

    prod = Settings(env="production", secret_key=SecretStr("p" * 40), _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(PermissionDenied):
        load_demo(db, prod)


def test_hierarchy_institution_department_team(db: Session) -> None:
    city = org.get_or_create_institution(db, "c", "시청", InstitutionKind.CITY)
    dept = org.get_or_create_department(db, city, "  홍보   담당관 ")
    team = org.get_or_create_team(db, dept, "언론팀")
    assert dept.name == "홍보 담당관"
    assert team.department.institution is city
    assert org.get_or_create_department(db, city, "홍보 담당관") is dept


@pytest.mark.parametrize(
    "username", ["ab", "Has Space", "-dash", "a" * 65, "한글", "x'; DROP TABLE users;--"]
)
def test_bad_usernames_are_refused(db: Session, username: str) -> None:
    with pytest.raises(ValidationFailed):
        org.add_user(db, username=username, display_name="n", password="long enough pw")
    assert db.query(User).count() == 0


def test_duplicate_username_and_weak_password(db: Session) -> None:
    org.add_user(db, username="kim", display_name="김", password="long enough pw")
    with pytest.raises(Conflict):
        org.add_user(db, username="KIM", display_name="김", password="long enough pw")
    with pytest.raises(ValidationFailed):
        org.add_user(db, username="lee", display_name="이", password="short")


def test_unknown_department_is_refused(db: Session) -> None:
    with pytest.raises(NotFound):
        org.add_user(db, username="park", display_name="박", password="long enough pw", department_id=999)
