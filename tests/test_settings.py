from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest.settings import Settings


def test_defaults_env_and_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for k in list(__import__("os").environ):
        if k.startswith("TRADECHAT_"):
            monkeypatch.delenv(k)
    s = Settings.load()
    assert s.data_dir == Path("data") and s.chroma.url is None and s.chunk.max_tokens <= 254
    assert s.chroma_path == Path("data/chroma")

    (tmp_path / "tradechat.toml").write_text('data_dir = "/srv/news"\n[chunk]\nmax_tokens = 180\n')
    s = Settings.load()
    assert s.data_dir == Path("/srv/news") and s.chunk.max_tokens == 180

    monkeypatch.setenv("TRADECHAT_DATA_DIR", "/tmp/elsewhere")
    monkeypatch.setenv("TRADECHAT_CHUNK__MAX_TOKENS", "150")
    monkeypatch.setenv("TRADECHAT_CHROMA__URL", "http://127.0.0.1:8123")
    s = Settings.load()  # the environment beats the file
    assert s.data_dir == Path("/tmp/elsewhere") and s.chunk.max_tokens == 150 and s.chroma.url == "http://127.0.0.1:8123"


def test_invalid_values_name_the_field(monkeypatch):
    monkeypatch.setenv("TRADECHAT_CHUNK__MAX_TOKENS", "4000")
    with pytest.raises(ValidationError) as e:
        Settings.load()
    assert "max_tokens" in str(e.value)


@pytest.mark.unit
def test_every_setting_is_described_and_documented():
    """One settings home: each setting says what it does, and docs/configuration.md shows the current table."""
    from ingest.settings import settings_table

    table = settings_table()
    assert "|  |" not in table  # no setting without a description
    assert "`answer.min_relevance`" in table and "`retrieval.dense_overfetch`" in table
    doc = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    shown = doc.split("<!-- settings-table:start -->\n", 1)[1].split("<!-- settings-table:end -->", 1)[0]
    assert shown == table, "docs/configuration.md is out of date: regenerate its table with ingest.settings.settings_table()"
