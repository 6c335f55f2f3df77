"""The one place recognizers are registered, built-ins included.

Adding a recognizer is one module with a :class:`~mokmin.guard.recognizers.base.Recognizer` subclass and one
line in ``_BUILTINS`` (or a call to :func:`register` from a plugin). Nothing else dispatches on kinds.
"""

from __future__ import annotations

from mokmin.guard.recognizers.address import AddressRecognizer
from mokmin.guard.recognizers.bank_account import BankAccountRecognizer
from mokmin.guard.recognizers.base import Recognizer
from mokmin.guard.recognizers.brn import BrnRecognizer
from mokmin.guard.recognizers.card import CardRecognizer
from mokmin.guard.recognizers.crn import CrnRecognizer
from mokmin.guard.recognizers.driver_license import DriverLicenseRecognizer
from mokmin.guard.recognizers.email import EmailRecognizer
from mokmin.guard.recognizers.health_insurance import HealthInsuranceRecognizer
from mokmin.guard.recognizers.ip import IpRecognizer
from mokmin.guard.recognizers.passport import PassportRecognizer
from mokmin.guard.recognizers.person import PersonRecognizer
from mokmin.guard.recognizers.phone import PhoneRecognizer
from mokmin.guard.recognizers.rrn import FrnRecognizer, RrnRecognizer
from mokmin.guard.recognizers.vehicle_plate import VehiclePlateRecognizer
from mokmin.guard.spans import PiiType

_BUILTINS: tuple[type[Recognizer], ...] = (
    CrnRecognizer,
    BrnRecognizer,
    CardRecognizer,
    RrnRecognizer,
    FrnRecognizer,
    PassportRecognizer,
    DriverLicenseRecognizer,
    HealthInsuranceRecognizer,
    BankAccountRecognizer,
    PhoneRecognizer,
    EmailRecognizer,
    IpRecognizer,
    VehiclePlateRecognizer,
    AddressRecognizer,
    PersonRecognizer,
)

_REGISTRY: dict[str, Recognizer] = {}


def register(recognizer: Recognizer) -> None:
    """Add (or replace, by name) a recognizer; it runs in every later :func:`mokmin.guard.detect` call."""
    _REGISTRY[recognizer.name] = recognizer


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def recognizers(types: frozenset[PiiType] | None = None) -> list[Recognizer]:
    """Registered recognizers, optionally only those emitting one of ``types``."""
    return [r for r in _REGISTRY.values() if types is None or r.type in types]


for _cls in _BUILTINS:
    register(_cls())
