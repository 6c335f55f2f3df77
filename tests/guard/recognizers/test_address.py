import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        (
            "주소: 울산시 울주군 온양읍 솔밭1길 12, 101동 1203호(○○아파트)",
            "울산시 울주군 온양읍 솔밭1길 12, 101동 1203호(○○아파트)",
        ),
        ("서울특별시 강남구 삼성동 338-3에 거주", "서울특별시 강남구 삼성동 338-3"),
        ("경기도 수원시 팔달구 효원로 241 3층", "경기도 수원시 팔달구 효원로 241 3층"),
        ("관악구 신림로 123에서", "관악구 신림로 123"),
        ("(06236) 서울특별시 강남구 테헤란로 152", "(06236) 서울특별시 강남구 테헤란로 152"),
        ("부산 해운대구 우동 1408-3번지", "부산 해운대구 우동 1408-3번지"),
        ("자택 주소는 퇴계로77번길 42입니다", "퇴계로77번길 42"),
        ("서울 중구 세종대로 지하 12", "서울 중구 세종대로 지하 12"),
        (
            "경기 고양시 덕양구 화정로 65, 은빛마을 512동 1101호이고요",
            "경기 고양시 덕양구 화정로 65, 은빛마을 512동 1101호",
        ),
        (
            "Address: 42, Toegye-ro 77-beongil, Chuncheon-si, Gangwon-do",
            "42, Toegye-ro 77-beongil, Chuncheon-si, Gangwon-do",
        ),
    ],
)
def test_valid(text: str, value: str) -> None:
    assert found(text, "ADDRESS") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "중앙로 일대 교통 통제",
        "○○동 일원 정비",
        "시청 앞 광장",
        "관악구 주민 여러분",
        "연구 결과로 3개 과제를 선정",
        "사무실로 12명이 이동",
        "그대로 3건 처리",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "ADDRESS") == []
