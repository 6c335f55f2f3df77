import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        ("접속 IP 192.168.0.15 확인", "192.168.0.15"),
        ("IP 10.1.2.3/24 대역", "10.1.2.3/24"),
        ("주소 2001:db8::1 에서", "2001:db8::1"),
        ("fe80::1ff:fe23:4567:890a 로그", "fe80::1ff:fe23:4567:890a"),
        ("서버 8.8.8.8:53 응답", "8.8.8.8"),
    ],
)
def test_valid(text: str, value: str) -> None:
    assert found(text, "IP") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "버전 2.4.1.7 배포",
        "빌드 10.0.19045.3803",
        "v3.2.1.4 릴리스",
        "1.2.3.4항 참조",
        "256.1.1.1",
        "12:30:45",
        "std::vector",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "IP") == []
