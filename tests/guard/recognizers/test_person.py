import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, names",
    [
        ("민원인 홍길동 씨가 방문", ["홍길동"]),
        ("장민은 주무관과 상담", ["장민은"]),
        ("양정희님께 보고", ["양정희"]),
        ("김철수 팀장, 이영희 과장 참석", ["김철수", "이영희"]),
        ("남궁민수 님 전화", ["남궁민수"]),
        ("신청인 김영희가 제출", ["김영희"]),
        ("담당 주무관 박지성", ["박지성"]),
        ("참석자: 김철수, 이영희, 박민수", ["김철수", "이영희", "박민수"]),
        ("성명: 최수진", ["최수진"]),
        ("Dear Mr. Smith, thanks", ["Smith"]),
        ("Dr. Jane Doe called", ["Jane Doe"]),
        ("Applicant: Kim Min-su", ["Kim Min-su"]),
        ("민원인 이정란님께서 제기하신 건", ["이정란"]),
        ("총무과장 김태형, 재무과장 이수진 발령", ["김태형", "이수진"]),
        ("저는 관악구에 사는 윤소희예요.", ["윤소희"]),
        ("구청장님께. 독고희성라고 합니다.", ["독고희성"]),
        ("민원 회신드립니다. 최경채 드림", ["최경채"]),
        ("My name is Olivia Martin.", ["Olivia Martin"]),
        ("강정도 주무관: 시스템 버전 5.8 배포", ["강정도"]),
    ],
)
def test_names_with_cues(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


def test_later_mentions_are_masked_too() -> None:
    text = "민원인 홍길동 씨의 요청. 홍길동 드림"
    assert found(text, "PERSON") == ["홍길동", "홍길동"]


@pytest.mark.parametrize(
    "text",
    [
        "고객님께 안내",
        "안전 팀장 회의",
        "민원팀 팀장",
        "전통 시장 방문",
        "김○○ 주무관",
        "홍OO 씨",
        "김모 씨",
        "이번 정부 조사 신청",
        "서울특별시 관악구 신림동",
        "Dear Sir or Madam",
        "김포시 이천시 강남구",
        "민원여권과 주무관 회의",
        "보호자 연락처 확인",
        "저는 이 동네 주민입니다. 오늘은 좋은 날입니다.",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text",
    [
        "담당자 확인 후 처리",
        "신청인 본인이 직접 제출",
        "담당자 부재중 연락 바람",
        "참석자 수 확인",
        "대상자 선정 기준",
        "민원인 요구사항 정리",
        "운전자 과실 여부",
    ],
)
def test_ordinary_words_after_role_words_are_not_names(text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_particle_after_a_listed_name_is_not_part_of_it() -> None:
    assert found("대상자 홍길동이 제출", "PERSON") == ["홍길동"]
    assert found("참석자: 장민은, 김철수", "PERSON") == ["장민은", "김철수"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("내용: 방미 씨는 집 앞에", ["방미"]),  # also a word, but only names take 씨
        ("민원 회신드립니다.\n서민원 드림", ["서민원"]),  # a letter signed at the start of a line
        ("보호자: 안채은 (연락처 010-1234-5678)", ["안채은"]),  # 은 is part of the name here
    ],
)
def test_name_only_cues_override_the_word_list(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


def test_a_closing_inside_a_sentence_is_not_a_signature() -> None:
    assert found("자료를 검토하여 전달 드림", "PERSON") == []
