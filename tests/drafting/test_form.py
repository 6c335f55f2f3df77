"""The facts form generated from each type's schema, and facts read back from a posted form."""

from __future__ import annotations

import pytest

from mokmin.drafting.doctypes import DOC_TYPES, get_doc_type
from mokmin.drafting.errors import FactsInvalid
from mokmin.drafting.form import FormField, FormGroup, build_form, facts_from_form
from tests.fixtures.drafting import ALL, PRESS_RELEASE
from tests.fixtures.drafting_studio import form_fields


@pytest.mark.parametrize("doc_type", sorted(DOC_TYPES))
def test_posting_the_filled_form_gives_back_the_same_facts(doc_type: str) -> None:
    kind = get_doc_type(doc_type)
    stored = kind.parse(ALL[doc_type]).model_dump(mode="json")
    form = build_form(kind, stored)
    posted: dict[str, str] = {}
    for item in form.items:
        inputs = [f for row in item.rows for f in row] if isinstance(item, FormGroup) else [item]
        posted.update({f.name: f.value for f in inputs})
    assert kind.parse(facts_from_form(kind, posted)) == kind.parse(ALL[doc_type])


def test_inputs_follow_the_schema() -> None:
    form = build_form(get_doc_type("press_release"))
    items = {item.name: item for item in form.items}
    assert isinstance(items["distributed_at"], FormField) and items["distributed_at"].kind == "datetime"
    assert items["distributed_at"].label == "배포 일시" and items["distributed_at"].required
    assert items["subtitles"].kind == "lines" if isinstance(items["subtitles"], FormField) else False
    staff = items["staff"]
    assert isinstance(staff, FormGroup) and staff.repeat and staff.max_rows == 4
    assert [f.name for f in staff.rows[0]] == ["staff.0.title", "staff.0.name", "staff.0.phone"]
    assert isinstance(items["edition"], FormField) and items["edition"].choices == ("조간", "석간")
    assert isinstance(items["photos"], FormField) and items["photos"].value == "0"  # the schema default


def test_blank_rows_and_inputs_are_left_out() -> None:
    kind = get_doc_type("press_release")
    posted = form_fields(PRESS_RELEASE) | {"figures.1.label": " ", "figures.1.value": "", "place": "  "}
    facts = facts_from_form(kind, posted)
    assert len(facts["figures"]) == 1 and "place" not in facts
    assert facts["subtitles"] == PRESS_RELEASE["subtitles"]


def test_a_whole_form_problem_lands_on_the_field_it_names() -> None:
    kind = get_doc_type("press_release")
    facts = {**PRESS_RELEASE, "event_end": "2026-12-03T10:00"}
    with pytest.raises(FactsInvalid) as refused:
        kind.parse(facts)
    form = build_form(kind, facts, refused.value.problems)
    flagged = [item for item in form.items if item.error]
    assert [item.name for item in flagged] == ["event_start"]
    assert "행사 일시" in flagged[0].error
    assert form.summary == [("f-event_start", f"(전체): {flagged[0].error}")]
