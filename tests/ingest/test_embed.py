"""The embedding backends: ONNX Runtime (default) and sentence-transformers give the same vectors."""

import numpy as np
import pytest

from ingest.embed import (
    EmbedderError,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from ingest.settings import Settings
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def torch_embedder():
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def texts():
    """Real sample articles cut at several lengths, including past the 256 word-piece limit."""
    bodies = [p.read_text() for p in sorted(SAMPLES.rglob("*.txt"))]
    return [b[:n] for b in bodies for n in (80, 600, 3000)] + ["Tariffs.", "x"]


def test_onnx_vectors_equal_the_torch_ones(embedder, torch_embedder, texts):
    assert isinstance(embedder, OnnxEmbedder)  # what the default settings choose
    got, ref = embedder.embed(texts), torch_embedder.embed(texts)
    assert got.shape == ref.shape == (len(texts), 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    assert (got * ref).sum(axis=1).min() > 0.9999
    # word-pieces and the sequence limit are the model's, whichever backend runs it
    assert embedder.max_tokens == torch_embedder.max_tokens == 254
    assert embedder.wordpiece_offsets(texts[0]) == torch_embedder.wordpiece_offsets(texts[0])
    # order of the input is kept although batches are sorted by length
    assert np.allclose(embedder.embed(texts[::-1]), got[::-1], atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_onnx_worker_threads_give_the_same_vectors(embedder, texts, tmp_path):
    threaded = OnnxEmbedder(workers=2, cache_dir=embedder.cache_dir)
    assert np.abs(threaded.embed(texts) - embedder.embed(texts)).max() < 1e-4
    assert threaded.session.get_session_options().intra_op_num_threads == 1


def test_export_is_cached_and_reused(embedder, monkeypatch):
    import torch

    embedder.session  # noqa: B018 - exported by now
    monkeypatch.setattr(torch.onnx, "export", lambda *a, **k: pytest.fail("exported again"))
    again = OnnxEmbedder(cache_dir=embedder.cache_dir)
    assert again.embed(["rice quota"]).shape == (1, 384)


def test_backend_is_chosen_by_name(tmp_path):
    s = Settings.load(data_dir=tmp_path)
    assert isinstance(make_embedder(s), OnnxEmbedder)
    s.embed.backend = "torch"
    assert isinstance(make_embedder(s, workers=2), SentenceTransformerEmbedder)
    with pytest.raises(ValueError, match="backend"):
        Settings.load(data_dir=tmp_path, embed={"backend": "tensorflow"})


def test_export_failures_name_the_folder(tmp_path):
    empty = tmp_path / "model"
    empty.mkdir()
    with pytest.raises(EmbedderError, match="no weights"):
        OnnxEmbedder(str(empty), cache_dir=tmp_path / "cache").embed(["x"])
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache folder should be")
    with pytest.raises(EmbedderError, match="not-a-dir.*embed.backend=torch"):
        OnnxEmbedder(cache_dir=blocked).embed(["x"])


def test_embedding_worker_processes_give_the_same_vectors(embedder, monkeypatch):
    """backend torch, embed.workers=2: sentence-transformers' process pool, one torch thread each."""
    texts = [p.read_text()[:600] for p in sorted(SAMPLES.rglob("*.txt"))] * 4
    pooled = SentenceTransformerEmbedder(workers=2)
    monkeypatch.setattr(SentenceTransformerEmbedder, "POOL_MIN_TEXTS", 8)
    try:
        got = pooled.embed(texts)
        assert pooled._pool is not None and len(pooled._pool["processes"]) == 2
        assert np.abs(got - embedder.embed(texts)).max() < 1e-4
        assert pooled.embed(texts[:3]).shape == (3, 384)  # small calls stay in-process
    finally:
        pooled.close()
    assert pooled._pool is None


def test_a_store_from_another_vector_space_is_refused(sample_store_dir, tmp_path):
    """Vectors from int8 weights must not be searched with fp32 queries (or another model's)."""
    import shutil

    from ingest.store import Store, StoreError

    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    Store.from_settings(Settings.load(data_dir=data, embed={"backend": "torch"}))  # same vectors as onnx: accepted
    with pytest.raises(StoreError, match=r"tradechat_chunks.*all-MiniLM-L6-v2 fp32.*int8.*new data folder"):
        Store.from_settings(Settings.load(data_dir=data, embed={"backend": "onnx-int8"}))
    store = Store.from_settings(Settings.load(data_dir=data))
    assert store.vectors.count() == store.docs.count_chunks() > 0  # nothing lost


def test_batches_hold_a_token_budget_longest_first():
    e = OnnxEmbedder(batch_tokens=1000)
    lengths = [256, 12, 200, 30, 30, 256, 5, 90] * 20
    batches = e.batches(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # each text once
    for b in batches:
        width = lengths[b[0]]
        assert all(lengths[i] <= width for i in b)  # padded to its first (longest) row
        assert len(b) == 1 or len(b) * width <= 1000
    assert [lengths[b[0]] for b in batches] == sorted((lengths[b[0]] for b in batches), reverse=True)
    assert max(len(b) for b in batches) > 8 > len(batches[0])  # short texts share a pass, long ones do not
