"""Ingest into a real `chroma run` server on 127.0.0.1 through HttpClient."""

import shutil

import pytest

from ingest.pipeline import Ingestor
from ingest.settings import Settings
from tests.conftest import SAMPLES, free_port, serving


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma")
    if exe is None:
        pytest.skip("the `chroma` command (chromadb package) is not installed")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                 f"{url}/api/v2/heartbeat", 60):
        yield url


@pytest.mark.server
def test_ingest_through_a_chroma_server(chroma_server, tmp_path, embedder):
    settings = Settings.load(data_dir=tmp_path / "data", chroma={"url": chroma_server})
    ing = Ingestor(settings, embedder=embedder)
    first = ing.ingest([SAMPLES], progress=False)
    assert len(first.new) == 11 and not first.failed
    assert not (tmp_path / "data" / "chroma").exists()  # vectors went to the server
    assert ing.store.vectors.count() == first.chunks == ing.store.docs.count_chunks()
    # query it like retrieval will
    vec = embedder.embed(["Japan auto tariffs red line"])
    res = ing.store.vectors.collection.query(query_embeddings=vec, n_results=3, where={"source": "Capital Trade Wire"})
    assert res["ids"][0] and all(m["source"] == "Capital Trade Wire" for m in res["metadatas"][0])
    again = Ingestor(settings, embedder=embedder).ingest([SAMPLES], progress=False)
    assert again.chunks == 0 and len(again.unchanged) == 11
