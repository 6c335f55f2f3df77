"""Knowledge test fixtures: an organisation to test rights against, on a PostgreSQL schema of our own.

The ``engine`` override keeps the shared SQLite engine but migrates PostgreSQL into ``mokmin_test_knowledge``
so that concurrent suites dropping ``mokmin_test`` never pull the schema from under these tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from mokmin.core.models import Department, Institution, User
from mokmin.knowledge.models import DataLevel
from mokmin.knowledge.search import Reader
from tests.conftest import engine_fixture

PG_SCHEMA = "mokmin_test_knowledge"


engine = engine_fixture(PG_SCHEMA)


@dataclass
class Org:
    city: Institution
    other: Institution
    traffic: Department
    welfare: Department
    other_dept: Department
    users: dict[str, User]

    def reader(self, name: str, level: DataLevel = DataLevel.OPEN) -> Reader:
        user = self.users[name]
        return Reader(user.id, user.department_id, user.institution_id, level)


@pytest.fixture
def org(db: Session) -> Org:
    city = Institution(code="hanbit", name="한빛시")
    other = Institution(code="gaon", name="가온시")
    db.add_all([city, other])
    db.flush()
    traffic = Department(institution_id=city.id, name="교통과")
    welfare = Department(institution_id=city.id, name="복지과")
    other_dept = Department(institution_id=other.id, name="교통과")
    db.add_all([traffic, welfare, other_dept])
    db.flush()
    users = {
        "traffic1": User(username="traffic1", display_name="교통1", department_id=traffic.id),
        "traffic2": User(username="traffic2", display_name="교통2", department_id=traffic.id),
        "welfare": User(username="welfare", display_name="복지", department_id=welfare.id),
        "outsider": User(username="outsider", display_name="외부", department_id=other_dept.id),
        "nodept": User(username="nodept", display_name="무소속"),
    }
    db.add_all(users.values())
    db.flush()
    for user in users.values():
        db.refresh(user)
    return Org(city, other, traffic, welfare, other_dept, users)
