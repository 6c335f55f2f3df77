import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from mokmin.guard.recognizers.normalize import digits, fold, lower_ascii


def test_fold_maps_full_width_and_dashes() -> None:
    assert fold("０１０－１２３４—５６７８") == "010-1234-5678"
    assert fold("a\u3000b\u00a0c") == "a b c"


@given(st.text())
def test_fold_and_lower_preserve_length(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert len(lower_ascii(text)) == len(text)


def test_lower_ascii_leaves_dotted_capital_i() -> None:
    assert lower_ascii("İA") == "İa"


def test_digits() -> None:
    assert digits("900101-1234568") == "9001011234568"


_OLD_TABLE = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


@given(st.text())
def test_lower_ascii_lowers_exactly_the_ascii_letters(text: str) -> None:
    assert lower_ascii(text) == text.translate(_OLD_TABLE)


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_fold_fast_path_equals_the_full_translation(text: str) -> None:
    from mokmin.guard.recognizers.normalize import _folding

    assert fold(text) == text.translate(_folding()[0])


@given(
    st.lists(
        st.sampled_from(["가", "a", " ", "\t", "—", "–", "０", "９", "٣", "😀", "𝟑", "\u3000"]), max_size=120
    )
)
def test_fold_with_few_or_many_foldable_characters_equals_the_full_translation(chars: list[str]) -> None:
    from mokmin.guard.recognizers.normalize import _folding

    text = "".join(chars)
    assert fold(text) == text.translate(_folding()[0])


@given(st.text(alphabet=st.characters(codec=None, categories=("Nd",)), min_size=1))
def test_every_unicode_digit_folds_to_its_ascii_digit(text: str) -> None:
    folded = fold(text)
    assert folded.isascii() and folded.isdigit()
    assert [int(c) for c in folded] == [unicodedata.decimal(c) for c in text]


def test_lone_surrogates_survive_lowering() -> None:
    assert lower_ascii("\ud800A") == "\ud800a"
