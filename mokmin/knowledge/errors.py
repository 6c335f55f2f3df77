"""Errors of the knowledge base, each one a reason a clerk can act on.

A rejected file fails only its own ingestion job; the message says why in Korean and ``detail`` carries the
English technical reason for the log. Hierarchy::

    MokminError
    └── ValidationFailed (422)
        └── DocumentRejected            a file that will not be indexed
            ├── UnsupportedFormat       not HWPX, HWP, PDF, DOCX, HTML, Markdown or text
            ├── FileTooLarge (413)      over the size limit
            ├── ArchiveBomb             zip entries that expand far beyond their compressed size
            ├── UnsafeArchivePath       a zip entry that points outside the archive (``../``, ``/etc``)
            ├── UnsafeXml               a DTD or entity declaration (billion laughs, external entities)
            ├── DocumentTooComplex      too many PDF objects, pages, records or characters
            ├── EncryptedDocument       password protected or DRM-distributed
            ├── BrokenDocument          damaged or not what its name claims
            └── ParseTimeout            the time budget ran out
"""

from __future__ import annotations

from mokmin.core.errors import ValidationFailed


class DocumentRejected(ValidationFailed):
    """A file the knowledge base refuses; nothing of it is stored."""

    code = "document_rejected"
    default_message = "문서를 처리할 수 없습니다."

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        super().__init__(message or self.default_message, detail=detail)


class UnsupportedFormat(DocumentRejected):
    code = "unsupported_format"
    default_message = (
        "지원하지 않는 파일 형식입니다. HWPX, HWP, PDF, DOCX, HTML, 마크다운, 텍스트 파일을 올려 주세요."
    )


class FileTooLarge(DocumentRejected):
    status = 413
    code = "file_too_large"
    default_message = "파일이 너무 큽니다."


class ArchiveBomb(DocumentRejected):
    code = "archive_bomb"
    default_message = "압축을 풀면 비정상적으로 커지는 파일(압축 폭탄)이라 처리하지 않았습니다."


class UnsafeArchivePath(DocumentRejected):
    code = "unsafe_archive_path"
    default_message = "파일 안에 허용되지 않는 경로(../ 등)가 있어 처리하지 않았습니다."


class UnsafeXml(DocumentRejected):
    code = "unsafe_xml"
    default_message = "문서 안의 XML에 DTD나 엔티티 선언이 있어 보안상 처리하지 않았습니다."


class DocumentTooComplex(DocumentRejected):
    code = "document_too_complex"
    default_message = "문서 구조가 지나치게 복잡하여(개체·쪽 수 초과) 처리하지 않았습니다."


class EncryptedDocument(DocumentRejected):
    code = "encrypted_document"
    default_message = "암호가 걸렸거나 배포용으로 보호된 문서입니다. 암호를 해제한 파일을 올려 주세요."


class BrokenDocument(DocumentRejected):
    code = "broken_document"
    default_message = "파일이 손상되었거나 형식이 올바르지 않습니다."


class ParseTimeout(DocumentRejected):
    code = "parse_timeout"
    default_message = "문서를 읽는 데 허용 시간을 넘겨 중단했습니다."
