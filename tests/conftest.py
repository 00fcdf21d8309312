"""Shared fixtures: real components, real corpora (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("TRADECHAT_SHARED", ROOT.parent / "shared")) / "corpora"
SEED = SHARED / "seed" / "nikkei-us-japan-trade-2019.txt"
REUTERS = SHARED / "reuters21578"
BENCHMARK = SHARED / "article-extraction-benchmark"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real-data test: {path} is not here (../shared/corpora is absent)")
    return path


@pytest.fixture(scope="session")
def embedder():
    from ingest.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def settings(tmp_path):
    from ingest.settings import Settings

    return Settings.load(data_dir=tmp_path / "data")


@pytest.fixture
def ingestor(settings, embedder):
    from ingest.pipeline import Ingestor

    return Ingestor(settings, embedder=embedder)
