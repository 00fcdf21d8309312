"""Any OpenAI-compatible server (llama.cpp server, vLLM, Ollama, OpenAI) via llama-index's OpenAILike."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from ..prompts import ANSWER_SCHEMA, answer_messages
from ..types import Draft, Passage
from .base import BackendError, completed_sentences, parse_draft

log = logging.getLogger(__name__)


class OpenAIBackend:
    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str = "not-needed", timeout_s: float = 60.0, max_tokens: int = 320, temperature: float = 0.0):
        if not base_url:
            raise BackendError("openai: no base URL set (TRADECHAT_OPENAI__BASE_URL)")
        from llama_index.llms.openai_like import OpenAILike

        self.model = model
        self.llm = OpenAILike(
            model=model, api_base=base_url, api_key=api_key, is_chat_model=True, timeout=timeout_s, max_retries=0,
            max_tokens=max_tokens, temperature=temperature,
            additional_kwargs={"response_format": {"type": "json_object", "schema": ANSWER_SCHEMA}},
        )

    @classmethod
    def from_settings(cls, settings) -> OpenAIBackend:
        o = settings.openai
        return cls(o.base_url, o.model, o.api_key, o.timeout_s, settings.llm.max_tokens, settings.llm.temperature)

    @staticmethod
    def _messages(msgs: list[dict]):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role=m["role"], content=m["content"]) for m in msgs]

    def stream(self, question: str, passages: list[Passage], avoid: frozenset[str] = frozenset()) -> Iterator[str | Draft]:
        raw, shown = "", 0
        log.debug("asking %s (%s) with %d passages", self.llm.api_base, self.llm.model, len(passages))
        try:
            for part in self.llm.stream_chat(self._messages(answer_messages(question, passages))):
                raw += part.delta or ""
                done = completed_sentences(raw)
                for s in done[shown:]:
                    yield s + " "
                shown = len(done)
        except Exception as e:  # connection refused, timeout, HTTP error: all mean "fall back"
            raise BackendError(f"openai: {type(e).__name__}: {e}") from e
        yield parse_draft(raw, self.name, self.model)

    def complete(self, prompt: str, max_tokens: int = 64) -> str | None:
        from llama_index.core.llms import ChatMessage

        try:
            out = self.llm.chat([ChatMessage(role="user", content=prompt)], response_format={"type": "text"}, max_tokens=max_tokens)
        except Exception as e:
            raise BackendError(f"openai: {type(e).__name__}: {e}") from e
        return (out.message.content or "").strip()

    def structured(self, messages: list[dict], schema: dict, max_tokens: int = 256) -> str:
        try:
            out = self.llm.chat(self._messages(messages), response_format={"type": "json_object", "schema": schema}, max_tokens=max_tokens)
        except Exception as e:
            raise BackendError(f"openai: {type(e).__name__}: {e}") from e
        return out.message.content or ""
