"""A labelled, synthetic evaluation set of Korean (and some English) administrative texts.

The texts are GENERATED: about forty hand-written templates (civil-complaint memos, meeting notes, HR
notices, welfare applications, citizens' e-mails, IT incident notes, English letters, and texts that contain
only hard negatives) filled with random identifier values from :mod:`bench.guard.values`. Labels are the
exact spans of the inserted values (the identifier only, never its label word). The templates were written
from the spec before the detector was scored on them and were not adjusted to the detector; several
phrasings are deliberately outside its cue lists (names without a title, e.g. ``…입니다``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.guard import values as v

Rng = random.Random
Gen = Callable[[Rng], str]

# Slot name -> (label type or None for an unlabelled filler, generator).
_FILLERS: dict[str, Gen] = {
    "DATE": lambda r: f"{r.randint(2019, 2025)}. {r.randint(1, 12)}. {r.randint(1, 28)}.",
    "DOTDATE": lambda r: f"{r.randint(2019, 2025)}.{r.randint(1, 12):02d}.{r.randint(1, 28):02d}.",
    "DOCNO": lambda r: (
        f"{r.choice(['행정지원과', '민원봉사과', '복지정책과', '도시계획과'])}-{r.randint(100, 9999)}"
    ),
    "RECEIPT": lambda r: f"{r.randint(2020, 2025)}-{r.randint(0, 999999):06d}",
    "AMOUNT": lambda r: f"{r.randint(1, 999):,}{r.choice(['', ',000', ',500,000'])}원",
    "BIGAMOUNT": lambda r: f"{r.randint(1, 99)}조 {r.randint(1, 9)}000억원",
    "COUNT": lambda r: f"{r.randint(1, 3000):,}{r.choice(['명', '건', '개소', '가구'])}",
    "ARTICLE": lambda r: f"제{r.randint(1, 80)}조{r.choice(['', '의2', '제1항', '제2항제3호'])}",
    "VERSION": lambda r: f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 99)}.{r.randint(0, 9999)}",
    "NOTICE": lambda r: f"제{r.randint(2019, 2025)}-{r.randint(100, 2999)}호",
    "ORDERNO": lambda r: f"{r.randint(10**11, 10**12 - 1)}",
    "AGE": lambda r: str(r.randint(20, 85)),
    "COORD": lambda r: f"{r.uniform(33, 38):.4f}, {r.uniform(126, 129):.4f}",
    "EXT": lambda r: str(r.randint(1000, 9999)),
    "ORG": lambda r: r.choice(
        ["관악구청", "김포시청", "이천시 보건소", "강남구 주민센터", "국민건강보험공단"]
    ),
}
_LABELLED: dict[str, tuple[str, Gen]] = {
    "PERSON": ("PERSON", v.person),
    "EN_PERSON": ("PERSON", v.english_person),
    "EN_LAST": ("PERSON", lambda r: r.choice(v.EN_LAST)),
    "ROMAN": ("PERSON", v.romanised_person),
    "RRN": ("RRN", v.rrn),
    "MASKED_RRN": ("RRN", v.masked_rrn),
    "FRN": ("FRN", v.frn),
    "BRN": ("BRN", v.brn),
    "CRN": ("CRN", v.crn),
    "PASSPORT": ("PASSPORT", v.passport),
    "DRIVER_LICENSE": ("DRIVER_LICENSE", v.driver_license),
    "HEALTH_INSURANCE": ("HEALTH_INSURANCE", v.health_insurance),
    "PHONE": ("PHONE", v.phone),
    "CARD": ("CARD", v.card),
    "VEHICLE_PLATE": ("VEHICLE_PLATE", v.vehicle_plate),
    "EMAIL": ("EMAIL", v.email),
    "IP": ("IP", v.ip),
    "ADDRESS": ("ADDRESS", v.address),
    "EN_ADDRESS": ("ADDRESS", v.english_address),
}

TEMPLATES: list[tuple[str, str]] = [
    ("complaint", "[민원 접수 메모]\n접수번호: {RECEIPT}\n접수일: {DATE}\n민원인: {PERSON:a} (연락처 {PHONE})\n"
     "주소: {ADDRESS}\n내용: {PERSON:a} 씨는 집 앞에 {VEHICLE_PLATE} 차량이 장기 주차되어 있다며 견인을 요청함. "
     "담당 {PERSON:b} 주무관이 {DATE} 현장 확인 예정."),
    ("complaint", "민원인 {PERSON:a} 님({AGE}세)이 전화({PHONE})로 문의함. 「민원 처리에 관한 법률」 {ARTICLE}에 따라 "
     "{DATE}까지 회신 예정이며, 처리 담당은 {PERSON:b} 팀장임. {PERSON:a} 님 주소지: {ADDRESS}"),
    ("complaint", "{DATE} 오전 {ORG}에 {PERSON:a} 씨가 방문하여 불법 주정차({VEHICLE_PLATE}) 과태료 이의신청. "
     "연락처 {PHONE}, 이메일 {EMAIL}. 과태료 {AMOUNT} 부과 건({DOCNO})."),
    ("complaint", "○○동 일원 도로 파손 민원 {COUNT} 접수. 대표 민원인 {PERSON} ({PHONE}). 현장 좌표 {COORD}. "
     "중앙로 일대 공사 관련 문의는 {ORG} 내선 {EXT}."),
    ("complaint", "어제 오후 {PERSON}이 다시 전화하여 같은 내용을 반복함. 연락처는 {PHONE}이고, 거주지는 {ADDRESS}입니다."),
    ("hr", "인사발령 통지\n문서번호: {DOCNO}({DATE})\n성명: {PERSON:a}\n생년월일: {DOTDATE}\n"
     "주민등록번호: {RRN}\n발령사항: 행정지원과 주무관\n비상연락처: {PHONE}\n위 사람 {PERSON:a}을(를) 발령함."),
    ("hr", "[채용 서류 안내] 합격자 {PERSON} 님께서는 {DATE}까지 주민등록번호({MASKED_RRN}) 기재 서류와 "
     "건강보험증 번호 {HEALTH_INSURANCE}를 제출해 주시기 바랍니다. 문의: {PERSON} 주무관 {PHONE}"),
    ("hr", "교육 이수자 명단({COUNT})\n1. {PERSON} 주무관 - 민원봉사과\n2. {PERSON} 주무관 - 복지정책과\n"
     "3. {PERSON} 팀장 - 도시계획과\n교육비 {AMOUNT}은 {DATE} 일괄 지급."),
    ("hr", "급여 계좌 변경 신청\n성명: {PERSON:a}\n계좌: {BANK_ACCOUNT}\n예금주: {PERSON:a}\n신청일: {DATE}"),
    ("meeting", "회의록\n일시: {DATE} 14:00\n장소: {ORG} 3층 회의실\n참석자: {PERSON}, {PERSON}, {PERSON} 과장\n"
     "안건: 「개인정보 보호법」 {ARTICLE} 개정 대응\n결정: 예산 {BIGAMOUNT} 중 {AMOUNT} 집행, {NOTICE} 공고."),
    ("meeting", "주간 업무 회의 결과 ({DOTDATE})\n- {PERSON} 팀장: 민원 {COUNT} 처리 현황 보고\n"
     "- {PERSON} 주무관: 시스템 버전 {VERSION} 업데이트 완료\n- 다음 회의: {DATE}"),
    ("meeting", "간담회 참석 명단: {PERSON} 대표({ORG}), {PERSON} 위원장, 주민 {COUNT}. "
     "사전 질의는 {EMAIL}로 접수."),
    ("welfare", "긴급복지 지원 신청서\n신청인: {PERSON:a} (주민등록번호 {RRN})\n주소: {ADDRESS}\n"
     "보호자: {PERSON:b} (연락처 {PHONE})\n지원금 입금 계좌: {BANK_ACCOUNT} (예금주 {PERSON:a})"),
    ("welfare", "기초연금 신청 건. 대상자 {PERSON}의 주민번호는 {RRN}, 배우자 {PERSON}. 월 {AMOUNT} 지급 결정({DOCNO})."),
    ("welfare", "어린이집 입소 서류: 아동 {PERSON:a}, 보호자 {PERSON:b}. 건강보험증 번호: {HEALTH_INSURANCE}. "
     "보호자 연락처 {PHONE}, 주소 {ADDRESS}."),
    ("foreigner", "외국인 주민 상담 기록\n성명: {ROMAN}\n외국인등록번호: {FRN}\n여권번호: {PASSPORT}\n"
     "연락처: {PHONE}\n상담 내용: 체류 기간 연장 문의 ({DATE})"),
    ("foreigner", "다문화가족 지원 신청: {PERSON} 씨(외국인등록번호 {FRN}) 및 배우자 {PERSON} 씨. 주소: {ADDRESS}"),
    ("business", "업체 등록 현황\n업체명: ○○상사 (사업자등록번호 {BRN})\n대표자: {PERSON}\n"
     "법인등록번호: {CRN}\n소재지: {ADDRESS}\n대표번호: {PHONE}"),
    ("business", "계약 상대방 (주)한빛건설, 법인등록번호 {CRN}, 사업자등록번호 {BRN}. 계약금액 {AMOUNT}. "
     "담당자 {PERSON} 과장 {EMAIL}"),
    ("business", "납품 검사 결과: 주문번호 {ORDERNO}, 수량 {COUNT}, 검사자 {PERSON} 주무관. 관련 공문 {DOCNO}."),
    ("license", "운전면허 확인 요청: {PERSON} 님의 운전면허번호 {DRIVER_LICENSE}, 차량번호 {VEHICLE_PLATE}. "
     "확인 결과 {DATE} 회신."),
    ("license", "공용차량 운행 일지: 운전자 {PERSON} 주무관, 차량 {VEHICLE_PLATE}, 면허번호 {DRIVER_LICENSE}, 운행 {COUNT}."),
    ("payment", "수수료 환불 요청: {PERSON} 님이 {DATE} 카드({CARD})로 결제한 {AMOUNT}을 취소 요청. "
     "환불 계좌 {BANK_ACCOUNT}."),
    ("payment", "결제 내역 확인: 카드번호 {CARD}, 승인번호 {EXT}{EXT}, 금액 {AMOUNT}. 문의 {PHONE}"),
    ("it", "[장애 보고] {DATE} 10:20 접속 IP {IP}에서 로그인 실패 {COUNT} 발생. 해당 PC 버전 {VERSION}. "
     "담당자 {PERSON} 주무관({EMAIL}), 내선 {EXT}."),
    ("it", "VPN 접속 로그: 사용자 {EMAIL}, IP {IP}, 시각 {DOTDATE} 09:12:45. 서버 빌드 {VERSION}."),
    ("email", "안녕하세요. 저는 {ADDRESS}에 사는 {PERSON}입니다. 아파트 앞 가로등이 {DATE}부터 고장 나 있습니다. "
     "답변은 {EMAIL}이나 {PHONE}으로 부탁드립니다."),
    ("email", "담당자님께,\n{DATE} 신청한 여권 재발급 건({RECEIPT}) 진행 상황이 궁금합니다. 여권번호는 {PASSPORT}입니다.\n"
     "{PERSON:a} 드림\n연락처: {PHONE}"),
    ("email", "{ORG} 담당자님, 제 차량({VEHICLE_PLATE})에 부과된 과태료 {AMOUNT}에 이의가 있습니다. "
     "주소는 {ADDRESS}이고 휴대폰은 {PHONE}입니다. - {PERSON} 올림"),
    ("email", "구청장님께. {PERSON}라고 합니다. 우리 동네 놀이터 보수를 요청드립니다. 연락은 {EMAIL}로 주세요."),
    ("english", "Dear Sir or Madam,\nMy name is {EN_PERSON:a}. I live at {EN_ADDRESS}. My phone number is {PHONE} "
     "and my e-mail is {EMAIL}. Passport no. {PASSPORT}.\nSincerely,\n{EN_PERSON:a}"),
    ("english", "Meeting note ({DOTDATE}): Mr. {EN_LAST} and Ms. {EN_LAST} from the embassy met Director {EN_LAST}. "
     "Budget of {AMOUNT} approved under Article {AGE}."),
    ("english", "Applicant: {ROMAN}\nARC number: {FRN}\nAddress: {ADDRESS}\nContact: {PHONE}, {EMAIL}"),
    ("english", "Incident report: login attempts from IP {IP} (build {VERSION}). Please contact Dr. {EN_PERSON} at {EMAIL}."),
    ("negative", "「개인정보 보호법」 {ARTICLE} 및 같은 법 시행령 {ARTICLE}에 따라 {DOCNO}({DATE}) 공문을 시행합니다. "
     "총 {COUNT}, 예산 {BIGAMOUNT}."),
    ("negative", "{NOTICE} 공고: 중앙로 일대 도로 공사로 {DATE}부터 {COUNT} 통행 제한. 문의는 {ORG} 내선 {EXT}."),
    ("negative", "시스템 버전 {VERSION} 배포 완료. 주문번호 {ORDERNO}, 접수번호 {RECEIPT}, 좌표 {COORD}."),
    ("negative", "고객님께 안내드립니다. 안전 팀장 주재 회의에서 {COUNT}의 민원을 검토했으며 김○○ 주무관이 보고함."),
    ("negative", "김포시와 이천시는 {DATE} 업무협약을 체결하고 {AMOUNT}을 공동 부담하기로 했다. 참석 인원 {COUNT}."),
    ("negative", "민원 처리 기간은 {ARTICLE}에 따라 7일이며, 1.2.3.4항의 절차를 따른다. 긴급 신고는 112, 119."),
]  # fmt: skip

_SLOT = re.compile(r"\{([A-Z_]+)(?::([a-z]))?\}")


@dataclass
class Sample:
    id: str
    category: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def _render(sample_id: str, category: str, template: str, rng: Rng) -> Sample:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    memo: dict[tuple[str, str], str] = {}
    pos = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        slot, key = match.group(1), match.group(2)
        if slot == "BANK_ACCOUNT":
            bank, number = v.bank_account(rng)
            parts.append(bank + " ")
            length += len(bank) + 1
            value, kind = number, "BANK_ACCOUNT"
        elif slot in _FILLERS:
            value, kind = _FILLERS[slot](rng), ""
        else:
            kind, gen = _LABELLED[slot]
            remembered = memo.get((slot, key or "")) if key else None
            if remembered is None:
                remembered = gen(rng)
                if key:
                    memo[(slot, key)] = remembered
            value = remembered
        if kind:
            spans.append((length, length + len(value), kind))
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(template[pos:])
    return Sample(sample_id, category, "".join(parts), spans)


def build(count: int = 400, seed: int = 20240315) -> list[Sample]:
    """``count`` samples; every template is used at least once, the rest at random."""
    rng = random.Random(seed)
    order = list(range(len(TEMPLATES))) + [
        rng.randrange(len(TEMPLATES)) for _ in range(count - len(TEMPLATES))
    ]
    samples = []
    for i, index in enumerate(order[:count]):
        category, template = TEMPLATES[index]
        samples.append(_render(f"s{i:04d}", category, template, rng))
    return samples
