"""A cache of the compiled shipped graph, so that commands start fast.

Compiling the ontology and the curated YAML takes about 0.6 s; unpickling the compiled graph
about 0.15 s. The cache key is a SHA-256 of everything the result depends on: the spinekg, rdflib
and Python versions and the bytes of every ontology and data file, so an edited source is never
served stale. Cache files live in ``$SPINEKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/spinekg``, else
``~/.cache/spinekg``; ``SPINEKG_CACHE_DIR=off`` disables the cache. A cache that cannot be read
or written is ignored (the graph is compiled as before); only the current key's file is kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "source_key", "load_cached", "store_cached"]

_FORMAT = 1  # bump when the pickled payload changes shape


def cache_dir() -> Path | None:
    """Where cache files go (``None`` when disabled)."""
    value = os.environ.get("SPINEKG_CACHE_DIR")
    if value:
        return None if value.lower() in ("off", "0", "none", "false") else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spinekg"


def source_key(*folders: Path) -> str:
    """A SHA-256 over the versions, the compiler's source and the bytes of every file in ``folders``."""
    import rdflib

    from spinekg.core.version import __version__

    digest = hashlib.sha256(f"{_FORMAT}|{__version__}|{rdflib.__version__}|{sys.version_info[:2]}".encode())
    # the compiler's own code: a changed build (a development checkout) never reuses an old graph
    model = Path(__file__).resolve().parent.parent / "model"
    for module in sorted(model.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + hashlib.sha256(module.read_bytes()).digest())
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_cached(key: str):
    """The cached object for ``key``, or ``None``."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"graph-{key}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # missing, truncated or from an incompatible library: compile instead
        return None


def store_cached(key: str, value) -> None:
    """Write ``value`` for ``key`` atomically and drop older cache files; errors are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"graph-{key}.pickle")
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in folder.glob("graph-*.pickle"):
            if old.name != f"graph-{key}.pickle":
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder only costs speed: the graph was compiled anyway
