"""A demo organisation for trying mokmin: a city hall, an affiliated institution, a dozen users of every role.

Loading it twice changes nothing (idempotent). It refuses to run in production, where a shared demo password
would be a hole.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mokmin.core import org
from mokmin.core.errors import PermissionDenied
from mokmin.core.models import InstitutionKind, Role
from mokmin.core.settings import Settings

DEMO_PASSWORD = "mokmin-demo-2026"

CITY = ("mokmin-city", "목민시청", InstitutionKind.CITY)
AFFILIATE = ("mokmin-facilities", "목민시설관리공단", InstitutionKind.AFFILIATE)

# (institution code, department, teams)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("mokmin-city", "행정지원과", ["총무팀", "인사팀"]),
    ("mokmin-city", "홍보담당관", ["언론팀", "뉴미디어팀"]),
    ("mokmin-city", "기획예산과", ["기획팀", "예산팀"]),
    ("mokmin-city", "복지정책과", ["복지기획팀", "노인복지팀"]),
    ("mokmin-city", "정보통신과", ["정보화팀", "개인정보보호팀"]),
    ("mokmin-facilities", "경영지원팀", []),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    department: str


USERS: list[DemoUser] = [
    DemoUser("admin", "관리자", Role.ADMIN, "정보통신과"),
    DemoUser("privacy", "정보보호 책임자", Role.PRIVACY_OFFICER, "정보통신과"),
    DemoUser("auditor", "감사 담당관", Role.AUDITOR, "기획예산과"),
    DemoUser("head.press", "홍보담당관(부서장)", Role.DEPARTMENT_HEAD, "홍보담당관"),
    DemoUser("head.welfare", "복지정책과장", Role.DEPARTMENT_HEAD, "복지정책과"),
    DemoUser("trainer", "AI 교육 담당", Role.TRAINER, "행정지원과"),
    DemoUser("press1", "보도 담당 주무관", Role.STAFF, "홍보담당관"),
    DemoUser("press2", "뉴미디어 주무관", Role.STAFF, "홍보담당관"),
    DemoUser("welfare1", "복지 담당 주무관", Role.STAFF, "복지정책과"),
    DemoUser("budget1", "예산 담당 주무관", Role.STAFF, "기획예산과"),
    DemoUser("admin1", "총무 담당 주무관", Role.STAFF, "행정지원과"),
    DemoUser("facility1", "공단 경영지원 담당", Role.STAFF, "경영지원팀"),
]


def load_demo(db: Session, settings: Settings) -> int:
    """Create what is missing of the demo organisation; returns the number of users created."""
    if settings.env == "production":
        raise PermissionDenied("demo.production")
    institutions = {
        code: org.get_or_create_institution(db, code, name, kind) for code, name, kind in (CITY, AFFILIATE)
    }
    departments = {}
    for code, name, teams in DEPARTMENTS:
        dept = org.get_or_create_department(db, institutions[code], name)
        for team in teams:
            org.get_or_create_team(db, dept, team)
        departments[name] = dept
    existing = {user.username for user in org.list_users(db)}
    created = 0
    for demo in USERS:
        if demo.username in existing:
            continue
        org.add_user(
            db,
            username=demo.username,
            display_name=demo.display_name,
            password=DEMO_PASSWORD,
            role=demo.role,
            department_id=departments[demo.department].id,
            email=f"{demo.username}@mokmin.example",
        )
        created += 1
    return created
