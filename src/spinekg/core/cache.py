"""A cache of the compiled shipped graph, so that commands start fast.

Compiling the ontology and the curated YAML takes about 0.6 s; reading the cached graph back
about 0.2 s. The cache key is a SHA-256 of everything the result depends on: the cache format,
the spinekg, rdflib and Python versions, the compiler's code and the bytes of every ontology and
data file, so an edited source is never served stale. Cache files live in ``$SPINEKG_CACHE_DIR``,
else ``$XDG_CACHE_HOME/spinekg``, else ``~/.cache/spinekg``; ``SPINEKG_CACHE_DIR=off`` disables
the cache.

The cache is data, never code: a file (``graph-<key>.json``; nothing in it is ever unpickled or
evaluated, and the pickles of the first format are never read) is a format line followed by
JSON: the terms of the two graphs (IRIs, blank nodes, literals), each graph's triples as indexes
into them, its namespace bindings, and the build report's fields. A file that does not have
exactly that shape is ignored with a warning and rewritten.

The folder is created ``0700`` (missing parents too, as XDG asks), whatever the umask. Before
the folder is read or written it must be a real folder (not a symbolic link), owned by the current
user and not writable by group or others, and a file is read only when it is a regular file with
the same owner and mode; otherwise the cache is not used (the graph is compiled as usual) and one
``spinekg: warning:`` line on stderr says which folder or file, why, and how to fix it. On POSIX
every operation goes through a descriptor of the folder that was checked, so the path cannot be
swapped for another folder in between. A refresh removes only spinekg's own files: exactly
``graph-<64 hex digits>.json`` (or a stale ``.graph-<key>.<16 hex>.tmp`` left by a killed write),
owned by the current user and starting with the cache's format marker; anything else stays. A
folder or file that cannot be read or written for another reason is ignored silently.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import re
import shlex
import stat
import sys
import time
import types
import typing
from pathlib import Path

__all__ = ["cache_dir", "cache_file", "source_key", "load_cached", "store_cached"]

_FORMAT = 2  # bump when the payload changes shape (1: a pickle, no longer read)
_MAGIC = b"spinekg-graph-cache "  # every format's first line: _MAGIC, the format number, "\n"
_HEADER = _MAGIC + str(_FORMAT).encode() + b"\n"
_KEY = re.compile(r"[0-9a-f]{64}\Z")
_OWN_FILE = re.compile(r"graph-[0-9a-f]{64}\.json\Z")
_OWN_TMP = re.compile(r"\.graph-[0-9a-f]{64}\.[0-9a-f]{16}\.tmp\Z")
_STALE_TMP = 3600  # seconds after which a temporary file is a killed write's, not a running one's
_MAX_BYTES = 256 << 20  # far above any graph spinekg caches; a larger file is not read

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted under the file's name does not block
_BINARY = getattr(os, "O_BINARY", 0)
#: operations relative to a descriptor of the checked folder (POSIX); elsewhere, by path
_USE_FD = bool(_NOFOLLOW and _DIRECTORY) and os.open in os.supports_dir_fd and os.listdir in os.supports_fd
#: owners and permission bits are checked where there are user ids (not on Windows)
_CHECK_OWNER = hasattr(os, "getuid")

_warned: set[str] = set()  # folder warnings already printed by this process


def cache_dir() -> Path | None:
    """Where cache files go (``None`` when disabled)."""
    value = os.environ.get("SPINEKG_CACHE_DIR")
    if value:
        return None if value.lower() in ("off", "0", "none", "false") else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spinekg"


def cache_file(key: str) -> Path | None:
    """The file that holds the cached graph for ``key`` (``None`` when the cache is disabled)."""
    name = _file_name(key)
    folder = cache_dir()
    return None if folder is None else folder / name


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


def load_cached(key: str, report_type: type | None = None):
    """The cached ``(graph, ontology, report)`` for ``key``, or ``None`` (no file, the cache is
    disabled or unsafe, or the file does not hold a graph cache of this format).

    The two graphs are rdflib ``Graph``\\ s; ``report`` is rebuilt as ``report_type(**fields)``
    (a dataclass, checked field by field against the stored ones) when it is given, else it is a
    dict of the fields.
    """
    name = _file_name(key)
    folder = cache_dir()
    if folder is None:
        return None
    try:
        directory = _open_folder(folder, create=False)
        if directory is None:
            return None
        with directory:
            data = directory.read(name)
    except _Refused as why:
        _warn(str(why))
        return None
    except OSError:  # missing or unreadable: compile instead
        return None
    if data is None:
        return None
    try:
        return _decode(data, key, report_type)
    except _BadContent as why:
        _warn(f"cache file {folder / name} {why}; ignoring it (the graph is compiled and the file rewritten)")
        return None


def store_cached(key: str, value) -> None:
    """Write ``value``, a ``(graph, ontology, report)`` tuple (two rdflib graphs and a dataclass
    of ``str``/``int``/``float``/``bool``/``None`` fields), for ``key`` atomically, and drop
    spinekg's cache files for other keys; a folder that cannot be written is ignored."""
    name = _file_name(key)
    folder = cache_dir()
    if folder is None:
        return
    try:
        directory = _open_folder(folder, create=True)
        if directory is None:
            return
        with directory:
            try:
                data = _encode(value, key)
            except (TypeError, ValueError) as why:
                _warn(f"the compiled graph cannot be cached ({why}); it is compiled on every load", once=True)
                return
            directory.write(name, data)
            directory.sweep(keep=name)
    except OSError:
        pass  # a read-only or full cache folder only costs speed: the graph was compiled anyway


# ------------------------------------------------------------------------------------------
# The folder and its files
# ------------------------------------------------------------------------------------------


class _Refused(Exception):
    """A folder or file fails a safety check; the message says which, why and how to fix it."""


class _BadContent(Exception):
    """A cache file does not hold what this version writes; the message says how."""


def _file_name(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"a cache key is 64 lower-case hex digits (a source_key), not {key!r}")
    return f"graph-{key}.json"


def _warn(message: str, *, once: bool = False) -> None:
    """One ``spinekg: warning:`` line on stderr (``once``: at most once per process)."""
    if once:
        if message in _warned:
            return
        _warned.add(message)
    stream = sys.stderr
    if stream is not None:
        try:
            stream.write(f"spinekg: warning: {message}\n")
            stream.flush()
        except (OSError, ValueError):
            pass  # stderr closed or gone: a warning is not worth failing the command


def _problem(info: os.stat_result, folder: bool) -> str | None:
    """Why a folder or file with this ``lstat``/``fstat`` must not be used, or ``None``."""
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if folder and not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if not folder and not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if _CHECK_OWNER:
        if info.st_uid != os.getuid():
            return f"is owned by another user (uid {info.st_uid})"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return "is writable by other users"
    return None


def _folder_refusal(folder: Path, problem: str) -> str:
    where = shlex.quote(str(folder))
    if problem == "is writable by other users":
        fix = f"chmod 700 {where}, or set SPINEKG_CACHE_DIR to a folder of your own"
    else:
        fix = "set SPINEKG_CACHE_DIR to a folder of your own, or SPINEKG_CACHE_DIR=off"
    return f"cache folder {folder} {problem}; not using it ({fix})"


def _make_folder(folder: Path) -> None:
    """Create ``folder`` (and its missing parents) ``0700``, whatever the umask."""
    missing = []
    parent = folder.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass  # made meanwhile by another process: it is checked like any folder below
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return  # an existing folder keeps its mode; _open_folder checks it
    if _USE_FD:  # chmod the folder just made, not whatever its name might point to by now
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)
    else:
        os.chmod(folder, 0o700)


def _open_folder(folder: Path, *, create: bool) -> _Folder | None:
    """The checked cache folder; ``None`` when it does not exist (and ``create`` is false) or
    fails a check (warned once per process). Other ``OSError``\\ s propagate."""
    if create:
        _make_folder(folder)
    try:
        problem = _problem(os.lstat(folder), folder=True)
    except FileNotFoundError:
        return None
    fd = None
    if problem is None and _USE_FD:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)  # fails if swapped for a link
        problem = _problem(os.fstat(fd), folder=True)  # the folder actually opened
        if problem is not None:
            os.close(fd)
    if problem is not None:
        _warn(_folder_refusal(folder, problem), once=True)
        return None
    return _Folder(folder, fd)


class _Folder:
    """A checked cache folder. With a descriptor (POSIX) every name is opened, renamed and
    removed relative to the folder that was checked."""

    def __init__(self, path: Path, fd: int | None):
        self.path, self.fd = path, fd

    def __enter__(self) -> _Folder:
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _name(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def open_checked(self, name: str) -> int:
        """A descriptor of the file ``name`` for reading, after the file checks; raises
        ``FileNotFoundError``, :class:`_Refused` or another ``OSError``."""
        where = self.path / name
        if not _NOFOLLOW:  # no O_NOFOLLOW (Windows): look before opening
            problem = _problem(os.stat(self._name(name), dir_fd=self.fd, follow_symlinks=False), folder=False)
            if problem is not None:
                raise _Refused(_file_refusal(where, problem))
        try:
            fd = os.open(self._name(name), os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY, dir_fd=self.fd)
        except FileNotFoundError:
            raise
        except OSError:  # ELOOP (or EMLINK on BSD) for a symbolic link
            info = os.stat(self._name(name), dir_fd=self.fd, follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                raise _Refused(_file_refusal(where, "is a symbolic link")) from None
            raise
        problem = _problem(os.fstat(fd), folder=False)
        if problem is not None:
            os.close(fd)
            raise _Refused(_file_refusal(where, problem))
        return fd

    def read(self, name: str) -> bytes | None:
        """The bytes of the checked file ``name``, or ``None`` when there is none."""
        try:
            fd = self.open_checked(name)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > _MAX_BYTES:
                raise _Refused(f"cache file {self.path / name} is larger than {_MAX_BYTES >> 20} MiB; "
                               f"not reading it (delete it)")
            return handle.read(_MAX_BYTES + 1)

    def write(self, name: str, data: bytes) -> None:
        """Replace ``name`` by a ``0600`` file holding ``data``, atomically."""
        tmp = f".{name.removesuffix('.json')}.{os.urandom(8).hex()}.tmp"
        fd = os.open(self._name(tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600,
                     dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), 0o600)  # whatever the umask
                handle.write(data)
            os.replace(self._name(tmp), self._name(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            try:
                os.unlink(self._name(tmp), dir_fd=self.fd)
            except OSError:
                pass  # the error being raised is the one to report
            raise

    def sweep(self, keep: str) -> None:
        """Remove spinekg's own cache files other than ``keep`` (see the module docstring)."""
        for name in os.listdir(self.fd if self.fd is not None else self.path):
            temporary = bool(_OWN_TMP.match(name))
            if name == keep or not (temporary or _OWN_FILE.match(name)):
                continue
            try:
                fd = self.open_checked(name)
            except (OSError, _Refused):
                continue  # not a file of ours
            with os.fdopen(fd, "rb") as handle:
                age = time.time() - os.fstat(handle.fileno()).st_mtime
                ours = handle.read(len(_MAGIC)) == _MAGIC
            if ours and (not temporary or age > _STALE_TMP):
                try:
                    os.unlink(self._name(name), dir_fd=self.fd)
                except OSError:
                    pass  # tidying only: a file that cannot be removed stays


def _file_refusal(where: Path, problem: str) -> str:
    return (f"cache file {where} {problem}; not reading it (the graph is compiled and the file "
            f"replaced; or delete it: rm {shlex.quote(str(where))})")


# ------------------------------------------------------------------------------------------
# The payload: data, never code
# ------------------------------------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))
_FIELDS = {"key", "iris", "bnodes", "literals", "graphs", "report"}


def _encode(value, key: str) -> bytes:
    """The file's bytes for ``(graph, ontology, report)``; ``TypeError``/``ValueError`` for a value
    of another shape."""
    from rdflib import BNode, Graph, Literal, URIRef

    if not (isinstance(value, tuple) and len(value) == 3
            and isinstance(value[0], Graph) and isinstance(value[1], Graph)):
        raise TypeError("expected a (Graph, Graph, report) tuple")
    graphs, report = value[:2], value[2]
    if not dataclasses.is_dataclass(report) or isinstance(report, type):
        raise TypeError(f"the report is a {type(report).__name__}, not a dataclass")
    fields = {f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.init}
    if not all(type(v) in _SCALARS for v in fields.values()):
        raise TypeError("a report field is not a str, int, float, bool or None")
    seen: dict = {}
    for graph in graphs:
        for s, p, o in graph:
            if not isinstance(p, URIRef) or isinstance(s, Literal):
                raise ValueError(f"a generalized triple ({s!r}, {p!r}, {o!r})")
            seen[s] = seen[p] = seen[o] = None
    iris = [t for t in seen if isinstance(t, URIRef)]
    bnodes = [t for t in seen if isinstance(t, BNode)]
    literals = [t for t in seen if isinstance(t, Literal)]
    if len(iris) + len(bnodes) + len(literals) != len(seen):
        raise ValueError("a term that is not an IRI, a blank node or a literal")
    index = {t: i for i, t in enumerate(iris + bnodes + literals)}
    doc = {
        "key": key,
        "iris": [str(t) for t in iris],
        "bnodes": [str(t) for t in bnodes],
        "literals": [[str(t), t.language, None if t.datatype is None else str(t.datatype)] for t in literals],
        "graphs": [{"namespaces": [[prefix, str(ns)] for prefix, ns in graph.namespaces()],
                    "triples": [index[t] for triple in graph for t in triple]} for graph in graphs],
        "report": {"type": type(report).__qualname__, "fields": fields},
    }
    return _HEADER + json.dumps(doc, separators=(",", ":")).encode("ascii")  # \u escapes: any string survives


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise _BadContent(f"does not hold {what}")


def _strings(value, what: str) -> list:
    _expect(type(value) is list and all(type(s) is str for s in value), what)
    return value


def _decode(data: bytes, key: str, report_type: type | None):
    """``(graph, ontology, report)`` from a file's bytes; :class:`_BadContent` for anything else."""
    header, _, body = data.partition(b"\n")
    if not data.startswith(_MAGIC):
        raise _BadContent("is not a spinekg graph cache (no format marker)")
    if header + b"\n" != _HEADER:
        raise _BadContent(f"has cache format {header[len(_MAGIC):].decode('ascii', 'replace')!r}, "
                          f"not {_FORMAT}")
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as error:  # a UnicodeDecodeError is a ValueError
        raise _BadContent(f"is not valid JSON after its format line ({error})") from None
    try:
        return _rebuild(doc, key, report_type)
    except _BadContent:
        raise
    except Exception as error:  # a value rdflib or the report's class rejects
        raise _BadContent(f"does not hold valid graphs and report ({type(error).__name__}: {error})") from None


def _rebuild(doc, key: str, report_type: type | None):
    from rdflib import BNode, Graph, Literal, URIRef

    _expect(type(doc) is dict and set(doc) == _FIELDS, f"a JSON object with exactly the fields {sorted(_FIELDS)}")
    _expect(doc["key"] == key, "the key of its file name")
    iris = _strings(doc["iris"], "a list of IRIs")
    bnodes = _strings(doc["bnodes"], "a list of blank nodes")
    literals = doc["literals"]
    _expect(type(literals) is list and all(
        type(lit) is list and len(lit) == 3 and type(lit[0]) is str and type(lit[1]) in (str, type(None))
        and type(lit[2]) in (str, type(None)) and (lit[1] is None or lit[2] is None) for lit in literals),
        "a list of [lexical form, language or null, datatype or null] literals")
    graphs = doc["graphs"]
    _expect(type(graphs) is list and len(graphs) == 2, "two graphs (the graph and the ontology)")
    nodes, terms = len(iris) + len(bnodes), len(iris) + len(bnodes) + len(literals)
    for graph in graphs:
        _expect(type(graph) is dict and set(graph) == {"namespaces", "triples"}, "graphs of namespaces and triples")
        _expect(type(graph["namespaces"]) is list and all(
            type(pair) is list and len(pair) == 2 and all(type(s) is str for s in pair) for pair in graph["namespaces"]),
            "namespace bindings as [prefix, namespace] pairs")
        flat = graph["triples"]
        _expect(type(flat) is list and len(flat) % 3 == 0 and all(type(i) is int for i in flat), "triples as term indexes")
        _expect(not flat or (min(flat) >= 0 and max(flat[0::3]) < nodes and max(flat[1::3]) < len(iris)
                             and max(flat[2::3]) < terms), "term indexes in range (an IRI predicate, no literal subject)")
    report = _rebuild_report(doc["report"], report_type)

    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects and no cycles among them: collecting would only cost
    try:
        datatypes = {dt: URIRef(dt) for _, _, dt in literals if dt is not None}
        table = ([URIRef(s) for s in iris] + [BNode(b) for b in bnodes]
                 + [Literal(lex, lang=lang, datatype=datatypes.get(dt))
                    for lex, lang, dt in literals])
        rebuilt = []
        for spec in graphs:
            graph = Graph(bind_namespaces="none")
            for prefix, namespace in spec["namespaces"]:
                graph.bind(prefix, URIRef(namespace), override=True, replace=True)
            add, cells = graph.store.add, iter(spec["triples"])  # the terms are checked: skip Graph.add's checks
            for s, p, o in zip(cells, cells, cells):
                add((table[s], table[p], table[o]), graph, False)
            rebuilt.append(graph)
    finally:
        if enabled:
            gc.enable()
    return rebuilt[0], rebuilt[1], report


def _rebuild_report(doc, report_type: type | None):
    _expect(type(doc) is dict and set(doc) == {"type", "fields"} and type(doc["fields"]) is dict
            and all(type(v) in _SCALARS for v in doc["fields"].values()), "a report of plain fields")
    fields = doc["fields"]
    if report_type is None:
        return dict(fields)
    _expect(doc["type"] == report_type.__qualname__, f"a {report_type.__qualname__} report")
    names = {f.name for f in dataclasses.fields(report_type) if f.init}
    _expect(set(fields) == names, f"the fields of {report_type.__qualname__} ({', '.join(sorted(names))})")
    try:
        hints = typing.get_type_hints(report_type)
    except Exception:  # an annotation this Python cannot evaluate: the names were checked
        hints = {}
    for name, value in fields.items():
        _expect(_fits(value, hints.get(name, typing.Any)), f"a {report_type.__qualname__}.{name} of the right type")
    return report_type(**fields)


def _fits(value, hint) -> bool:
    """Whether a JSON scalar fits a simple type annotation (unknown annotations accept anything)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None) or hint is None:
        return value is None
    if hint in (int, float):  # a bool is not a number here, an int is a float
        return type(value) is int or (hint is float and type(value) is float)
    if hint in (str, bool):
        return type(value) is hint
    return True
