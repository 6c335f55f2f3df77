"""A per-user cache of derived data, in ``$XDG_CACHE_HOME/mokmin`` (or ``~/.cache/mokmin``).

It only ever holds what the installed packages can rebuild (a word list read from the analyser's dictionary,
compiled pattern databases), so a missing, stale or unwritable cache costs time and never changes a result.
Callers put every input the data depends on (package versions, a format number) into the file name.
"""

from __future__ import annotations

import os
import tempfile
from importlib import metadata
from pathlib import Path


def path(name: str) -> Path:
    """Where the cache file ``name`` lives (it may not exist)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mokmin" / name


def read(name: str) -> bytes | None:
    """The cached bytes, or ``None`` when there are none (or they cannot be read)."""
    try:
        return path(name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store ``data`` atomically (a concurrent reader sees the old file or the whole new one); errors are ignored."""
    target = path(name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False) as out:
            out.write(data)
        os.replace(out.name, target)
    except OSError:
        pass


def version(distribution: str) -> str:
    """An installed distribution's version, for cache file names (``unknown`` if it is not installed)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
