"""The five document types and their one registry (``dict[str, type[DocType]]``)."""

from __future__ import annotations

from mokmin.drafting.doctypes.base import CodePart, DocType, EndMark, Part, ProseSection, ProseSlot
from mokmin.drafting.doctypes.letter import Letter, LetterFacts
from mokmin.drafting.doctypes.minutes import Minutes, MinutesFacts
from mokmin.drafting.doctypes.press_release import PressRelease, PressReleaseFacts
from mokmin.drafting.doctypes.report import Report, ReportFacts
from mokmin.drafting.doctypes.speech import Speech, SpeechFacts
from mokmin.drafting.errors import UnknownDocType

DOC_TYPES: dict[str, type[DocType]] = {
    doc_type.key: doc_type for doc_type in (PressRelease, Report, Speech, Letter, Minutes)
}


def get_doc_type(key: str) -> type[DocType]:
    """The registered type for *key* (``press_release``; ``press-release`` is accepted too)."""
    doc_type = DOC_TYPES.get(key.replace("-", "_"))
    if doc_type is None:
        raise UnknownDocType(key, sorted(DOC_TYPES))
    return doc_type


__all__ = [
    "DOC_TYPES",
    "CodePart",
    "DocType",
    "EndMark",
    "Letter",
    "LetterFacts",
    "Minutes",
    "MinutesFacts",
    "Part",
    "PressRelease",
    "PressReleaseFacts",
    "ProseSection",
    "ProseSlot",
    "Report",
    "ReportFacts",
    "Speech",
    "SpeechFacts",
    "get_doc_type",
]
