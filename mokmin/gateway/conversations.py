"""Chat conversations kept for their owner, encrypted at rest, deleted after the retention period.

Message text is sealed with a key derived from ``MOKMIN_SECRET_KEY``: a conversation may hold a citizen's
personal data, which must never sit in the database in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mokmin.core.crypto import SecretBox
from mokmin.core.db import utcnow
from mokmin.core.errors import NotFound
from mokmin.gateway.models import Conversation, ConversationMessage

VAULT_PURPOSE = "chat-conversations"
TITLE_CHARS = 40


@dataclass(frozen=True)
class ShownMessage:
    role: str
    content: str
    provider: str | None
    input_tokens: int
    output_tokens: int
    cost: Decimal


class Conversations:
    def __init__(self, db: Session, secret_key: str, retention_days: int) -> None:
        self.db = db
        self.box = SecretBox(secret_key, VAULT_PURPOSE)
        self.retention = timedelta(days=retention_days)

    def purge_expired(self) -> int:
        cutoff = utcnow() - self.retention
        stmt = delete(Conversation).where(Conversation.updated_at < cutoff)
        result = self.db.execute(stmt.execution_options(synchronize_session="fetch"))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def list_for(self, user_id: int) -> list[tuple[Conversation, str]]:
        """The owner's conversations, newest first, with their decrypted titles."""
        self.purge_expired()
        stmt = (
            select(Conversation)
            .where(Conversation.user_id == user_id)
            .order_by(Conversation.updated_at.desc())
        )
        return [(c, self.box.open(c.title) if c.title else "") for c in self.db.scalars(stmt.limit(100))]

    def get(self, user_id: int, conversation_id: int) -> Conversation:
        conversation = self.db.get(Conversation, conversation_id)
        if conversation is None or conversation.user_id != user_id:
            raise NotFound("chat.not_found")
        return conversation

    def start(self, user_id: int, model: str, level: str, first_message: str) -> Conversation:
        title = " ".join(first_message.split())[:TITLE_CHARS]
        conversation = Conversation(
            user_id=user_id, model=model, data_level=level, title=self.box.seal(title)
        )
        self.db.add(conversation)
        self.db.flush()
        return conversation

    def add(
        self,
        conversation: Conversation,
        role: str,
        content: str,
        *,
        provider: str | None = None,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cost: Decimal = Decimal(0),
    ) -> None:
        self.db.add(
            ConversationMessage(
                conversation_id=conversation.id,
                role=role,
                content=self.box.seal(content),
                provider=provider,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost=cost,
            )
        )
        conversation.updated_at = utcnow()
        self.db.flush()

    def messages(self, conversation: Conversation) -> list[ShownMessage]:
        rows = self.db.scalars(
            select(ConversationMessage)
            .where(ConversationMessage.conversation_id == conversation.id)
            .order_by(ConversationMessage.id)
        )
        return [
            ShownMessage(
                m.role, self.box.open(m.content), m.provider, m.input_tokens, m.output_tokens, m.cost
            )
            for m in rows
        ]

    def delete(self, user_id: int, conversation_id: int) -> None:
        self.db.delete(self.get(user_id, conversation_id))
        self.db.flush()
