"""Files written whole or not at all: a failure leaves no partial file behind.

Where an output goes depends on what is there already:

* nothing, or a regular file: the content is written to a temporary file beside it
  (``.NAME.spinekg-XXXXXXXX.tmp``, in the same folder so that the rename is atomic) and renamed
  onto it when complete. A new file gets the usual mode (``0666 & ~umask``); an existing file
  keeps its permission bits (not set-user-ID / set-group-ID) and, where allowed, its owner and
  group. A replaced file is a new inode: hard links to the old one keep the old content, and
  ACLs or extended attributes are not copied;
* a symlink: it is followed, and the file it points to is replaced (or created) as above; the
  symlink itself stays;
* a character or block device or a FIFO (``/dev/null``, ``/dev/full``, ``/dev/tty``, a named
  pipe), also behind a symlink: written in place, never replaced by a regular file. Such a write
  cannot be undone: a failure half-way leaves what was written so far with the reader. A write
  error (``/dev/full``: no space left) is an :class:`OSError`;
* one of this process's own file descriptors (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``,
  ``/proc/self/fd/N``): written to that descriptor (a duplicate of it), at its position and with
  its append mode, whatever it is open on (a terminal, a pipe, a file the shell opened);
* a directory: :class:`IsADirectoryError`, before anything is written.

Temporary files are removed on any exception, ``KeyboardInterrupt`` (SIGINT) and ``SystemExit``
included. A process killed outright (SIGKILL, or SIGTERM / SIGHUP without a handler: importing
spinekg installs none) leaves its ``.NAME.spinekg-XXXXXXXX.tmp`` behind; the next successful
write of the same output removes such partials once they are more than an hour old
(:data:`STALE_AFTER`), and only those that are regular files owned by the same user, named
exactly so (a partial that old is not being written: a writer that is alive touches it more
often). ``find . -name '.*.spinekg-*.tmp'`` finds them.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["temp_prefix", "atomic_output", "write_atomic", "write_file_set", "remove_stale_partials", "STALE_AFTER"]

#: Seconds after which a temporary file (or folder) of a killed writer counts as abandoned.
STALE_AFTER = 3600

_TAG = ".spinekg-"
_SUFFIX = ".tmp"
#: mkstemp/mkdtemp random part: 8 characters of this alphabet
_RANDOM = re.compile(r"[a-z0-9_]{8}")
#: a path naming one of this process's file descriptors
_FD_PATH = re.compile(r"/(?:dev/fd|proc/(?P<pid>self|thread-self|\d+)/fd)/(?P<fd>\d+)")
_MAX_LINKS = 40


def _umask_mode(base: int) -> int:
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def temp_prefix(name: str) -> str:
    """``.NAME.spinekg-`` (what temporary files and folders of the output NAME start with), the name cut so that the temporary name stays within 255 bytes."""
    raw = os.fsencode(name)
    if len(raw) > 200:
        name = os.fsdecode(raw[:200])
    return f".{name}{_TAG}"


def _own_fd(path: Path) -> int | None:
    """The descriptor number if ``path`` (or a symlink it leads through) names one of this
    process's own descriptors, like ``/dev/stdout`` (a symlink to ``/proc/self/fd/1``)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        match = _FD_PATH.fullmatch(current)
        if match:
            pid = match["pid"]
            if pid is None or not pid.isdigit() or int(pid) == os.getpid():
                return int(match["fd"])
            return None
        try:
            link = os.readlink(current)
        except OSError:  # not a symlink (or not there): the end of the chain
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def _is_special(mode: int) -> bool:
    """A device or a FIFO (or a socket): something to write into, never to replace."""
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextmanager
def _in_place(fd: int, path: Path):
    handle = os.fdopen(fd, "wb")
    try:
        yield handle
        handle.close()  # flushes: a write error (no space left on /dev/full) is raised here
    except OSError as err:
        if err.filename is None:
            err.filename = str(path)  # name the output in the one-line error
        raise
    finally:
        try:
            handle.close()
        except OSError:  # the first error is the one reported
            pass


def _open_special(path: Path) -> int | None:
    """A descriptor open for writing on the device or FIFO ``path`` (no O_CREAT: a file that
    vanished is not created here), or None if it turned out to be a regular file after all."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    if _is_special(os.fstat(fd).st_mode):
        return fd
    os.close(fd)
    return None


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where a replacing write goes (the symlink followed) and what is there now (None: nothing).
    Raises IsADirectoryError for a folder."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"{os.strerror(errno.EISDIR)}; give a file path", str(path))
    if os.path.islink(path):  # follow it: the symlink stays, the file it points to is replaced
        path = Path(os.path.realpath(path))
    return path, st


def _keep_attributes(tmp: str | Path, st: os.stat_result | None) -> None:
    """Give the temporary file the mode (and owner) it should have once renamed."""
    if st is None:
        os.chmod(tmp, _umask_mode(0o666))  # mkstemp creates 0600; give the file the usual mode
        return
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:  # not allowed: the new file is ours
            pass
    os.chmod(tmp, stat.S_IMODE(st.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))


def remove_stale_partials(path: str | Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files (and folders) that killed writers of ``path`` left beside it:
    ``.NAME.spinekg-XXXXXXXX.tmp``, owned by this user, unchanged for ``older_than`` seconds.
    A folder is removed only if it holds nothing but regular files. Returns what was removed;
    errors are ignored (this is tidying, not the write)."""
    path = Path(path)
    prefix = temp_prefix(path.name)
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_SUFFIX)
                and _RANDOM.fullmatch(name[len(prefix):-len(_SUFFIX)])):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_uid != os.geteuid() or now - st.st_mtime < older_than:
                continue
            if stat.S_ISREG(st.st_mode):
                os.unlink(entry.path)
            elif stat.S_ISDIR(st.st_mode):
                inside = list(os.scandir(entry.path))
                if not all(e.is_file(follow_symlinks=False) for e in inside):
                    continue
                if any(now - e.stat(follow_symlinks=False).st_mtime < older_than for e in inside):
                    continue
                shutil.rmtree(entry.path)
            else:
                continue
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


@contextmanager
def atomic_output(path: str | Path):
    """A binary file handle whose content replaces ``path`` only when the block succeeds: it is
    written to a temporary file beside it, so a failure leaves no partial file. A device, a FIFO
    or this process's own descriptor (``/dev/stdout``) is written in place instead; a symlink is
    followed (see the module's documentation)."""
    path = Path(path)
    fd = _own_fd(path)
    if fd is not None:
        for stream in (sys.stdout, sys.stderr):  # what Python holds for the descriptor goes first
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass  # a stream replaced or closed has nothing of ours to flush
        with _in_place(os.dup(fd), path) as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    target, st = _target(path)
    if st is not None and _is_special(st.st_mode):
        fd = _open_special(path)
        if fd is not None:
            with _in_place(fd, path) as handle:
                yield handle
            return
        target, st = _target(path)  # replaced by a regular file meanwhile
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        _keep_attributes(tmp, st)
        os.replace(tmp, target)
    except BaseException:  # KeyboardInterrupt and SystemExit too
        Path(tmp).unlink(missing_ok=True)
        raise
    remove_stale_partials(target)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves no partial file
    (a device, a FIFO or ``/dev/stdout`` is written in place: see :func:`atomic_output`)."""
    with atomic_output(path) as handle:
        handle.write(data)


def write_file_set(folder: str | Path, files: Mapping[str, bytes]) -> None:
    """Write the files ``{name: content}`` into ``folder`` (created if needed) as a set: every
    file is first written to a temporary folder beside ``folder`` (``.FOLDER.spinekg-XXXXXXXX.tmp``)
    and only when all are written are they renamed into place, so a failure while writing (an
    exception, a full disk, an interrupt) leaves the old files all untouched and no temporary
    folder behind. Other files in ``folder`` are left alone.

    What is not atomic: a new folder appears in one rename, but into an existing folder the files
    are renamed one after the other (each rename is atomic), so a reader looking in between the
    renames, or a crash or a rename failure between them, sees some new files beside old ones.
    The renames are the last step and take microseconds.

    A file of the set that is a symlink is followed (the file it points to is replaced); one that
    is a device, a FIFO or a folder is refused (:class:`NotADirectoryError` /
    :class:`IsADirectoryError` / :class:`FileExistsError`) before anything is written. The
    temporary folder goes inside ``folder`` instead when the parent is not writable or is
    another filesystem (``folder`` is a mount point)."""
    folder = Path(folder)
    if any(not name or os.sep in name or name in (".", "..") or (os.altsep and os.altsep in name) for name in files):
        raise ValueError(f"file names of a set are plain names: {sorted(files)}")
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    new = not folder.exists() and not os.path.islink(folder)
    real = Path(os.path.realpath(folder))
    plans: dict[str, tuple[Path, os.stat_result | None]] = {}
    if not new:
        for name in files:
            target, st = _target(folder / name)
            if st is not None and _is_special(st.st_mode):
                raise FileExistsError(errno.EEXIST, "not a regular file (a device or FIFO); the files of a set "
                                      "are replaced together, never written in place", str(folder / name))
            plans[name] = (target, st)
    stage = _stage_folder(real, new)
    staged: list[tuple[Path, Path]] = []  # (temporary file, target)
    try:
        for name, data in files.items():
            target, st = plans.get(name, (real / name, None))
            if new or _same_device(target.parent, stage):
                tmp = stage / name
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            else:  # a symlink to another filesystem: its temporary file goes beside its target
                fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=_SUFFIX, dir=target.parent)
                tmp = Path(tmp)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            _keep_attributes(tmp, st)
        # everything is written: now the renames, and nothing else
        if new:
            os.chmod(stage, _umask_mode(0o777))
            try:
                os.rename(stage, real)  # the folder and its files appear at once
                stage = None
            except OSError:  # the folder appeared meanwhile: rename the files one by one
                real.mkdir(parents=True, exist_ok=True)
        if stage is not None:
            for tmp, target in staged:
                os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            if stage is None or tmp.parent != stage:
                tmp.unlink(missing_ok=True)
        raise
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    remove_stale_partials(real)  # temporary folders beside it
    remove_stale_partials(real / real.name)  # ... or inside it
    for _, target in staged:
        remove_stale_partials(target)


def _same_device(folder: Path, other: Path) -> bool:
    try:
        return os.stat(folder).st_dev == os.stat(other).st_dev
    except OSError:
        return False


def _stage_folder(real: Path, new: bool) -> Path:
    """A new temporary folder beside ``real`` on its filesystem; inside it when that cannot be."""
    prefix = temp_prefix(real.name)
    try:
        stage = Path(tempfile.mkdtemp(prefix=prefix, suffix=_SUFFIX, dir=real.parent))
    except OSError:
        if new:
            raise
        stage = None
    if stage is not None and (new or _same_device(stage, real)):
        return stage
    if stage is not None:
        shutil.rmtree(stage, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, suffix=_SUFFIX, dir=real))
