"""Loaders, one module per format, registered by file extension (``LOADERS``).

``load_file(path, settings)`` reads every document of one file in this process and
returns them (articles, or ``LoadError``s naming the file and record); it never raises.
Untrusted files are read through ``ingest.reader.FileReader``, which runs it in a
worker process with a hard per-file deadline. ``expand_paths`` walks folders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..settings import IngestSettings
from ..types import LoadError
from . import html, jsonl, markdown, reuters, text, urls  # noqa: F401  (each registers its loader)
from .base import LOADERS, MAX_LINE_CHARS, Loaded, Loader, iso_date, slugify
from .html import extract_html

log = logging.getLogger(__name__)

__all__ = ["LOADERS", "MAX_LINE_CHARS", "Loaded", "Loader", "expand_paths", "extract_html", "iso_date", "load_file",
           "slugify", "supported"]


def supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS and not path.name.endswith(".meta.json")


def _is_project_doc(f: Path) -> bool:
    """README/LICENSE files inside a corpus folder describe it; they are not news."""
    return f.stem.upper() in ("README", "LICENSE", "CHANGELOG", "NOTICE")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | LoadError]:
    """Files named directly, and supported files under named folders (sorted)."""
    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and supported(f) and not any(x.startswith(".") for x in rel) and not _is_project_doc(f):
                    if not f.resolve().is_relative_to(root):  # a link out of the folder (to /etc/passwd, say)
                        yield LoadError(str(f), f"links outside the folder {p} (to {f.resolve()}); not followed, "
                                                "name the file itself to ingest it")
                        continue
                    yield f
        elif not p.exists():
            yield LoadError(str(p), "no such file or folder")
        elif not supported(p):
            yield LoadError(str(p), f"unsupported file type {p.suffix or '(none)'!r}; expected one of {', '.join(sorted(LOADERS))}")
        else:
            yield p


def load_file(path: Path, settings: IngestSettings | None = None, **overrides) -> list[Loaded]:
    """Every document of one file, in this process; errors are returned, never raised.

    `overrides` replace single ingest settings (``max_file_bytes=500``).
    """
    settings = settings or IngestSettings()
    if overrides:
        settings = settings.model_copy(update=overrides)
    path = Path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        return [LoadError(str(path), f"unsupported file type {path.suffix!r}")]
    log.debug("reading %s with %s", path, type(loader).__name__)
    try:
        items = list(loader.load(path, settings))
    except LoadError as e:
        return [e]
    except (OSError, ValueError, RecursionError, MemoryError) as e:  # malformed beyond the loader's checks
        return [LoadError(str(path), f"{type(e).__name__}: {e}")]
    except Exception as e:  # untrusted input must never stop a batch: report it against the file
        return [LoadError(str(path), f"unexpected {type(e).__name__} while reading: {e}")]
    if not items:  # e.g. a JSONL file of blank lines: say so rather than silently store nothing
        return [LoadError(str(path), "no documents found in the file")]
    return items
