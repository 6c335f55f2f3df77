"""Microsoft Presidio configured as fairly as possible for Korean text, fully offline.

- NLP engine: Presidio's ``NoOpNlpEngine``. No spaCy model can be downloaded here and spaCy has no offline
  Korean pipeline, so Presidio runs without NER and without in-text context words (its context enhancer
  needs lemmas). Its PERSON/LOCATION detection therefore contributes nothing.
- Recognizers: its Korean ones (RRN, FRN, BRN, passport, driver's licence), plus e-mail, IP, credit card and
  phone with ``supported_regions=["KR"]``, all registered for language ``ko``.
- E-mail validation uses a ``tldextract.TLDExtract(suffix_list_urls=())`` so no public-suffix list is fetched.
"""

from __future__ import annotations

from typing import Any

ENTITY_MAP = {
    "KR_RRN": "RRN",
    "KR_FRN": "FRN",
    "KR_BRN": "BRN",
    "KR_PASSPORT": "PASSPORT",
    "KR_DRIVER_LICENSE": "DRIVER_LICENSE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IP_ADDRESS": "IP",
    "CREDIT_CARD": "CARD",
}
SUPPORTED = set(ENTITY_MAP.values())


def build_analyzer() -> Any:
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )
    from presidio_analyzer.predefined_recognizers.country_specific.korea import (
        kr_brn_recognizer,
        kr_driver_license_recognizer,
        kr_frn_recognizer,
        kr_passport_recognizer,
        kr_rrn_recognizer,
    )

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return bool(offline(pattern_text).fqdn)

    registry = RecognizerRegistry(supported_languages=["ko"])
    for recognizer in (
        kr_rrn_recognizer.KrRrnRecognizer(),
        kr_frn_recognizer.KrFrnRecognizer(),
        kr_brn_recognizer.KrBrnRecognizer(),
        kr_passport_recognizer.KrPassportRecognizer(),
        kr_driver_license_recognizer.KrDriverLicenseRecognizer(),
        OfflineEmailRecognizer(supported_language="ko"),
        IpRecognizer(supported_language="ko"),
        CreditCardRecognizer(supported_language="ko"),
        PhoneRecognizer(supported_language="ko", supported_regions=["KR"]),
    ):
        registry.add_recognizer(recognizer)
    engine = NoOpNlpEngine(models=[{"lang_code": "ko", "model_name": "no_op"}])
    engine.load()
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["ko"])


def predict(analyzer: Any, text: str) -> list[tuple[int, int, str]]:
    results = analyzer.analyze(text=text, language="ko")
    spans = [(r.start, r.end, ENTITY_MAP[r.entity_type]) for r in results if r.entity_type in ENTITY_MAP]
    return sorted(set(spans))
