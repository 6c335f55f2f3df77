"""Random but well-formed identifier values for the synthetic evaluation set.

Written independently of ``mokmin.guard`` (no imports from it) so the benchmark does not share bugs with
the detector it measures. Every generator takes a :class:`random.Random` so the set is reproducible.
"""

from __future__ import annotations

import datetime as dt
import random

SURNAMES = list(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현"
)
COMPOUND = ["남궁", "황보", "제갈", "선우", "독고"]
GIVEN = list("민서준지현우은영수호진혜윤도하성재경아연주희원태승유나예채동훈정석미선상규형빈솔")
EN_FIRST = [
    "James",
    "Mary",
    "Robert",
    "Linda",
    "Michael",
    "Sarah",
    "David",
    "Emma",
    "Daniel",
    "Olivia",
    "Thomas",
]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Anderson", "Martin", "Clark", "Lewis", "Walker"]
ROMAN = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"]
ROMAN_GIVEN = ["Min-su", "Ji-hye", "Seo-yeon", "Jun-ho", "Hye-jin", "Dong-hun", "Ye-jin", "Sung-min"]


def person(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(COMPOUND) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    length = rng.choices((1, 2), weights=(1, 9))[0]
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(length))


def english_person(rng: random.Random) -> str:
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def romanised_person(rng: random.Random) -> str:
    return f"{rng.choice(ROMAN)} {rng.choice(ROMAN_GIVEN)}"


def _date(rng: random.Random, start: int, end: int) -> dt.date:
    first = dt.date(start, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(first, dt.date(end, 12, 31).toordinal()))


def _rrn_check(d12: str, plus: int = 0) -> str:
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return str(((11 + plus) - sum(int(a) * b for a, b in zip(d12, w, strict=True)) % 11) % 10)


def rrn(rng: random.Random) -> str:
    born = _date(rng, 1940, 2023)
    century_digit = (1 if born.year < 2000 else 3) + rng.randint(0, 1)
    head = born.strftime("%y%m%d") + str(century_digit)
    if born >= dt.date(2020, 10, 5):
        tail = "".join(str(rng.randint(0, 9)) for _ in range(6))
    else:
        body = head + "".join(str(rng.randint(0, 9)) for _ in range(5))
        tail = body[7:] + _rrn_check(body)
    sep = rng.choices(["-", "", " "], weights=(8, 1, 1))[0]
    return head[:6] + sep + head[6] + tail


def masked_rrn(rng: random.Random) -> str:
    born = _date(rng, 1950, 2005)
    gender = (1 if born.year < 2000 else 3) + rng.randint(0, 1)
    return born.strftime("%y%m%d") + "-" + rng.choice([f"{gender}******", "*******", f"{gender}xxxxxx"])


def frn(rng: random.Random) -> str:
    born = _date(rng, 1960, 1999)
    body = born.strftime("%y%m%d") + str(rng.choice((5, 6)))
    body += f"{rng.randrange(10, 99, 2):02d}" + f"{rng.randint(0, 99):02d}" + str(rng.randint(6, 9))
    return body[:6] + "-" + body[6:] + _rrn_check(body, plus=2)


def brn(rng: random.Random) -> str:
    d = f"{rng.randint(101, 899)}{rng.choice(['01', '05', '13', '81', '82', '86', '90'])}{rng.randint(1, 9999):04d}"
    w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    s = sum(int(a) * b for a, b in zip(d, w, strict=True)) + int(d[8]) * 5 // 10
    d += str((10 - s % 10) % 10)
    return f"{d[:3]}-{d[3:5]}-{d[5:]}" if rng.random() < 0.85 else d


def crn(rng: random.Random) -> str:
    d = rng.choice(["1101", "1301", "1201", "1601", "2011"]) + rng.choice(["11", "12", "14", "21", "22"])
    d += f"{rng.randint(1, 999999):06d}"
    s = sum(int(ch) * (1 if i % 2 == 0 else 2) for i, ch in enumerate(d))
    return d[:6] + "-" + d[6:] + str((10 - s % 10) % 10)


def passport(rng: random.Random) -> str:
    letter = rng.choice("MMMMSRDG")
    if rng.random() < 0.5:
        return f"{letter}{rng.randint(0, 99999999):08d}"
    return (
        f"{letter}{rng.randint(0, 999):03d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(0, 9999):04d}"
    )


def driver_license(rng: random.Random) -> str:
    code = rng.choice([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28])
    parts = (
        f"{code}",
        f"{rng.randint(0, 99):02d}",
        f"{rng.randint(0, 999999):06d}",
        f"{rng.randint(0, 99):02d}",
    )
    style = rng.random()
    if style < 0.7:
        return "-".join(parts)
    if style < 0.85:
        return "".join(parts)
    region = rng.choice(["서울", "부산", "경기", "대구", "인천", "광주"])
    return f"{region} {parts[1]}-{parts[2]}-{parts[3]}"


def health_insurance(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + f"{rng.randint(0, 9999999999):010d}"


def phone(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        mid, last = f"{rng.randint(2000, 9999)}", f"{rng.randint(0, 9999):04d}"
        form = rng.random()
        if form < 0.65:
            return f"010-{mid}-{last}"
        if form < 0.8:
            return f"010{mid}{last}"
        if form < 0.88:
            return f"010 {mid} {last}"
        if form < 0.94:
            return f"010.{mid}.{last}"
        return f"+82 10-{mid}-{last}"
    if kind < 0.85:
        area = rng.choice(["02", "031", "032", "033", "041", "042", "051", "052", "053", "061", "062", "064"])
        mid = str(rng.randint(200, 999)) if rng.random() < 0.4 else str(rng.randint(2000, 9999))
        last = f"{rng.randint(0, 9999):04d}"
        return f"({area}) {mid}-{last}" if rng.random() < 0.1 else f"{area}-{mid}-{last}"
    if kind < 0.93:
        return f"070-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"
    return f"{rng.choice(['1588', '1577', '1544', '1600', '1899'])}-{rng.randint(0, 9999):04d}"


BANKS = [
    ("신한은행", (3, 3, 6)), ("KB국민은행", (6, 2, 6)), ("우리은행", (4, 3, 6)), ("하나은행", (3, 6, 5)),
    ("IBK기업은행", (3, 6, 2, 3)), ("NH농협", (3, 4, 4, 2)), ("카카오뱅크", (4, 2, 7)), ("토스뱅크", (4, 4, 4)),
    ("우체국", (6, 2, 6)), ("부산은행", (3, 4, 4, 2)), ("SC제일은행", (3, 2, 6)),
]  # fmt: skip


def bank_account(rng: random.Random) -> tuple[str, str]:
    bank, groups = rng.choice(BANKS)
    parts = ["".join(str(rng.randint(0, 9)) for _ in range(n)) for n in groups]
    if bank == "카카오뱅크":
        parts[0] = "3333"
    if bank == "토스뱅크":
        parts[0] = "1000"
    number = "-".join(parts) if rng.random() < 0.85 else "".join(parts)
    return bank, number


def _luhn_complete(front: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(front)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return front + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "53", "35", "62", "94", "95", "9"])
    number = _luhn_complete(prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix))))
    sep = rng.choices(["-", " ", ""], weights=(7, 2, 1))[0]
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허"


def vehicle_plate(rng: random.Random) -> str:
    code = str(rng.randint(10, 69)) if rng.random() < 0.6 else str(rng.randint(100, 699))
    sep = rng.choice(["", " "])
    plate = f"{code}{rng.choice(PLATE_LETTERS)}{sep}{rng.randint(1000, 9999)}"
    return f"{rng.choice(['서울', '경기', '부산'])} {plate}" if rng.random() < 0.07 else plate


def email(rng: random.Random) -> str:
    user = rng.choice(
        ["hong", "kim.minsu", "jhlee", "park_77", "citizen2024", "yoon.s", "admin.office", "sj.choi"]
    )
    domain = rng.choice(
        ["korea.kr", "naver.com", "gmail.com", "daum.net", "seoul.go.kr", "hanmail.net", "kakao.com"]
    )
    return f"{user}{rng.randint(1, 999) if rng.random() < 0.5 else ''}@{domain}"


def ip(rng: random.Random) -> str:
    if rng.random() < 0.85:
        first = rng.choice([10, 172, 192, 211, 121, 59, 1])
        return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"2001:db8:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


SIDO = ["서울특별시", "서울", "부산광역시", "경기도", "인천광역시", "대구광역시", "충청남도", "전북특별자치도", "경상남도",
        "강원특별자치도", "광주광역시", "대전광역시"]  # fmt: skip
SGG = {
    "서울특별시": ["관악구", "강남구", "송파구", "마포구", "종로구", "노원구"], "서울": ["중구", "서초구", "은평구"],
    "부산광역시": ["해운대구", "사하구", "동래구"], "경기도": ["수원시 팔달구", "성남시 분당구", "고양시 일산동구", "화성시", "김포시"],
    "인천광역시": ["남동구", "부평구"], "대구광역시": ["수성구", "달서구"], "충청남도": ["천안시 동남구", "아산시", "홍성군"],
    "전북특별자치도": ["전주시 완산구", "군산시", "완주군"], "경상남도": ["창원시 의창구", "김해시", "거창군"],
    "강원특별자치도": ["춘천시", "원주시", "홍천군"], "광주광역시": ["북구", "광산구"], "대전광역시": ["유성구", "서구"],
}  # fmt: skip
ROAD_STEMS = ["신림", "테헤란", "중앙", "세종대", "효원", "해운대", "달구벌대", "문화", "시청", "솔밭", "양지", "은행",
              "매봉", "퇴계", "동일", "반송", "가좌", "봉은사", "도산대", "한빛", "새터", "장터"]  # fmt: skip
DONGS = [
    "신림동",
    "삼성동",
    "역삼동",
    "우동",
    "봉천동",
    "상계동",
    "온양리",
    "중동",
    "월평동",
    "정자동",
    "효자동",
]
APTS = ["한빛아파트", "푸른마을아파트", "행복빌라", "래미안아파트", "○○아파트", "센트럴오피스텔"]


def address(rng: random.Random) -> str:
    sido = rng.choice(SIDO)
    sgg = rng.choice(SGG[sido])
    prefix = f"{sido} {sgg}" if rng.random() < 0.75 else sgg
    if rng.random() < 0.7:
        stem = rng.choice(ROAD_STEMS)
        road = stem + "로"
        if rng.random() < 0.35:
            road += f"{rng.randint(1, 99)}{rng.choice(['번길', '길'])}"
        base = f"{prefix} {road} {rng.randint(1, 400)}" + (
            f"-{rng.randint(1, 30)}" if rng.random() < 0.2 else ""
        )
    else:
        base = f"{prefix} {rng.choice(DONGS)} {rng.randint(1, 1500)}" + (
            f"-{rng.randint(1, 40)}" if rng.random() < 0.6 else ""
        )
    detail = rng.random()
    if detail < 0.3:
        base += f", {rng.randint(101, 120)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
    elif detail < 0.45:
        base += f", {rng.choice(APTS)} {rng.randint(101, 112)}동 {rng.randint(101, 1502)}호"
    elif detail < 0.55:
        base += f" {rng.randint(2, 9)}층"
    return base


def english_address(rng: random.Random) -> str:
    stem = rng.choice(["Toegye", "Sejong-dae", "Teheran", "Jungang", "Munhwa", "Hyowon"])
    city = rng.choice(
        ["Chuncheon-si, Gangwon-do", "Gangnam-gu, Seoul", "Suwon-si, Gyeonggi-do", "Jung-gu, Busan"]
    )
    return f"{rng.randint(1, 300)}, {stem}-ro {rng.randint(1, 99)}beon-gil, {city}"
