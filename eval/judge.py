"""Judges of citation support, independent of the flags an answer carries about itself.

ALCE-style: a sentence is *recalled* when the passages it cites, together,
support it; a citation is *precise* when it supports the sentence on its own,
or when the sentence stops being supported without it.

``VerifierJudge`` reuses the project's verifier measures (key numbers and names
found in the cited text, semantic similarity of the best span).
``LLMJudge`` asks an OpenAI-compatible model instead, when one is configured as
a stronger judge; the report records which judge was used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.types import Answer, Passage
from assistant.verify import numbers


class Judge(Protocol):
    name: str

    def supports(self, sentence: str, passages: Sequence[Passage]) -> bool: ...


class VerifierJudge:
    name = "verifier"

    def __init__(self, verifier):
        self.verifier = verifier

    def supports(self, sentence: str, passages: Sequence[Passage]) -> bool:
        return self.verifier.supports(sentence, list(passages))


class LLMJudge:
    """Yes/no support judgement by an OpenAI-compatible chat model (temperature 0)."""

    name = "llm"
    PROMPT = ("Passages:\n{passages}\n\nClaim: {sentence}\n\n"
              "Is the claim fully supported by the passages above? Answer with one word: yes or no.")

    def __init__(self, llm, model_name: str = ""):
        self.llm = llm
        self.name = f"llm:{model_name}" if model_name else "llm"

    @classmethod
    def from_settings(cls, settings) -> LLMJudge:
        from llama_index.llms.openai_like import OpenAILike

        o = settings.openai
        if not o.base_url:
            raise ValueError("the llm judge needs openai.base_url (TRADECHAT_OPENAI__BASE_URL)")
        llm = OpenAILike(model=o.model, api_base=o.base_url, api_key=o.api_key or "none", is_chat_model=True,
                         temperature=0.0, max_tokens=3, timeout=o.timeout_s, max_retries=0)
        return cls(llm, o.model)

    def supports(self, sentence: str, passages: Sequence[Passage]) -> bool:
        if not passages:
            return False
        text = "\n\n".join(p.text for p in passages)
        reply = str(self.llm.complete(self.PROMPT.format(passages=text, sentence=sentence))).strip().lower()
        return reply.startswith("yes")


def _passage(c) -> Passage:
    a, b = c.span
    return Passage(f"{c.doc_id}:cited", c.doc_id, c.text, a, b, 0, c.title, c.source, c.published, c.url)


def citation_scores(answer: Answer, judge: Judge) -> tuple[float | None, float | None]:
    """(recall, precision) of an answer's citations; None when nothing is asserted."""
    if answer.refused or not answer.sentences:
        return None, None
    by_n = {c.n: _passage(c) for c in answer.citations}
    recalled, n_cites, precise = 0, 0, 0
    for s in answer.sentences:
        cited = [by_n[n] for n in s.citations if n in by_n]
        n_cites += len(s.citations)
        if s.composed:  # a note tradechat wrote from other sentences: its figures must come from the cited texts
            ok = bool(cited) and numbers(s.text) <= numbers(" ".join(p.text + " " + (p.published or "") for p in cited))
            recalled += ok
            precise += len(cited) if ok else 0
            continue
        whole = judge.supports(s.text, cited)
        recalled += whole
        for i, p in enumerate(cited):
            alone = judge.supports(s.text, [p])
            needed = whole and len(cited) > 1 and not judge.supports(s.text, cited[:i] + cited[i + 1:])
            precise += alone or needed
    return recalled / len(answer.sentences), (precise / n_cites if n_cites else 0.0)
