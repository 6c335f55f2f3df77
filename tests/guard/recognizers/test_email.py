import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        ("hong@korea.kr으로 보내 주세요", "hong@korea.kr"),
        ("메일 kim.minsu+test@seoul.go.kr로", "kim.minsu+test@seoul.go.kr"),
        ("(user_1@naver.com)", "user_1@naver.com"),
        ("ＨＯＮＧ＠ＫＯＲＥＡ．ＫＲ", "ＨＯＮＧ＠ＫＯＲＥＡ．ＫＲ"),
    ],
)
def test_valid(text: str, value: str) -> None:
    assert found(text, "EMAIL") == [value]


@pytest.mark.parametrize("text", ["@홍길동 님 확인", "트위터 @mokmin_bot", "a@b", "user@localhost"])
def test_hard_negatives(text: str) -> None:
    assert found(text, "EMAIL") == []
