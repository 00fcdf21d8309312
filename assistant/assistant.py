"""The one entry point: ``Assistant.from_settings(...).ask(question, history, filters)``.

question -> (condense follow-up) -> retrieve -> fit passages to the context
budget -> backend draft (streamed) -> verify -> Answer. A generative backend
that fails or returns invalid output falls back to extractive, with a note.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ingest.embed import CachedEmbedder, make_embedder
from ingest.settings import Settings
from ingest.store import Store

from .backends import BackendError, make_backend
from .chat import condense
from .conflicts import flag_conflicts
from .retrieve import Retriever
from .types import Answer, Filters, Passage
from .verify import Verifier


class QuestionError(ValueError):
    """The question itself cannot be asked (empty, too long)."""


class Assistant:
    def __init__(self, settings: Settings, store: Store, embedder, retriever: Retriever, verifier: Verifier):
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = retriever
        self.verifier = verifier
        self._backends: dict[str, object] = {}
        self._warm = False
        self._positions = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, store: Store | None = None, embedder=None) -> Assistant:
        settings = settings or Settings.load()
        store = store or Store.from_settings(settings)
        embedder = CachedEmbedder(embedder or make_embedder(settings))
        return cls(settings, store, embedder, Retriever.from_settings(settings, store, embedder), Verifier.from_settings(settings, embedder))

    def backend(self, mode: str | None = None):
        mode = mode or self.settings.llm.backend
        if mode not in self._backends:
            self._backends[mode] = make_backend(mode, self.settings, self.embedder, self._known_word)
        return self._backends[mode]

    @property
    def positions(self):
        """Views over the stored positions, once `tradechat positions build` has run (else None)."""
        if self._positions is None and self.settings.positions_path.exists():
            from .positions.store import PositionStore
            from .positions.views import PositionViews
            from .positions.vocab import Vocabulary

            self._positions = (PositionViews(PositionStore(self.settings.positions_path), self.store.docs.duplicate_groups),
                               Vocabulary.load(self.settings.positions.vocabulary))
        return self._positions

    def _timeline(self, question: str, filters: Filters | None):
        """(draft, passages, total) when the question is about a party's position on an issue with stored statements."""
        if self.positions is None:
            return None
        from .positions.answer import timeline_draft, timeline_question

        views, vocab = self.positions
        cell = timeline_question(question, vocab)
        return timeline_draft(*cell, views, self.store.docs, filters) if cell else None

    def _known_word(self, word: str) -> bool:
        return self.store.lexical().knows(word)

    def check_question(self, question: str) -> str:
        if question is None or not str(question).strip():
            raise QuestionError("the question is empty")
        q = " ".join(str(question).split())
        limit = self.settings.answer.max_question_chars
        if len(q) > limit:
            raise QuestionError(f"the question is {len(q):,} characters long; the limit is {limit:,} (setting answer.max_question_chars)")
        return q

    def fit_context(self, passages: list[Passage]) -> list[Passage]:
        """Passages in rank order while they fit the tiktoken budget (at least one)."""
        budget, used, out = self.settings.llm.context_tokens, 0, []
        for p in passages:
            if out and used + p.n_tiktoken > budget:
                break
            out.append(p)
            used += p.n_tiktoken
        return out

    def ask(self, question: str, history: list | None = None, filters: Filters | None = None,
            mode: str | None = None, k: int | None = None) -> Answer:
        answer = None
        for event in self.ask_stream(question, history, filters, mode, k):
            if isinstance(event, Answer):
                answer = event
        return answer

    def ask_stream(self, question: str, history: list | None = None, filters: Filters | None = None,
                   mode: str | None = None, k: int | None = None) -> Iterator[list | str | Answer]:
        """Yields the retrieved passages (a list) first, then text as it is drafted, then the verified Answer."""
        q = self.check_question(question)
        if not self._warm:  # model load is start-up, not answer latency
            self.embedder.embed(["warm up"])
            self._warm = True
        t0 = time.perf_counter()
        requested = mode or self.settings.llm.backend
        notes: list[str] = []
        try:
            backend = self.backend(requested)
        except BackendError as e:
            notes.append(f"{e}; answered extractively instead")
            backend = self.backend("extractive")
        standalone = condense(q, history or [], backend if backend.name != "extractive" else None)
        timeline = self._timeline(standalone, filters)
        if timeline is not None:
            draft, passages, total = timeline
            yield passages
            timings = {"retrieve_ms": (time.perf_counter() - t0) * 1000, "generate_ms": 0.0}
            answer = self.verifier.check(draft, passages, q, "timeline", timings, standalone)
            party_issue = draft.sentences and f"{len(answer.sentences)} of {total} stored statements"
            answer.notes = notes + [f"answered from the position timeline ({party_issue}, in date order)"] + answer.notes
            answer.standalone_question = standalone
            timings["total_ms"] = (time.perf_counter() - t0) * 1000
            if answer.sentences:
                yield answer
                return
            notes = notes + ["the position timeline gave no verified sentence; searched the articles instead"]
        result = self.retriever.retrieve(standalone, filters, k)
        passages = result.passages
        if backend.name != "extractive":
            passages = self.fit_context(passages)
        yield passages
        timings = {"retrieve_ms": result.ms}
        if not passages:
            notes.append(result.note or "nothing retrieved")
            timings["generate_ms"] = 0.0
            timings["total_ms"] = (time.perf_counter() - t0) * 1000
            yield Answer(q, [], [], True, backend.name, [], timings, notes, standalone_question=standalone)
            return
        t1 = time.perf_counter()
        draft, first_token = None, None
        try:
            for event in backend.stream(standalone, passages):
                if isinstance(event, str):
                    first_token = first_token or time.perf_counter()
                    yield event
                else:
                    draft = event
        except BackendError as e:
            notes.append(f"{e}; answered extractively instead")
            backend = self.backend("extractive")
            draft = None
        if draft is None:
            for event in backend.stream(standalone, passages):
                if not isinstance(event, str):
                    draft = event
        timings["generate_ms"] = (time.perf_counter() - t1) * 1000
        if first_token:
            timings["first_sentence_ms"] = (first_token - t1) * 1000
        answer = flag_conflicts(self.verifier.check(draft, passages, q, backend.name, timings, standalone))
        answer.notes = notes + answer.notes
        answer.standalone_question = standalone
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        yield answer
