from types import ModuleType

import mokmin.knowledge as knowledge


def test_public_api_is_listed_and_importable():
    assert sorted(knowledge.__all__) == knowledge.__all__
    public = {name for name in vars(knowledge) if not name.startswith("_")}
    assert set(knowledge.__all__) <= public
    unlisted = {
        name
        for name in public - set(knowledge.__all__)
        if not isinstance(getattr(knowledge, name), ModuleType)
    }
    assert unlisted == set()
