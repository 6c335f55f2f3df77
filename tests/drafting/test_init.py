"""The public surface of ``mokmin.drafting`` is what ``__all__`` says, and all of it exists."""

from __future__ import annotations

import mokmin.drafting as drafting


def test_all_names_exist_and_are_sorted_unique() -> None:
    assert len(set(drafting.__all__)) == len(drafting.__all__)
    for name in drafting.__all__:
        assert hasattr(drafting, name), name
    assert {"render", "check_draft", "check_text", "export", "Letterhead", "DOC_TYPES"} <= set(
        drafting.__all__
    )
