"""Ten sample tasks per document type, written for the benchmark (fictional city 한빛시, Korean mode)."""

from __future__ import annotations

from typing import Any

EVENTS = [
    ("시립도서관 개관", "한빛시립도서관", "2026-12-03T14:00", 120000, "권"),
    ("청년 창업센터 개소", "한빛청년창업센터", "2027-01-14T10:30", 24, "개 기업"),
    ("가람천 산책로 준공", "가람천 산책로", "2027-03-20T11:00", 4200, "m"),
    ("어린이 과학축제", "한빛과학관", "2027-05-05T09:30", 15000, "명"),
    ("노인 일자리 박람회", "한빛시민회관", "2027-04-08T13:00", 62, "개 기관"),
    ("전기버스 노선 개통", "한빛역 광장", "2027-02-01T06:00", 18, "대"),
    ("공공 와이파이 확대", "한빛시 전역", "2027-06-15T09:00", 350, "곳"),
    ("여름 물놀이장 개장", "나래공원", "2027-07-17T10:00", 3, "곳"),
    ("스마트 쓰레기통 설치", "한빛시 중심가", "2027-09-01T08:00", 120, "대"),
    ("평생학습 박람회", "한빛컨벤션센터", "2027-10-22T10:00", 85, "개 강좌"),
]
PEOPLE = [
    ("오민석", "한지유", "044-000-2510", "044-000-2514"),
    ("강태오", "서은비", "044-000-2610", "044-000-2615"),
    ("문가영", "정우진", "044-000-3110", "044-000-3121"),
    ("배수아", "임도현", "044-000-4010", "044-000-4017"),
    ("홍지민", "송하람", "044-000-4210", "044-000-4218"),
    ("남궁민", "류시원", "044-000-5010", "044-000-5013"),
    ("조은호", "백서연", "044-000-5210", "044-000-5219"),
    ("신다은", "권태양", "044-000-6010", "044-000-6011"),
    ("황보람", "안소율", "044-000-6210", "044-000-6216"),
    ("차윤서", "고민재", "044-000-7010", "044-000-7012"),
]
DEPARTMENTS = [
    "도서관정책과",
    "일자리경제과",
    "하천관리과",
    "과학교육과",
    "노인복지과",
    "대중교통과",
    "디지털정책과",
    "공원녹지과",
    "자원순환과",
    "평생학습과",
]


def _date(stamp: str) -> str:
    return stamp.split("T")[0]


def press_release(i: int) -> dict[str, Any]:
    event, place, start, value, unit = EVENTS[i]
    boss, staff, boss_phone, staff_phone = PEOPLE[i]
    day = _date(start)
    return {
        "organisation": "한빛시",
        "head_title": "시장",
        "head_name": "윤서진",
        "title": f"한빛시, {event} 소식",
        "distributed_at": f"{day}T08:00",
        "embargo": None if i % 3 == 0 else f"{day}T12:00",
        "edition": "석간" if i % 3 == 2 else None,
        "photos": i % 4,
        "department": DEPARTMENTS[i],
        "responsible": {"title": "과장", "name": boss, "phone": boss_phone},
        "staff": [{"title": "주무관", "name": staff, "phone": staff_phone}],
        "event": event,
        "event_start": start,
        "place": place,
        "figures": [{"label": "규모", "value": value, "unit": unit}],
        "quotes": [
            {
                "speaker_title": "한빛시장",
                "speaker_name": "윤서진",
                "text": "시민의 일상이 나아지도록 하겠습니다",
            }
        ],
        "attachments": [{"name": f"{event} 개요"}] * (i % 3),
    }


def report(i: int) -> dict[str, Any]:
    event, place, start, value, unit = EVENTS[i]
    _, staff, _, staff_phone = PEOPLE[i]
    kind = ["계획", "결과", "상황", "검토"][i % 4]
    day = _date(start)
    return {
        "organisation": "한빛시",
        "kind": kind,
        "subject": event,
        "report_date": "2026-11-25",
        "department": DEPARTMENTS[i],
        "reporter": {"title": "주무관", "name": staff, "phone": staff_phone},
        "purpose": f"{event} 추진",
        "start": day,
        "end": day,
        "place": place,
        "target": "시민",
        "content": [f"{event} 준비"],
        "as_of": f"{day}T09:00" if kind == "상황" else None,
        "budget": [
            {"label": "운영비", "amount": 1000000 * (i + 1)},
            {"label": "홍보비", "amount": 250000 * (i + 1)},
        ],
        "schedule": [
            {"start": "2026-12-01", "end": "2026-12-05", "task": "계획 수립"},
            {"start": day, "task": "시행"},
        ],
        "figures": [{"label": "규모", "value": value, "unit": unit}],
        "issues": ["예산 확보 필요"],
    }


def speech(i: int) -> dict[str, Any]:
    event, place, start, value, unit = EVENTS[i]
    return {
        "organisation": "한빛시",
        "kind": ["축사", "개회사", "환영사", "기념사", "격려사"][i % 5],
        "event_name": f"{event} 행사",
        "event_start": start,
        "place": place,
        "speaker_title": "한빛시장",
        "speaker_name": "윤서진",
        "guests": [{"title": "의장", "name": "한도윤"}, {"title": "교육장", "name": "오세라"}][: 1 + i % 2],
        "thanks_to": [DEPARTMENTS[i]] if i % 2 else [],
        "messages": [f"{event} 규모는 {value:,}{unit}입니다"],
    }


def letter(i: int) -> dict[str, Any]:
    event, place, _start, _value, _unit = EVENTS[i]
    _, staff, _, staff_phone = PEOPLE[i]
    kind = ["민원회신", "시행문", "내부결재"][i % 3]
    internal = kind == "내부결재"
    return {
        "organisation": "한빛시",
        "kind": kind,
        "recipients": [] if internal else (["김하늘 님"] if i % 2 else ["가람동장", "나래동장"]),
        "title": f"{event} 관련 알림",
        "complaint_summary": f"{event} 문의" if kind == "민원회신" else None,
        "related": [{"number": f"{DEPARTMENTS[i]}-{4800 + i}", "date": "2026-11-20"}],
        "points": [f"{event} 추진"],
        "details": [{"label": "장소", "value": place}, {"label": "소요 금액", "amount": 113560 * (i + 1)}],
        "request": None if i % 2 else "기한 안에 회신",
        "attachments": [{"name": f"{event} 계획서"}] * (i % 3),
        "sender": None if internal else "한빛시장",
        "department": DEPARTMENTS[i],
        "drafter": {"title": "주무관", "name": staff, "phone": staff_phone},
        "approvals": [{"title": f"{DEPARTMENTS[i]}장", "delegated": True}],
        "doc_number": f"{DEPARTMENTS[i]}-{4900 + i}",
        "enforce_date": "2026-11-25",
        "postcode": "00000",
        "address": "한빛시 한빛로 1",
        "phone": staff_phone,
        "disclosure": "공개" if i % 4 else "부분공개",
        "disclosure_ground": None if i % 4 else 6,
    }


def minutes(i: int) -> dict[str, Any]:
    event, _place, start, _value, _unit = EVENTS[i]
    boss, staff, _, _ = PEOPLE[i]
    day = _date(start)
    return {
        "organisation": "한빛시",
        "meeting_name": f"{event} 추진 회의",
        "department": DEPARTMENTS[i],
        "start": f"{day}T10:00",
        "end": f"{day}T11:30",
        "place": "한빛시청 3층 소회의실",
        "chair": {"title": "과장", "name": boss},
        "attendees": [{"title": "주무관", "name": staff}, {"title": "주무관", "name": "한지유"}],
        "agenda": [f"{event} 일정", "홍보 방안"][: 1 + i % 2],
        "statements": [{"speaker_title": "주무관", "speaker_name": staff, "summary": "일정 조정 필요"}],
        "decisions": ["일정 확정"],
        "votes": [{"item": "일정 확정", "yes": 2, "no": 0, "abstain": 0, "result": "가결"}] if i % 2 else [],
        "actions": [{"task": "홍보물 제작", "owner": DEPARTMENTS[i], "due": day}],
    }


TASKS = {
    "press_release": press_release,
    "report": report,
    "speech": speech,
    "letter": letter,
    "minutes": minutes,
}


def tasks(kind: str) -> list[dict[str, Any]]:
    """The ten tasks of one document type."""
    return [TASKS[kind](i) for i in range(10)]
