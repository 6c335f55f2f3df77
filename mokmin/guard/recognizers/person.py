"""성명 (PERSON): Korean names next to a title, honorific or role word, and English names after titles (§14).

Regular expressions find a surname-led candidate beside a cue; a lookup in the Korean analyser's dictionary
(:mod:`lexicon`) then rejects ordinary words that merely start with a surname syllable (안전 팀장, 연락처) and
fixes the name's end when a particle follows (신청인 김영희가 → 김영희). Masked names (김○○, 홍OO, 김모 씨) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mokmin.guard.recognizers import lexicon
from mokmin.guard.recognizers.base import Context, Pattern, Recognizer, Scan
from mokmin.guard.recognizers.gazetteer import CITIES, COUNTIES, DISTRICTS, SIDO, alternation
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType, Span

SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변"
    "염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간"
    "상시갈단견당화"
)
COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방")
STRONG_TITLES = words(
    """
    주무관 실무관 사무관 서기관 주사보 주사 팀장 계장 과장 국장 실장 부시장 구청장 군수 교수 기자 상담사
    선생님 변호사 부장 차장 대리 주임 박사 간호사 복지사 센터장 본부장 사무장 위원장 의원 과장님 팀장님
    주무관님 사원 연구원 행정관 서기 조사관 감사관 담당관
    """
)
HONORIFICS = ("씨", "님", "귀하", "여사", "선생", "께서", "드림", "올림", "배상")
# Cues that only ever follow a person's name: what precedes them is a name even if it is also a word (방미 씨).
NAME_ONLY_CUES = frozenset(("씨", "귀하", "여사"))
# Letter closings sign a name when they end a line that starts with it (문우 드림); "전달 드림" is a phrase.
CLOSINGS = frozenset(("드림", "올림", "배상"))
WEAK_TITLES = words(
    """
    시장 의장 위원 대표 원장 소장 회장 관장 단장 이장 통장 반장 군 양
    """
)
ROLES = (
    *words(
        """
        민원인 신청인 대상자 담당자 담당 작성자 성명 이름 대표자 예금주 보호자 참석자 참석 수신자
        발신자 보고자 요청자 제출자 신고인 신고자 피해자 당사자 세대주 배우자 수취인 접수자 처리자
        기안자 상담자 환자 의뢰인 청구인 고소인 증인 임차인 임대인 소유자 운전자 세입자 입주자 성함
        민원_신청인 담당_공무원 아동 자녀 학생 원아 수급자 조합원 후보자 합격자 응시자 수강생
        """
    ),
    *STRONG_TITLES,
)
STOPWORDS = frozenset(
    words(
        """
        이번 이상 이하 이후 이전 정부 조사 신청 한국 전국 최근 박물관 김치 문화 장기 유지 안전 도시
        시민 고객 부모 선생 사장 어머 아버 주무관 실무관 사무관 팀장 과장 계장 국장 실장 시장 의장
        위원 대표 원장 소장 회장 관장 단장 담당 담당자 민원 민원인 신청인 대상 대상자 작성 작성자
        성명 이름 보호자 참석 참석자 수신 발신 정보 지원 주민 공무원 직원 여러분 모두 각각 해당 본인
        귀하 기관 위원회 부서 주사 서기 상담 기자 교수 원고 피고 전원 전체 일부 관계자 관계 우리
        저희 제가 고객님 선생님 사모님 사장님 회원 회원님 조합원 연구원 심사위원 위원장 차장 부장
        대리 주임 신규 기존 전임 후임 당시 현재 오늘 내일 어제 금일 명일 지난 다음 상기 하기 별도
        소관 공동 각 기타 동의 연락 고지 안내 확인 검토 처리 결과 요청 제출 접수 보고 승인 결재 회의
        공고 시행 계획 예산 사업 정책 행정 업무 민원실 방문 전화 문의 답변 회신 통보 조치 검사 평가
        관리 운영 담당관 조사관 감사관 행정관 사무장 센터장 본부장 구청장 군수 의원 이사 감사
        대표이사 이사장 총장 학장 교장 교감 반장 통장 이장 동장 양식 군민 구민 도민 시의원
        """
    )
)
_ROLE_SET = frozenset(ROLES)
_PARTICLES = "은는이가을를의와과도께에"
_PLACES = frozenset(SIDO + CITIES + COUNTIES + DISTRICTS)
_ORG_SUFFIX = words(
    """
    팀 과 실 국 부 처 청 단 소 계 회 센터 원 관 구 시 군 동
    """
)

_HANGUL = re.compile("[가-힣]")
# Lazy given names: the shortest name that a cue follows ("이정란님께서" → 이정란 + 님, not 이정란님 + 께서).
_NAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)})[가-힣]{{1,2}}?|[{SURNAMES}][가-힣]{{1,3}}?"
_CUE_AFTER = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME}) ?(?P<cue>{alternation(STRONG_TITLES + HONORIFICS + WEAK_TITLES)})"
)
_ROLE_BEFORE = re.compile(
    rf"(?P<role>(?:{alternation(ROLES)})(?: (?:{alternation(ROLES)}))?) ?(?:[:：] ?|은 |는 |인 |\) ?)?"
    rf"(?P<names>[가-힣]{{2,5}}(?: ?[,、·/] ?[가-힣]{{2,5}}){{0,20}})(?![가-힣])"
)
_SELF_INTRO = re.compile(
    rf"(?:(?:저는|제 이름은|본인은|이름은)(?:[^.\n]{{0,30}} )?|(?<![가-힣]))(?P<name>{_NAME})"
    rf"(?:(?:입니다|이에요|예요|인데요)(?=[.,!\s]|$)|(?:이)?라고 (?:합니다|해요|하는))"
)
_EN_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Officer|Director|Manager|Mayor|Councillor|Councilor)"
_ENGLISH = re.compile(
    rf"(?<![A-Za-z]){_EN_TITLES}"
    r"\.? (?P<name>[A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){0,2})"
)
_EN_SURNAMES = alternation(
    words(
        """
        Kim Lee Park Choi Jung Jeong Kang Cho Jo Yoon Yun Jang Lim Im Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Ryu
        Hong Jeon Ko Go Moon Yang Son Bae Baek Heo Nam Shim Noh Ha Kwak Sung Cha Joo Woo Koo Min Jin Na Ji Um Chae
        """
    )
)
_EN_KOREAN = re.compile(
    rf"(?<![A-Za-z])(?:(?:{_EN_SURNAMES}) [A-Z][a-z]+-[a-z]+|[A-Z][a-z]+-[a-z]+ (?:{_EN_SURNAMES}))(?![A-Za-z])"
)
_EN_ROLE = re.compile(
    r"(?:Name|Applicant|Contact person|Complainant|Account holder|Dear|Sincerely|Regards)[:,]? "
    rf"(?P<name>(?:{_EN_SURNAMES}) [A-Z][a-z]+(?:-[a-z]+)?|[A-Z][a-z]+(?:-[a-z]+)? (?:{_EN_SURNAMES}))(?![A-Za-z])"
)
_EN_INTRO = re.compile(
    r"(?:[Mm]y name is|I am|I'm|Sincerely|Regards|Best regards|Yours faithfully|Yours sincerely),?\s{1,3}"
    r"(?P<name>[A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){1,2})(?![A-Za-z])"
)
# Cheap proofs of absence (see Pattern.gate): every match of the pattern contains what its gate finds.
_EN_NAME_GATE = re.compile(r"[A-Z][a-z]")
_EN_TITLE_GATE = re.compile(_EN_TITLES + r"\.? [A-Z][a-z]")
_EN_KOREAN_GATE = re.compile(r"[A-Z][a-z]+-[a-z]")
_SELF_INTRO_GATE = re.compile("입니다|이에요|예요|인데요|라고 ")
_LIST_ITEM = re.compile("[가-힣]{2,5}")
_EN_NOT_NAMES = frozenset({"Sir", "Madam", "Seoul", "Korea", "President", "Minister", "General"})


def _is_word(name: str) -> bool:
    """An ordinary word (안전, 연락처), two of them (도시계획) or a word with an organisational suffix (민원팀)."""
    words = lexicon.common_words()
    if name in words:
        return True
    head, tail = name[:2], name[2:]
    return bool(tail) and head in words and (tail in words or tail in _ORG_SUFFIX)


def _name_end(text: str, start: int, end: int) -> int:
    """Where a name found after a role word ends: before a particle (김영희가 → 김영희).

    A three-syllable candidate keeps its last syllable unless the sentence goes on after a space (대상자
    공유의 주민번호, but 보호자: 안채은 (연락처 …): names ending in 은, 도, 이 … are common.
    """
    name = text[start:end]
    particle = len(name) >= 3 and name[-1] in _PARTICLES and name[:2] not in COMPOUND_SURNAMES
    sentence_goes_on = text[end : end + 1] == " " and "가" <= text[end + 1 : end + 2] <= "힣"
    return end - 1 if particle and (len(name) >= 4 or sentence_goes_on) else end


def _ambiguous(name: str, cue: str) -> bool:
    """Whether the dictionary must be asked: a plain three-syllable name before a strong title needs no check."""
    if len(name) != 3 or name[:2] in COMPOUND_SURNAMES or name[-1] in _PARTICLES:
        return True
    if name[-1] in _ORG_SUFFIX or name[1:] in STOPWORDS or name[:2] in STOPWORDS:
        return True
    return cue in WEAK_TITLES


def _may_hold_name(candidate: str) -> bool:
    """Whether any prefix of ``candidate`` (the only names :func:`_name_end` can return for it) passes :func:`plausible`."""
    return any(plausible(candidate[:size]) for size in range(len(candidate), 1, -1))


def plausible(name: str) -> bool:
    """Shape checks shared by every Korean candidate: 2–4 (5 with a compound surname) syllables, no stopword."""
    compound = name[:2] in COMPOUND_SURNAMES
    if not 2 <= len(name) <= (5 if compound else 4) or name in STOPWORDS or name in _ROLE_SET:
        return False
    if name[1:] in ("모", "씨"):
        return False
    if name in _PLACES or (name[:-1] in _PLACES and name[-1] in "시군구동도읍면리"):
        return False
    return compound or name[0] in SURNAMES


class PersonRecognizer(Recognizer):
    name = "person"
    type = PiiType.PERSON
    context = ()
    patterns = (
        Pattern("cue_after", _CUE_AFTER, 0.85),
        Pattern("role_before", _ROLE_BEFORE, 0.8),
        Pattern("english_title", _ENGLISH, 0.85, gate=_EN_TITLE_GATE),
        Pattern("english_korean", _EN_KOREAN, 0.75, gate=_EN_KOREAN_GATE),
        Pattern("english_role", _EN_ROLE, 0.8, gate=_EN_NAME_GATE),
        Pattern("english_intro", _EN_INTRO, 0.75, gate=_EN_NAME_GATE),
        Pattern("self_intro", _SELF_INTRO, 0.75, gate=_SELF_INTRO_GATE),
    )

    def find(self, scan: Scan) -> Iterator[Span]:
        text = scan.text
        cue_after, role_before, *english, self_intro = self.patterns
        for pattern in english:
            if scan.passes(pattern):
                yield from self._english(scan, pattern)
        if _HANGUL.search(text) is None:
            return
        # A name already found with a strong cue ("담당 김영희 주무관") needs no second opinion
        # when a role word also precedes it: that span would lose to the cue's anyway.
        settled: dict[int, int] = {}
        for match in scan.matches(cue_after.regex) if scan.passes(cue_after) else ():
            for span in self._cue_after(text, match, cue_after):
                if span.score >= role_before.score:
                    settled[span.start] = max(span.end, settled.get(span.start, 0))
                yield span
        # Lists may run into the next role word ("박지성, 신청인 김영희가"): resume after each role.
        pos = 0
        while scan.passes(role_before) and (role := scan.search(role_before.regex, pos)) is not None:
            yield from self._role_before(text, role, role_before, settled)
            pos = role.end("role")
        if scan.passes(self_intro):
            for match in scan.matches(self_intro.regex):
                yield from self._self_intro(text, match, self_intro)

    def _cue_after(self, text: str, match: re.Match[str], pattern: Pattern) -> Iterator[Span]:
        start, end = match.span("name")
        name = match.group("name")
        cue = match.group("cue")
        compound = name[:2] in COMPOUND_SURNAMES
        if len(name) == (5 if compound else 4) and name[-1] in _PARTICLES:
            name, end = name[:-1], end - 1
        if cue in ("군", "양") and _followed_by_hangul(text, match.end("cue")):
            return
        if not plausible(name):
            return
        signed = cue in CLOSINGS and _starts_line(text, start)
        if cue not in NAME_ONLY_CUES and not signed and _ambiguous(name, cue) and _is_word(name):
            return
        score = pattern.score if cue in STRONG_TITLES or cue in HONORIFICS else 0.7
        yield Span(self.type, start, end, score, self.name)

    def _self_intro(self, text: str, match: re.Match[str], pattern: Pattern) -> Iterator[Span]:
        start, end = match.span("name")
        name = match.group("name")
        if plausible(name) and not _is_word(name):
            yield Span(self.type, start, end, pattern.score, self.name)

    def _role_before(
        self, text: str, match: re.Match[str], pattern: Pattern, settled: dict[int, int]
    ) -> Iterator[Span]:
        base = match.start("names")
        for part in _LIST_ITEM.finditer(match.group("names")):
            start = base + part.start()
            candidate = part.group(0)
            if settled.get(start, 0) >= start + len(candidate) or not _may_hold_name(candidate):
                continue  # the check could only confirm a span that cannot win, or find none at all
            name_end = _name_end(text, start, start + len(candidate))
            name = text[start:name_end]
            if not plausible(name) or _is_word(name):
                continue
            yield Span(self.type, start, name_end, pattern.score, self.name)

    def _english(self, scan: Scan, pattern: Pattern) -> Iterator[Span]:
        for match in scan.matches(pattern.regex):
            group = "name" if "name" in pattern.regex.groupindex else 0
            start, end = match.span(group)
            first = match.group(group).split(" ")[0]
            if first in _EN_NOT_NAMES:
                continue
            yield Span(self.type, start, end, pattern.score, self.name)

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        return pattern.score


def _starts_line(text: str, pos: int) -> bool:
    """Only spaces, dashes or bullets between the start of the line and ``pos``."""
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip(" -–·•*")


def _followed_by_hangul(text: str, pos: int) -> bool:
    return pos < len(text) and "가" <= text[pos] <= "힣" and text[pos] not in _PARTICLES
