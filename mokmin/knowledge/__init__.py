"""Knowledge base: the city's own documents, parsed, tokenised in Korean, indexed and searched with rights.

Other domains import only what ``__all__`` lists. Parsing (``parse_document``) never touches the database;
``ingest_bytes`` parses and stores; ``search`` ranks passages the given ``Reader`` may read
(``hybrid_search`` fuses it with vector neighbours); ``create_job`` + ``IngestRunner`` ingest in the background;
``sources_for`` picks the passages an answer may cite (see :mod:`mokmin.knowledge.ask`).
"""

from mokmin.knowledge.ask import AskResult, Source, sources_for
from mokmin.knowledge.chunk import Chunk, chunk_document
from mokmin.knowledge.errors import (
    ArchiveBomb,
    BrokenDocument,
    DocumentRejected,
    DocumentTooComplex,
    EncryptedDocument,
    FileTooLarge,
    ParseTimeout,
    UnsafeArchivePath,
    UnsafeXml,
    UnsupportedFormat,
)
from mokmin.knowledge.index import (
    IndexOutcome,
    IndexResult,
    Ownership,
    delete_document,
    index_document,
    ingest_bytes,
)
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument
from mokmin.knowledge.ingest.registry import detect_format, parse_document
from mokmin.knowledge.jobs import IngestRunner, create_job
from mokmin.knowledge.models import (
    Audience,
    DataLevel,
    DocumentVersion,
    IngestJob,
    JobStatus,
    KnowledgeChunk,
    KnowledgeDocument,
)
from mokmin.knowledge.retrieval import QueryVector, hybrid_search
from mokmin.knowledge.safety import Limits
from mokmin.knowledge.search import Reader, SearchHit, readable_by, readable_chunks, search
from mokmin.knowledge.tokenize import Analyzer, KoreanAnalyzer, WhitespaceAnalyzer

__all__ = [
    "Analyzer",
    "ArchiveBomb",
    "AskResult",
    "Audience",
    "Block",
    "BlockKind",
    "BrokenDocument",
    "Chunk",
    "DataLevel",
    "DocumentFormat",
    "DocumentRejected",
    "DocumentTooComplex",
    "DocumentVersion",
    "EncryptedDocument",
    "FileTooLarge",
    "IndexOutcome",
    "IndexResult",
    "IngestJob",
    "IngestRunner",
    "JobStatus",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "KoreanAnalyzer",
    "Limits",
    "Ownership",
    "ParseTimeout",
    "ParsedDocument",
    "QueryVector",
    "Reader",
    "SearchHit",
    "Source",
    "UnsafeArchivePath",
    "UnsafeXml",
    "UnsupportedFormat",
    "WhitespaceAnalyzer",
    "chunk_document",
    "create_job",
    "delete_document",
    "detect_format",
    "hybrid_search",
    "index_document",
    "ingest_bytes",
    "parse_document",
    "readable_by",
    "readable_chunks",
    "search",
    "sources_for",
]
