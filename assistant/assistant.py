"""The one entry point: ``Assistant.from_settings(...).ask(question, history, filters)``.

question -> (condense follow-up) -> (position timeline, when one answers it) ->
retrieve -> fit passages to the context budget -> backend draft (streamed) ->
answer steps (verify, flag conflicting figures) -> Answer. A generative backend that
fails or returns invalid output falls back to extractive, with a note.

``ask_stream`` yields typed events: ``Passages`` once; in ``auto`` mode with a model,
``Quick`` with the verified extractive answer at once; ``DraftText`` while the backend
writes; ``Final`` with the verified answer last.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterator

from ingest.embed import CachedEmbedder, make_embedder
from ingest.settings import Settings
from ingest.store import Store

from .backends import BackendError, Backends
from .chat import condense, looks_like_follow_up, said_before, said_sentences
from .conflicts import flag_conflicts
from .question import absent_names, analyse_parts, name_runs, names_any, part_context, parts
from .retrieve import RetrievalResult, Retriever
from .types import Answer, Draft, DraftText, Filters, Final, Passage, Passages, Quick, StreamEvent, strip_as_of
from .verify import Verifier, name_found, plain
from .weekdays import date_weekdays

log = logging.getLogger(__name__)


class QuestionError(ValueError):
    """The question itself cannot be asked (empty, too long)."""


class Assistant:
    def __init__(self, settings: Settings, store: Store, embedder, retriever: Retriever, verifier: Verifier,
                 backends: Backends | None = None):
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = retriever
        self.verifier = verifier
        self.backends = backends or Backends(settings, embedder, self._known_word, self._word_weight)
        # run in order on every verified answer
        self.answer_steps: list[Callable[[Answer], Answer]] = [flag_conflicts, date_weekdays]
        self._warm = False
        self._positions = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, store: Store | None = None, embedder=None,
                      backends: Backends | None = None) -> Assistant:
        settings = settings or Settings.load()
        store = store or Store.from_settings(settings)
        embedder = CachedEmbedder(embedder or make_embedder(settings))
        return cls(settings, store, embedder, Retriever.from_settings(settings, store, embedder),
                   Verifier.from_settings(settings, embedder), backends)

    def ingestor(self):
        """An Ingestor writing to this assistant's store with its embedder (uncached: ingest
        texts are embedded once, and would only push questions' vectors out of the cache)."""
        from ingest.pipeline import Ingestor

        return Ingestor(self.settings, store=self.store, embedder=getattr(self.embedder, "inner", self.embedder))

    def backend(self, mode: str | None = None):
        return self.backends.get(mode or self.settings.llm.backend)

    @property
    def positions(self):
        """Views over the stored positions, once `tradechat positions build` has run (else None)."""
        if self._positions is None and self.settings.positions_path.exists():
            from .positions.store import PositionStore
            from .positions.views import PositionViews
            from .positions.vocab import Vocabulary

            self._positions = (PositionViews(PositionStore(self.settings.positions_path), self.store.docs.duplicate_groups,
                                             self.store.docs.doc_ids, self.settings.positions.min_confidence),
                               Vocabulary.load(self.settings.positions.vocabulary))
        return self._positions

    def positions_changed(self) -> None:
        """The stored positions were rebuilt: open them afresh on the next question."""
        self._positions = None

    def _timeline(self, question: str, filters: Filters | None):
        """(draft, passages, total) when the question is about a party's position on an issue with stored statements."""
        if self.positions is None:
            return None
        from .positions.answer import timeline_draft, timeline_question

        views, vocab = self.positions
        cell = timeline_question(question, vocab)
        return timeline_draft(*cell, views, self.store.docs, filters) if cell else None

    def warm_up(self, mode: str | None = None) -> dict[str, float]:
        """Load what a first answer would otherwise wait for (the embedder, the word index and vectors, the
        answer model) and return the seconds each took. Run in the background by the web chat and the demo."""
        took, t = {}, time.perf_counter()
        self.embedder.embed(["warm up"])
        self._warm = True
        self.retriever.retrieve("trade talks tariffs")
        took["retrieval_s"], t = time.perf_counter() - t, time.perf_counter()
        backend = self._pick_backend(mode or self.settings.llm.backend, [])
        if hasattr(backend, "warm_up"):
            try:
                backend.warm_up()
            except BackendError as e:  # said again, with the fallback, when a question is asked
                log.warning("the %s answer model did not warm up: %s", backend.name, e)
        took[f"{backend.name}_s"] = time.perf_counter() - t
        log.info("warmed up: %s", ", ".join(f"{k} {v:.1f}" for k, v in took.items()))
        return took

    def _known_word(self, word: str) -> bool:
        return self.store.lexical().knows(word)

    def _word_weight(self, word: str) -> float:
        return self.store.lexical().weight(word)

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
        for event in self.ask_stream(question, history, filters, mode, k):
            if isinstance(event, Final):
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")

    def ask_stream(self, question: str, history: list | None = None, filters: Filters | None = None,
                   mode: str | None = None, k: int | None = None) -> Iterator[StreamEvent]:
        """Passages first, then draft text as it is written, then the verified answer."""
        q = self.check_question(question)
        if not self._warm:  # model load is start-up, not answer latency
            self.embedder.embed(["warm up"])
            self._warm = True
        t0 = time.perf_counter()
        notes: list[str] = []
        backend = self._pick_backend(mode or self.settings.llm.backend, notes)
        quick_first = backend.name != "extractive" and (mode or self.settings.llm.backend) == "auto" and self.settings.answer.quick_first
        # (with a quoted answer first, a follow-up is not held up by a model rewrite: it carries its previous question)
        standalone = condense(q, history or [], backend if backend.name != "extractive" and not quick_first else None)
        timeline = self._timeline_answer(q, standalone, filters, notes, t0)
        if timeline is not None:
            yield Passages(timeline.retrieved)
            if timeline.sentences:
                yield Final(timeline)
                return
            notes.append("the position timeline gave no verified sentence; searched the articles instead")
        result = self._retrieve(standalone, filters, k, by_part=standalone == q)
        if standalone != q:
            self._sweep_previous(q, history or [], result)
        passages = result.passages if backend.name == "extractive" else self.fit_context(result.passages)
        yield Passages(passages)
        timings = {"retrieve_ms": result.ms}
        if not passages:
            notes.append(result.note or "nothing retrieved")
            timings.update(generate_ms=0.0, total_ms=(time.perf_counter() - t0) * 1000)
            yield Final(Answer(q, [], [], True, backend.name, [], timings, notes, standalone_question=standalone))
            return
        # (the last answers' sentences are kept out of a follow-up that says it is one; a question that only names
        # nothing of its own is searched with its conversation, and may be answered by what was said)
        said = said_before(history) if standalone != q and looks_like_follow_up(q) else frozenset()
        quick = None
        if quick_first:
            t1 = time.perf_counter()  # the quoted answer first: verified text in about a second, the model's later
            quick_draft = _unsaid(_whole_draft(self.backend("extractive"), standalone, result.passages, said), said)
            quick = self._verified(quick_draft, result.passages, q, "extractive", {"retrieve_ms": result.ms,
                                   "generate_ms": (time.perf_counter() - t1) * 1000}, standalone, list(notes), t0)
            timings["first_verified_ms"] = quick.timings["total_ms"]
            yield Quick(quick)
        t1 = time.perf_counter()
        draft, backend, first = yield from self._draft(backend, standalone, passages, notes, said)
        timings["generate_ms"] = (time.perf_counter() - t1) * 1000
        if first:
            timings["first_sentence_ms"] = (first - t1) * 1000
        answer = self._verified(draft, passages, q, backend.name, timings, standalone, notes, t0)
        timings.setdefault("first_verified_ms", timings["total_ms"])
        if quick is not None and quick.sentences and not answer.sentences:
            quick.notes.append(f"the {backend.name} model's answer had no verified sentence; the quoted answer stands")
            quick.timings.update(timings)
            answer = quick
        log.info("answered in %.0f ms (%s, %d sentences%s)", timings["total_ms"], backend.name, len(answer.sentences),
                 ", refused" if answer.refused else "")
        yield Final(answer)

    def _retrieve(self, question: str, filters: Filters | None, k: int | None, by_part: bool = True) -> RetrievalResult:
        """The question's passages; for a question of several parts, each part's best few are added after them
        (a part answered in another story than the one the whole question finds), the parts after the first
        searched with the question's names ("and how much did the creditors agree to refinance?"). Not
        ``by_part``: a follow-up searched with the question it follows (whose own passages it should not bring)."""
        result = self.retriever.retrieve(question, filters, k)
        self._sweep_names(question, result)
        self._sweep_reason(question, result)
        per_part, pieces = self.settings.retrieval.per_part_k, parts(question)
        if not per_part or not by_part or len(pieces) < 2 or not result.passages:
            return result
        context, names = part_context(question)
        seen = {p.chunk_id for p in result.passages}
        for n, piece in enumerate(pieces):
            more = self.retriever.retrieve(piece if n == 0 else f"{piece} {context}", filters, per_part)
            result.ms += more.ms
            for p in more.passages:  # (a passage naming none of the question's names is another story's)
                if p.chunk_id not in seen and (not names or names_any(names, f"{p.title or ''} {p.text}")):
                    seen.add(p.chunk_id)
                    p.rank = len(result.passages) + 1
                    result.passages.append(p)
        return result

    def _sweep_names(self, question: str, result: RetrievalResult) -> None:
        """A name the question asks about ("James Miller-Day") that no retrieved passage holds, while another passage
        of a retrieved story does: that passage joins the others (the story was found, its quote was not)."""
        limit = self.settings.retrieval.name_sweep
        unseen = absent_names(question, result.passages) if limit else []
        if not unseen:
            return
        seen = {p.chunk_id for p in result.passages}
        docs = list(dict.fromkeys(p.doc_id for p in result.passages))
        wanted = [c["chunk_id"] for d in docs for c in self.store.docs.chunks(d)
                  if c["chunk_id"] not in seen and any(name_found(n, c["text"].lower()) for n in unseen)][:limit]
        if not wanted:  # no retrieved story names it: the stories whose headline gives the whole name ("Telephone
            # and Data Systems Inc <TDS> 4th Qtr Net": a results table whose figures crowd its name out of BM25's top)
            low = {n.lower() for n in unseen}
            runs = [r for r in name_runs(question) if r & low]
            found = {d for r in runs for d in self.store.docs.titled(sorted(r)) if d not in docs}
            if found:  # (their passages closest to the question, by BM25)
                wanted = self.retriever.within(question, found, limit)
        self._join(result, wanted)

    def _sweep_reason(self, question: str, result: RetrievalResult) -> None:
        """A why question: the best story's other passages join the others (a story often gives the reason last,
        after the figures: "... was due mainly to rises in share prices")."""
        limit = self.settings.retrieval.reason_sweep
        if not limit or not result.passages or not any(a.kind == "why" for a in analyse_parts(question)):
            return
        self._join(result, self._unseen(question, {result.passages[0].doc_id}, limit, result))

    def _sweep_previous(self, question: str, history: list, result: RetrievalResult) -> None:
        """A follow-up is most often about the story the last answer quoted ("And the dividend?", "How did the
        embassy respond?"): that story's passages best matching the follow-up's own words join the others, when
        the search with the conversation missed them."""
        limit = self.settings.retrieval.follow_up_sweep
        docs = self._previous_stories(history) if limit else set()
        if not docs:
            return
        self._join(result, self._unseen(question, docs, limit, result))
        for p in result.passages:
            p.quoted_last = p.doc_id in docs

    def _unseen(self, question: str, docs: set[str], limit: int, result: RetrievalResult) -> list[str]:
        """Up to ``limit`` passages of these stories, best for the question by BM25, that the result lacks."""
        seen = {p.chunk_id for p in result.passages}
        return [c for c in self.retriever.within(question, docs, limit + len(seen)) if c not in seen][:limit]

    def _join(self, result: RetrievalResult, chunk_ids: list[str]) -> None:
        """These passages join the result, ranked after those it has."""
        for p in self.retriever.passages(chunk_ids):
            p.rank = len(result.passages) + 1
            result.passages.append(p)

    def _previous_stories(self, history: list, sentences: int = 3) -> set[str]:
        """The stories whose passages hold the first few sentences of these answers (history keeps only text)."""
        hits = [(cid, text) for text in said_sentences(history, 1)[:sentences] for cid in self.retriever.within(text, None, 1)]
        rows = self.store.docs.chunks_by_id([cid for cid, _ in hits])  # (one read for all of them)
        return {rows[cid]["doc_id"] for cid, text in hits if cid in rows and plain(text)[:80] in plain(rows[cid]["text"])}

    def _verified(self, draft: Draft, passages: list[Passage], q: str, backend: str, timings: dict, standalone: str,
                  notes: list[str], t0: float) -> Answer:
        """The draft checked sentence by sentence against its passages, with the answer steps run and the notes set."""
        answer = self.verifier.check(draft, passages, q, backend, timings, standalone)
        answer.standalone_question = standalone
        for step in self.answer_steps:
            answer = step(answer)
        answer.notes = notes + answer.notes
        answer.standalone_question = standalone
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return answer

    def _pick_backend(self, requested: str, notes: list[str]):
        try:
            return self.backend(requested)
        except BackendError as e:
            notes.append(f"{e}; answered extractively instead")
            return self.backend("extractive")

    def _timeline_answer(self, q: str, standalone: str, filters: Filters | None, notes: list[str], t0: float) -> Answer | None:
        """The verified answer from the stored position timeline, when the question is about one."""
        timeline = self._timeline(standalone, filters)
        if timeline is None:
            return None
        draft, passages, total = timeline
        timings = {"retrieve_ms": (time.perf_counter() - t0) * 1000, "generate_ms": 0.0}
        answer = self.verifier.check(draft, passages, q, "timeline", timings, standalone)
        party_issue = draft.sentences and f"{len(answer.sentences)} of {total} stored statements"
        answer.notes = notes + [f"answered from the position timeline ({party_issue}, in date order)"] + answer.notes
        answer.standalone_question = standalone
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return answer

    def _draft(self, backend, question: str, passages: list[Passage], notes: list[str],
               said: frozenset[str] = frozenset()) -> Generator[DraftText, None, tuple]:
        """Stream the backend's draft; on failure fall back to extractive. Returns (draft, backend used, time of the first sentence).

        ``said``: sentences of the conversation's earlier answers, which a follow-up's answer does not repeat."""
        draft, first = None, None
        try:
            for event in _stream(backend, question, passages, said):
                if isinstance(event, Draft):
                    draft = event
                else:
                    first = first or time.perf_counter()
                    yield DraftText(event)
        except BackendError as e:
            notes.append(f"{e}; answered extractively instead")
            backend, draft = self.backend("extractive"), None
        if draft is None:
            draft = _whole_draft(backend, question, passages, said)
        return _unsaid(draft, said), backend, first


def _whole_draft(backend, question: str, passages: list[Passage], said: frozenset[str]) -> Draft:
    return next(e for e in _stream(backend, question, passages, said) if isinstance(e, Draft))


def _unsaid(draft: Draft, said: frozenset[str]) -> Draft:
    """The draft without sentences the conversation has already given (unless only those answer it)."""
    kept = [x for x in draft.sentences if strip_as_of(x.text) not in said]
    if kept:
        draft.sentences = kept
    return draft


def _stream(backend, question: str, passages: list[Passage], said: frozenset[str]):
    """The backend's stream; ``avoid`` is passed only when there is something to avoid (a backend may not take it)."""
    return backend.stream(question, passages, avoid=said) if said else backend.stream(question, passages)
