"""Recognizers: one module per identifier family, all registered in :mod:`.registry`."""

from mokmin.guard.recognizers.base import Context, Pattern, Recognizer
from mokmin.guard.recognizers.registry import recognizers, register, unregister

__all__ = ["Context", "Pattern", "Recognizer", "recognizers", "register", "unregister"]
