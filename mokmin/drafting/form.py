"""The facts form of a document type, generated from its JSON schema, and the facts read back from a posted form.

Input names are the facts' own paths (``staff.0.phone``), the same paths :class:`FieldProblem` reports, so a
refused fact is shown next to the very input it came from. Lists of plain text are one textarea (one item per
line); lists of objects are rows of inputs. Numbers are text inputs (``inputmode``), not ``type=number``, so
that ``113,560원`` reaches the server and a wrong entry is explained rather than silently blocked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mokmin.drafting.doctypes import DocType
from mokmin.drafting.errors import FieldProblem

FieldKind = Literal[
    "text", "textarea", "lines", "integer", "number", "date", "datetime", "time", "select", "checkbox"
]
MAX_ROWS = 50
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::00(?:\.0+)?)?$")


@dataclass
class FormField:
    """One input."""

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    value: str = ""
    error: str = ""

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class FormGroup:
    """A nested object (one row) or a list of objects (``repeat``: several rows)."""

    name: str
    label: str
    required: bool
    repeat: bool
    rows: list[list[FormField]]
    max_rows: int | None = None
    help: str = ""
    error: str = ""

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class FactsForm:
    """The whole form: its inputs in schema order and a summary of every refused fact (linked to its input)."""

    items: list[FormField | FormGroup]
    summary: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Spec:
    name: str
    label: str
    kind: FieldKind | Literal["group"]
    required: bool
    help: str = ""
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    repeat: bool = False
    min_rows: int = 0
    max_rows: int | None = None
    children: tuple[_Spec, ...] = ()
    default: Any = None


def _ref(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    ref = prop.get("$ref")
    return defs[str(ref).rsplit("/", 1)[-1]] if ref else None


def _spec(
    name: str, prop: Mapping[str, Any], defs: Mapping[str, Any], required: bool, english: bool
) -> _Spec:
    label = name.replace("_", " ").capitalize() if english else str(prop.get("title") or name)
    help_text = str(prop.get("description", ""))
    options = [option for option in prop.get("anyOf", ()) if option.get("type") != "null"]
    if len(options) == 1:
        prop = {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
    target = _ref(prop, defs)
    if target is not None:
        return _group(name, label, target, defs, required, english, help_text, repeat=False)
    if prop.get("type") == "array":
        items = prop.get("items", {})
        item_def = _ref(items, defs)
        if item_def is not None:
            group = _group(name, label, item_def, defs, required, english, help_text, repeat=True)
            return _Spec(
                **{
                    **group.__dict__,
                    "min_rows": int(prop.get("minItems", 0)),
                    "max_rows": prop.get("maxItems"),
                }
            )
        return _Spec(name, label, "lines", required, help_text or _lines_help(english))
    return _Spec(
        name,
        label,
        _scalar_kind(prop),
        required,
        help_text,
        choices=tuple(str(c) for c in prop.get("enum", ())),
        max_length=prop.get("maxLength"),
        default=prop.get("default"),
    )


def _lines_help(english: bool) -> str:
    return "One item per line." if english else "한 줄에 하나씩 적습니다."


def _group(
    name: str,
    label: str,
    schema: Mapping[str, Any],
    defs: Mapping[str, Any],
    required: bool,
    english: bool,
    help_text: str,
    *,
    repeat: bool,
) -> _Spec:
    needed = set(schema.get("required", ()))
    children = tuple(
        _spec(child, prop, defs, child in needed, english) for child, prop in schema["properties"].items()
    )
    return _Spec(name, label, "group", required, help_text, repeat=repeat, children=children)


def _scalar_kind(prop: Mapping[str, Any]) -> FieldKind:
    if "enum" in prop:
        return "select"
    kind = prop.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "integer" if kind == "integer" else "number"
    fmt = prop.get("format")
    if fmt in ("date-time", "date", "time"):
        return "datetime" if fmt == "date-time" else "date" if fmt == "date" else "time"
    return "textarea" if int(prop.get("maxLength", 0)) >= 200 else "text"


def specs(doc_type: type[DocType], *, english: bool = False) -> list[_Spec]:
    """The form's fields in schema order."""
    schema = doc_type.json_schema()
    defs = schema.get("$defs", {})
    needed = set(schema.get("required", ()))
    return [_spec(name, prop, defs, name in needed, english) for name, prop in schema["properties"].items()]


# --- showing ----------------------------------------------------------------------------------------------


def _display(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if kind == "checkbox":
        return "1" if value in (True, "1", "on", "true") else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if kind == "datetime" and _DATETIME.match(text):
        return text[:16]
    return text


def _field(spec: _Spec, name: str, value: Any, *, use_default: bool = True) -> FormField:
    kind: FieldKind = "text" if spec.kind == "group" else spec.kind
    return FormField(
        name=name,
        label=spec.label,
        kind=kind,
        required=spec.required,
        help=spec.help,
        choices=spec.choices,
        max_length=spec.max_length,
        value=_display(kind, spec.default if value is None and use_default else value),
    )


def _row(spec: _Spec, prefix: str, values: Any) -> list[FormField]:
    # A blank row shows no defaults: otherwise it would not read as blank when posted back.
    data = values if isinstance(values, Mapping) else {}
    return [
        _field(child, f"{prefix}.{child.name}", data.get(child.name), use_default=bool(data))
        for child in spec.children
    ]


def _item(spec: _Spec, values: Mapping[str, Any]) -> FormField | FormGroup:
    value = values.get(spec.name)
    if spec.kind != "group":
        return _field(spec, spec.name, value)
    if not spec.repeat:
        rows = [_row(spec, spec.name, value)]
        return FormGroup(spec.name, spec.label, spec.required, False, rows, help=spec.help)
    existing = [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
    wanted = max(len(existing) + 1, spec.min_rows, 1)
    if spec.max_rows is not None:
        wanted = min(wanted, spec.max_rows)
    wanted = max(wanted, len(existing))
    rows = [_row(spec, f"{spec.name}.{i}", existing[i] if i < len(existing) else None) for i in range(wanted)]
    return FormGroup(spec.name, spec.label, spec.required, True, rows, spec.max_rows, spec.help)


def build_form(
    doc_type: type[DocType],
    values: Mapping[str, Any] | None = None,
    problems: Sequence[FieldProblem] = (),
    *,
    english: bool = False,
) -> FactsForm:
    """The form of *doc_type*, filled with *values*, each problem shown beside its input and in the summary."""
    items = [_item(spec, values or {}) for spec in specs(doc_type, english=english)]
    form = FactsForm(items)
    _place_problems(form, problems)
    return form


def _inputs(form: FactsForm) -> dict[str, FormField | FormGroup]:
    found: dict[str, FormField | FormGroup] = {}
    for item in form.items:
        found[item.name] = item
        if isinstance(item, FormGroup):
            for row in item.rows:
                found.update({f.name: f for f in row})
    return found


def _guess_field(problem: FieldProblem, form: FactsForm) -> str | None:
    """A whole-form problem ("끝이 시작(행사 일시) 전입니다") belongs to the field its message names."""
    for item in form.items:
        if f"({item.name})" in problem.message:
            return item.name
    titled = sorted(form.items, key=lambda item: len(item.label), reverse=True)
    for item in titled:
        if item.label and item.label in problem.message:
            return item.name
    return None


def _place_problems(form: FactsForm, problems: Sequence[FieldProblem]) -> None:
    inputs = _inputs(form)
    for problem in problems:
        path = problem.field if problem.field != "(전체)" else (_guess_field(problem, form) or "")
        parts = path.split(".") if path else []
        target = None
        while parts:
            target = inputs.get(".".join(parts))
            if target is not None:
                break
            parts.pop()
        text = problem.message
        if target is not None and target.name != problem.field and problem.label != "(전체)":
            text = f"{problem.label}: {problem.message}"
        if target is not None:
            target.error = f"{target.error} {text}".strip()
            form.summary.append((target.dom_id, f"{problem.label}: {problem.message}"))
        else:
            form.summary.append(("", problem.describe()))


# --- reading a posted form --------------------------------------------------------------------------------


def _scalar(spec: _Spec, raw: str | None) -> Any:
    if raw is None:
        return None
    if spec.kind == "lines":
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        return lines or None
    if spec.kind == "checkbox":
        return True if raw in ("1", "on", "true") else None
    text = raw.strip()
    return text or None


def _object(spec: _Spec, prefix: str, data: Mapping[str, str]) -> dict[str, Any] | None:
    row = {}
    for child in spec.children:
        value = _scalar(child, data.get(f"{prefix}.{child.name}"))
        if value is not None:
            row[child.name] = value
    return row or None


def _row_indices(name: str, data: Mapping[str, str]) -> list[int]:
    found = set()
    for key in data:
        head, _, rest = key.partition(".")
        index = rest.partition(".")[0]
        if head == name and index.isdigit() and int(index) < MAX_ROWS:
            found.add(int(index))
    return sorted(found)


def facts_from_form(doc_type: type[DocType], data: Mapping[str, str]) -> dict[str, Any]:
    """The facts a posted form states: blank inputs and blank rows left out, so defaults and 'required' apply."""
    facts: dict[str, Any] = {}
    for spec in specs(doc_type):
        if spec.kind != "group":
            value = _scalar(spec, data.get(spec.name))
        elif spec.repeat:
            rows = [_object(spec, f"{spec.name}.{i}", data) for i in _row_indices(spec.name, data)]
            value = [row for row in rows if row is not None] or None
        else:
            value = _object(spec, spec.name, data)
        if value is not None:
            facts[spec.name] = value
    return facts
