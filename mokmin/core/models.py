"""Organisation and identity tables: institutions → departments → teams, users, API keys, web sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mokmin.core.db import Base, TimestampMixin, enum_values


class Role(enum.StrEnum):
    """What a person may do; a user has exactly one role."""

    ADMIN = "admin"
    PRIVACY_OFFICER = "privacy_officer"
    AUDITOR = "auditor"
    DEPARTMENT_HEAD = "department_head"
    TRAINER = "trainer"
    STAFF = "staff"


class InstitutionKind(enum.StrEnum):
    CITY = "city"
    AFFILIATE = "affiliate"


class Institution(TimestampMixin, Base):
    """The city itself or one of its affiliated institutions (공단, 재단, 센터 …)."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[InstitutionKind] = mapped_column(
        Enum(InstitutionKind, native_enum=False, length=20, values_callable=enum_values),
        default=InstitutionKind.CITY,
    )
    # Letterhead printed on exported documents (admin settings); empty until the admin fills it in. The logo is
    # kept in the database so that every stateless worker serves the same one; deferred, so pages that only
    # need the name never load it.
    address: Mapped[str | None] = mapped_column(String(160))
    postcode: Mapped[str | None] = mapped_column(String(5))
    phone: Mapped[str | None] = mapped_column(String(20))
    fax: Mapped[str | None] = mapped_column(String(20))
    homepage: Mapped[str | None] = mapped_column(String(100))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(10))
    departments: Mapped[list[Department]] = relationship(back_populates="institution")


class Department(TimestampMixin, Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("institution_id", "name", name="uq_departments_institution_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[Institution] = relationship(back_populates="departments")
    teams: Mapped[list[Team]] = relationship(back_populates="department")


class Team(TimestampMixin, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("department_id", "name", name="uq_teams_department_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[Department] = relationship(back_populates="teams")


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=enum_values), default=Role.STAFF
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(5), default="ko")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    department: Mapped[Department | None] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def institution_id(self) -> int | None:
        return self.department.institution_id if self.department else None


class ApiKey(TimestampMixin, Base):
    """A personal API key: only its SHA-256 is stored; the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


class WebSession(TimestampMixin, Base):
    """A signed-in browser; the cookie holds a random token whose SHA-256 is stored here."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]
    user: Mapped[User] = relationship()
