"""Sentence-respecting chunks sized by the embedder's own tokenizer.

The document is tokenized once with offsets; each sentence's word-piece count
is read off those offsets, sentences are packed greedily up to ``max_tokens``,
and the next chunk starts with the last sentences of the previous one (up to
``overlap_tokens``). A sentence longer than a chunk is cut at word-piece
boundaries. Offsets always point into the article text, so ``text[start:end]``
is exactly the chunk.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache

from .sentences import split_sentences
from .types import Article, Chunk


@lru_cache(maxsize=1)
def tiktoken_counter() -> Callable[[str], int]:
    """cl100k token counter; llama-index ships the encoding file, so no download."""
    from llama_index.core.utils import get_tokenizer

    enc = get_tokenizer()
    return lambda s: len(enc(s))


class Chunker:
    def __init__(self, wordpiece_offsets: Callable[[str], list[tuple[int, int]]], max_tokens: int = 200, overlap_tokens: int = 40, count_tiktoken: Callable[[str], int] | None = None):
        if overlap_tokens >= max_tokens:
            raise ValueError("chunk overlap must be smaller than the chunk size")
        self.offsets = wordpiece_offsets
        self.max_tokens = max_tokens
        self.overlap = overlap_tokens
        self.count_tiktoken = count_tiktoken or tiktoken_counter()

    @classmethod
    def from_settings(cls, settings, embedder) -> Chunker:
        return cls(embedder.wordpiece_offsets, settings.chunk.max_tokens, settings.chunk.overlap_tokens)

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, n_wordpieces) of each chunk of text."""
        toks = self.offsets(text)
        if not toks:
            return []
        tok_starts = [a for a, _ in toks]
        tok_ends = [b for _, b in toks]

        def count(a: int, b: int) -> int:  # word-pieces fully inside [a, b)
            return bisect.bisect_right(tok_ends, b) - bisect.bisect_left(tok_starts, a)

        # sentence units, with over-long sentences cut at token boundaries
        units: list[tuple[int, int, int]] = []
        for a, b in split_sentences(text):
            n = count(a, b)
            if n <= self.max_tokens:
                units.append((a, b, n))
                continue
            i = bisect.bisect_left(tok_starts, a)
            j = bisect.bisect_right(tok_ends, b)
            for k in range(i, j, self.max_tokens):
                piece = toks[k : min(k + self.max_tokens, j)]
                units.append((piece[0][0], piece[-1][1], len(piece)))

        chunks: list[tuple[int, int, int]] = []
        i = 0
        while i < len(units):
            j, total = i, 0
            while j < len(units) and total + units[j][2] <= self.max_tokens:
                total += units[j][2]
                j += 1
            if j == i:  # cannot happen after the cut above, but never loop forever
                j = i + 1
            a, b = units[i][0], units[j - 1][1]
            chunks.append((a, b, count(a, b)))
            if j >= len(units):
                break
            # overlap: step back over trailing sentences that fit in the overlap budget
            back, k = 0, j
            while k - 1 > i and back + units[k - 1][2] <= self.overlap:
                back += units[k - 1][2]
                k -= 1
            i = k
        return chunks

    def chunk(self, article: Article) -> list[Chunk]:
        text = article.text
        return [
            Chunk(article.doc_id, n, text[a:b], a, b, wp, self.count_tiktoken(text[a:b]))
            for n, (a, b, wp) in enumerate(self.spans(text))
        ]
