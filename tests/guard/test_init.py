import mokmin.guard as guard


def test_public_api_is_listed_and_importable() -> None:
    for name in guard.__all__:
        assert hasattr(guard, name), name
    assert {"detect", "Pseudonymizer", "mask", "redact", "Span", "DetectionFailed"} <= set(guard.__all__)
