"""The embedded provider: a GGUF model run in this process on the CPU, so mokmin answers fully offline.

Generation blocks, so it runs on a worker thread; streamed pieces cross back to the event loop through a
queue, and a reader that goes away stops generation at the next token.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from pathlib import Path

from mokmin.gateway.embedded_engine import (
    DEFAULT_CONTEXT_LENGTH,
    DEFAULT_MODEL_NAME,
    EngineOptions,
    EngineRequestError,
    EngineUnavailable,
    Generation,
    LocalEngine,
    default_model_path,
    get_engine,
)
from mokmin.gateway.errors import ContextTooLong, ProviderUnavailable, UpstreamRejected
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.types import (
    Capabilities,
    ChatChunk,
    ChatRequest,
    ChatResult,
    DataLevel,
    Locality,
    ModelInfo,
    ProviderConfig,
    ProviderKind,
    Usage,
)


def default_embedded_config(name: str = "embedded") -> ProviderConfig:
    """The provider every fresh install has: the bundled SmolLM2-135M-Instruct, local, any data level."""
    return ProviderConfig(
        name=name,
        kind=ProviderKind.EMBEDDED,
        locality=Locality.LOCAL,
        max_data_level=DataLevel.CLASSIFIED,
        models=[ModelInfo(name=DEFAULT_MODEL_NAME, context_length=DEFAULT_CONTEXT_LENGTH)],
        capabilities=Capabilities(streaming=True, embeddings=False),
    )


class EmbeddedProvider(Provider):
    kind = ProviderKind.EMBEDDED

    def __init__(self, config: ProviderConfig, *, backend: str = "xllamacpp") -> None:
        super().__init__(config)
        if backend == "xllamacpp" and importlib.util.find_spec("xllamacpp") is None:
            raise ImportError("내장 모델 엔진 xllamacpp가 없습니다: pip install 'mokmin[embedded]'")
        self.backend = backend

    def engine(self, model: str, *, embedding: bool = False) -> LocalEngine:
        """The shared engine for ``model``; the GGUF file loads on the engine's first request."""
        info = self.model_info(model)
        try:
            path = Path(info.upstream) if info.upstream else default_model_path()
        except EngineUnavailable as exc:
            raise ProviderUnavailable(self.name, str(exc), retryable=False) from exc
        options = EngineOptions(model_path=path, context_length=info.context_length, embedding=embedding)
        return get_engine(options, self.backend)

    async def chat(self, request: ChatRequest) -> ChatResult:
        engine = self.engine(request.model)
        with self._translated(request.model):
            generation = await asyncio.to_thread(engine.generate, request)
        return ChatResult(
            text=generation.text,
            input_tokens=generation.prompt_tokens,
            output_tokens=generation.completion_tokens,
            finish_reason=generation.finish_reason,
            model=request.model,
            provider=self.name,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        engine = self.engine(request.model)
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[str | None] = asyncio.Queue()
        reader_gone = threading.Event()

        def on_text(text: str) -> bool:
            if reader_gone.is_set():
                return True
            loop.call_soon_threadsafe(pieces.put_nowait, text)
            return False

        # The future completes through the loop after every piece was queued, so None arrives last.
        future = loop.run_in_executor(None, engine.generate_stream, request, on_text)
        future.add_done_callback(lambda _: pieces.put_nowait(None))
        produced = 0
        try:
            while (piece := await pieces.get()) is not None:
                produced += 1
                yield ChatChunk(text=piece)
            with self._translated(request.model):
                generation = await future
        finally:
            reader_gone.set()
        yield ChatChunk(finish_reason=generation.finish_reason, usage=_usage(generation, produced))

    async def count_tokens(self, request: ChatRequest) -> int:
        engine = self.engine(request.model)
        with self._translated(request.model):
            return await asyncio.to_thread(engine.count_tokens, request)

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        if not self.config.capabilities.embeddings:
            return await super().embed(texts, model)
        engine = self.engine(model, embedding=True)
        with self._translated(model):
            return await asyncio.to_thread(engine.embed, texts)

    @contextmanager
    def _translated(self, model: str) -> Iterator[None]:
        """Turn engine failures into gateway errors that name this provider."""
        try:
            yield
        except EngineRequestError as exc:
            if exc.kind == "context":
                raise ContextTooLong(self.name, model, exc.prompt_tokens, exc.context_length) from exc
            if exc.kind == "invalid":
                raise UpstreamRejected(self.name, str(exc)) from exc
            raise ProviderUnavailable(self.name, f"내장 엔진 오류: {exc}", retryable=False) from exc
        except EngineUnavailable as exc:
            raise ProviderUnavailable(self.name, str(exc), retryable=False) from exc


def _usage(generation: Generation, produced: int) -> Usage:
    if generation.prompt_tokens or generation.completion_tokens or not produced:
        return Usage(input_tokens=generation.prompt_tokens, output_tokens=generation.completion_tokens)
    # llama.cpp streams one piece per token, so the count of pieces is a close stand-in.
    return Usage(input_tokens=0, output_tokens=produced, estimated=True)
