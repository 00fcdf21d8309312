"""Assembling and checking the packaged GGUF models (no model run here)."""


import pytest

from assistant.backends import BackendError
from assistant.backends.local import LocalBackend
from assistant.models import MODELS, ModelError, PackagedModel, ensure_model, verify


def test_corrupt_model_file_is_refused_by_checksum(tmp_path):
    m = MODELS["qwen2.5-coder-0.5b"]
    bad = tmp_path / m.filename
    with open(bad, "wb") as f:  # right size, wrong bytes (sparse file)
        f.truncate(m.size)
    with pytest.raises(ModelError, match="sha256"):
        ensure_model(m.name, tmp_path)
    with open(bad, "r+b") as f:
        f.truncate(1000)
    with pytest.raises(ModelError, match="1,000 bytes"):
        verify(bad, m)


def test_missing_slices_name_the_fix(tmp_path, monkeypatch):
    fake = PackagedModel("ghost", "no such model", "tradechat_no_such_slice_part", 2, 10, "0" * 64, "ghost.gguf")
    monkeypatch.setitem(MODELS, "ghost", fake)
    with pytest.raises(ModelError, match=r"slice 1 of 2 is not installed.*\[local\]"):
        ensure_model("ghost", tmp_path)
    with pytest.raises(ModelError, match="unknown local model"):
        ensure_model("no-such-model", tmp_path)


def test_local_backend_reports_a_missing_model_as_backend_error(tmp_path, monkeypatch):
    fake = PackagedModel("ghost", "no such model", "tradechat_no_such_slice_part", 1, 10, "0" * 64, "ghost.gguf")
    monkeypatch.setitem(MODELS, "ghost", fake)
    backend = LocalBackend("ghost", tmp_path)
    if not LocalBackend.available():
        pytest.skip("llama-cpp-python is not installed")
    with pytest.raises(BackendError, match="not installed"):
        list(backend.stream("q", []))


def test_assistant_falls_back_when_the_model_is_corrupt(sample_store_dir, embedder, tmp_path):
    from assistant.assistant import Assistant
    from ingest.settings import Settings

    if not LocalBackend.available():
        pytest.skip("llama-cpp-python is not installed")
    m = MODELS["qwen2.5-coder-0.5b"]
    with open(tmp_path / m.filename, "wb") as f:
        f.truncate(m.size)
    s = Settings.load(data_dir=sample_store_dir)
    s.llm.local_model, s.llm.model_dir = m.name, tmp_path
    ans = Assistant.from_settings(s, embedder=embedder).ask("Which country walked away from the RCEP talks?", mode="local")
    assert ans.mode == "extractive" and "India" in ans.text
    assert any("sha256" in n and "extractively" in n for n in ans.notes)
