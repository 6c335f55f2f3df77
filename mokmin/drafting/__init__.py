"""Drafting studio core: document types, conventions rendered by code, prose by a writer, checks, exports.

Pure domain logic (no database, no web). The lead connects a model through ``render(..., write_section=...)``
and :func:`mokmin.drafting.render.default_writer`.
"""

from __future__ import annotations

from mokmin.drafting.check import CheckReport, check_draft, check_text
from mokmin.drafting.conventions import (
    Attachment,
    Item,
    Language,
    format_amount,
    format_amount_official,
    format_date,
    format_datetime,
    format_period,
    format_time,
    format_time_range,
    item_marker,
    korean_reading,
    render_attachments,
    render_items,
)
from mokmin.drafting.doctypes import DOC_TYPES, DocType, ProseSection, get_doc_type
from mokmin.drafting.draft import AiLabel, Block, Draft, DraftSection
from mokmin.drafting.errors import FactsInvalid, FieldProblem, UnknownDocType
from mokmin.drafting.export import EXPORTERS, ExportFormat, Letterhead, export
from mokmin.drafting.facts import DocFacts, parse_facts
from mokmin.drafting.findings import Finding
from mokmin.drafting.render import default_writer, render, render_section
from mokmin.drafting.writers import FactOnlyWriter, InjectingWriter, WriteSection

__all__ = [
    "DOC_TYPES",
    "EXPORTERS",
    "AiLabel",
    "Attachment",
    "Block",
    "CheckReport",
    "DocFacts",
    "DocType",
    "Draft",
    "DraftSection",
    "ExportFormat",
    "FactOnlyWriter",
    "FactsInvalid",
    "FieldProblem",
    "Finding",
    "InjectingWriter",
    "Item",
    "Language",
    "Letterhead",
    "ProseSection",
    "UnknownDocType",
    "WriteSection",
    "check_draft",
    "check_text",
    "default_writer",
    "export",
    "format_amount",
    "format_amount_official",
    "format_date",
    "format_datetime",
    "format_period",
    "format_time",
    "format_time_range",
    "get_doc_type",
    "item_marker",
    "korean_reading",
    "parse_facts",
    "render",
    "render_attachments",
    "render_items",
    "render_section",
]
