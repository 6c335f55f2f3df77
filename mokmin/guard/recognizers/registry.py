"""The one place recognizers are registered, built-ins included.

Adding a recognizer is one module with a :class:`~mokmin.guard.recognizers.base.Recognizer` subclass and one
line in ``_BUILTINS`` (or a call to :func:`register` from a plugin). Nothing else dispatches on kinds.
"""

from __future__ import annotations

import threading

from mokmin.guard.recognizers import prefilter
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
_prefilter_lock = threading.Lock()
_prefilter: prefilter.Prefilter | None = None
_prefilter_built = False


def register(recognizer: Recognizer) -> None:
    """Add (or replace, by name) a recognizer; it runs in every later :func:`mokmin.guard.detect` call."""
    _REGISTRY[recognizer.name] = recognizer
    _forget_prefilter()


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)
    _forget_prefilter()


def _forget_prefilter() -> None:
    global _prefilter, _prefilter_built
    with _prefilter_lock:
        _prefilter, _prefilter_built = None, False


def warm() -> None:
    """Build the prefilter for the registered patterns now (about a second), rather than on first use."""
    global _prefilter, _prefilter_built
    if not _prefilter_built:
        with _prefilter_lock:
            if not _prefilter_built:
                regexes = [p.regex for r in _REGISTRY.values() for p in r.patterns]
                _prefilter, _prefilter_built = prefilter.build(regexes), True


def locate(text: str) -> prefilter.Location:
    """Which registered patterns cannot match ``text`` (already folded), and where the others can."""
    if not _prefilter_built:
        warm()
    current = _prefilter
    return current.locate(text) if current is not None else prefilter.NOWHERE


def recognizers(types: frozenset[PiiType] | None = None) -> list[Recognizer]:
    """Registered recognizers, optionally only those emitting one of ``types``."""
    if types is None:
        return list(_REGISTRY.values())
    return [r for r in _REGISTRY.values() if r.type in types]


for _cls in _BUILTINS:
    register(_cls())
