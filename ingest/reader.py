"""Reading and cleaning untrusted files in a worker process with a hard per-file deadline.

Cleaning is pure Python and holds the GIL: a file that takes minutes (a pathological
line, a huge page) would stall every thread of the process that reads it, including a
web server's. So files are read by a separate process (pebble's ``ProcessPool``), one
file at a time, with the next file read while the caller embeds the current one. A file
that runs past ``ingest.file_time_limit_s`` has its worker killed and is reported as a
``LoadError`` naming the file and the setting; the next file gets a fresh worker.

Workers come from a fork server that has the loaders imported already (no fork of a
multi-threaded parent, and no re-import per worker).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .loaders import Loaded, load_file
from .settings import IngestSettings
from .types import LoadError

log = logging.getLogger(__name__)

_PRELOAD = ["ingest.loaders", "ingest.clean", "trafilatura"]


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class FileReader:
    """Reads files through a worker process; ``with FileReader(settings.ingest) as r: r.read(path)``.

    ``file_time_limit_s = 0`` reads in this process, with no limit (for trusted batch jobs).
    """

    def __init__(self, settings: IngestSettings):
        self.settings = settings
        self._pool = None
        self._in_process = False  # set when worker processes cannot start in this program

    def _args(self, path: Path) -> tuple:
        return (path, self.settings)

    def _submit(self, path: Path):
        if self._in_process:
            return None
        if self._pool is None:
            from pebble import ProcessPool

            self._pool = ProcessPool(max_workers=1, context=_context())
        try:
            return self._pool.schedule(load_file, args=self._args(path), timeout=self.settings.file_time_limit_s)
        except RuntimeError:  # the pool broke before this file (see _no_workers)
            self._no_workers()
            return None

    def _no_workers(self) -> None:
        """Workers cannot start here: a script without an ``if __name__ == "__main__":`` guard, or code
        fed on standard input, is re-run by every worker. Read in this process from now on, and say
        loudly that the deadline is gone."""
        if not self._in_process:
            log.warning("reader worker processes cannot start from this program (guard its entry point with "
                        "`if __name__ == \"__main__\":`); reading files in-process without the per-file time limit")
        self._in_process = True

    def _collect(self, path: Path, future) -> list[Loaded]:
        from pebble import ProcessExpired

        limit = self.settings.file_time_limit_s
        if future is None:
            return load_file(*self._args(path))
        try:
            return future.result()
        except FutureTimeout:
            log.warning("%s: reading took longer than %g s; worker stopped", path, limit)
            return [LoadError(str(path), f"reading and cleaning took longer than {limit:g} s "
                                         "(setting ingest.file_time_limit_s); skipped")]
        except ProcessExpired as e:
            return [LoadError(str(path), f"the reader process died while reading it (exit code {e.exitcode}); skipped")]
        except BrokenProcessPool:  # no worker ever ran
            self._no_workers()
            return load_file(*self._args(path))
        except Exception as e:  # pebble re-raises what load_file could not catch (e.g. a pickling error)
            return [LoadError(str(path), f"unexpected {type(e).__name__} while reading: {e}")]

    def read(self, path: Path) -> list[Loaded]:
        if not self.settings.file_time_limit_s:
            return load_file(*self._args(path))
        return self._collect(path, self._submit(path))

    def read_many(self, paths: Iterable[Path]) -> Iterator[tuple[Path, list[Loaded]]]:
        """(path, items) in order; the next file is read while the caller works on this one."""
        paths = list(paths)
        if not self.settings.file_time_limit_s:
            for p in paths:
                yield p, load_file(*self._args(p))
            return
        ahead = self._submit(paths[0]) if paths else None
        for i, p in enumerate(paths):
            current = ahead
            ahead = self._submit(paths[i + 1]) if i + 1 < len(paths) else None
            yield p, self._collect(p, current)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> FileReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
