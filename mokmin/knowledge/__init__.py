"""Knowledge base: the city's own documents, parsed, tokenised in Korean, indexed and searched with rights.

Other domains import only what ``__all__`` lists. Parsing (``parse_document``) never touches the database;
``ingest_bytes`` parses and stores; ``search`` ranks passages the given ``Reader`` may read.
"""

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
from mokmin.knowledge.models import Audience, DataLevel, DocumentVersion, KnowledgeChunk, KnowledgeDocument
from mokmin.knowledge.safety import Limits
from mokmin.knowledge.search import Reader, SearchHit, readable_by, readable_chunks, search
from mokmin.knowledge.tokenize import Analyzer, KoreanAnalyzer, WhitespaceAnalyzer

__all__ = [
    "Analyzer",
    "ArchiveBomb",
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
    "KnowledgeChunk",
    "KnowledgeDocument",
    "KoreanAnalyzer",
    "Limits",
    "Ownership",
    "ParseTimeout",
    "ParsedDocument",
    "Reader",
    "SearchHit",
    "UnsafeArchivePath",
    "UnsafeXml",
    "UnsupportedFormat",
    "WhitespaceAnalyzer",
    "chunk_document",
    "delete_document",
    "detect_format",
    "index_document",
    "ingest_bytes",
    "parse_document",
    "readable_by",
    "readable_chunks",
    "search",
]
