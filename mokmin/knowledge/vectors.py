"""Chunk embeddings: which model makes them, how they are stored, and nearest chunks a reader may read.

Vectors are produced through the gateway (guard, routing by data level, usage record), so a classified
chunk is only ever embedded by a provider allowed to receive classified data; when none is, the document
stays lexical-only rather than failing. They are stored as float32 bytes per (chunk, model).

Similarity is computed in Python (numpy) over the vectors of the chunks the reader may read: the rights
filter stays in SQL, as for lexical search. The sqlite-vec extension cannot be loaded on this platform's
Python build (``sqlite3`` without ``enable_load_extension``) and pgvector is not packaged for the PostgreSQL
here, so this brute-force scan is the portable path; it suits the embedded scale (tens of thousands of
chunks). The bytes are already in the layout both extensions read, for a later switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.levels import DataLevel as GatewayLevel
from mokmin.core.models import User
from mokmin.core.settings import Settings
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway
from mokmin.knowledge.models import ChunkVector, DataLevel, KnowledgeChunk, KnowledgeDocument
from mokmin.knowledge.search import Reader, readable_by

RRF_K = 60


def caller_for(user: User | None, department_id: int | None, institution_id: int | None) -> Caller:
    """The gateway identity of an uploader or reader (the system itself when nobody is named)."""
    if user is None:
        return Caller(None, "system", "staff", department_id, institution_id)
    return Caller(user.id, user.username, user.role.value, user.department_id, user.institution_id)


def embedding_model(gateway: Gateway, caller: Caller, preferred: str | None = None) -> str | None:
    """The model that embeds for ``caller``: ``preferred`` if offered, else the first embedding-capable one."""
    offered = [
        (provider, model)
        for provider, model in gateway.models(caller)
        if provider.config.capabilities.embeddings
    ]
    if preferred is not None:
        return preferred if any(model.name == preferred for _, model in offered) else None
    return offered[0][1].name if offered else None


def pack(vector: Sequence[float]) -> bytes:
    import numpy as np  # imported on use: numpy costs ~0.1 s of start-up that lexical-only sites never need

    return np.asarray(vector, dtype="<f4").tobytes()


def unpack(data: bytes) -> NDArray[np.float32]:
    import numpy as np

    return np.frombuffer(data, dtype="<f4")


def store_vectors(session: Session, model: str, vectors_by_chunk: dict[int, Sequence[float]]) -> int:
    """Replace the vectors of these chunks with ``model``'s; returns how many were stored."""
    if not vectors_by_chunk:
        return 0
    session.execute(delete(ChunkVector).where(ChunkVector.chunk_id.in_(list(vectors_by_chunk))))
    session.execute(
        insert(ChunkVector),
        [
            {"chunk_id": chunk, "model": model[:200], "dimensions": len(vector), "vector": pack(vector)}
            for chunk, vector in vectors_by_chunk.items()
        ],
    )
    return len(vectors_by_chunk)


def has_vectors(session: Session, model: str) -> bool:
    return bool(session.scalar(select(exists().where(ChunkVector.model == model))))


def nearest(
    session: Session, reader: Reader, model: str, query: Sequence[float], limit: int
) -> list[tuple[int, float]]:
    """``(chunk_id, cosine similarity)`` of the ``limit`` nearest chunks the reader may read, best first."""
    rows = session.execute(
        select(ChunkVector.chunk_id, ChunkVector.vector)
        .join(KnowledgeChunk, KnowledgeChunk.id == ChunkVector.chunk_id)
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(ChunkVector.model == model, ChunkVector.dimensions == len(query), readable_by(reader))
    ).all()
    if not rows or limit <= 0:
        return []
    import numpy as np

    matrix = np.vstack([unpack(row[1]) for row in rows])
    target = np.asarray(query, dtype="<f4")
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(target) or 1.0)
    scores = (matrix @ target) / np.where(norms == 0, 1.0, norms)
    best = np.argsort(-scores, kind="stable")[:limit]
    return [(int(rows[i][0]), float(scores[i])) for i in best]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked id lists: each id scores the sum of ``1 / (k + rank)``; ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


@dataclass
class GatewayEmbedder:
    """Embeds chunk texts for a background job, outside any event loop (a job runs in a worker thread).

    Each call builds its own :class:`Gateway` and closes it, because provider clients belong to the event
    loop they were made on and every ``asyncio.run`` makes a new one.
    """

    settings: Settings
    sessions: sessionmaker[Session]
    preferred_model: str | None = None
    batch: int = 64

    def embed(
        self, caller: Caller, texts: Sequence[str], level: DataLevel
    ) -> tuple[str, list[list[float]]] | None:
        """``(model, vectors)``, or ``None`` when no provider may embed text of this level for ``caller``."""
        return asyncio.run(self._embed(caller, list(texts), GatewayLevel(level.value)))

    async def _embed(
        self, caller: Caller, texts: list[str], level: GatewayLevel
    ) -> tuple[str, list[list[float]]] | None:
        from mokmin.core.errors import MokminError

        gateway = Gateway(self.settings, self.sessions)
        try:
            model = embedding_model(gateway, caller, self.preferred_model)
            if model is None or not texts:
                return None
            vectors: list[list[float]] = []
            for start in range(0, len(texts), self.batch):
                part = texts[start : start + self.batch]
                try:
                    found, _ = await gateway.embed(caller, model, part, level=level, purpose="kb:embed")
                except MokminError:
                    return None  # refused for this level (or no capable provider): lexical search only
                vectors.extend(found)
            return model, vectors
        finally:
            await gateway.aclose()
