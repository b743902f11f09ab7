"""Where an output goes: devices, FIFOs, /dev/stdout and symlinks are written, never replaced by a
regular file; a failure, an interrupt or a kill leaves no partial (or a findable one, removed by a
later write); an existing file keeps its mode; the neo4j files are replaced as a set.

The tests run as root here, so writing to /dev/null and /dev/full is the real reproduction of the
bug (root may replace a device with a regular file). Should a regression ever replace /dev/null,
restore it with ``rm /dev/null && mknod -m 666 /dev/null c 1 3``.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinekg.cli import main
from spinekg.core.files import atomic_output, write_atomic

from conftest import one_line_error


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def partials(folder: Path) -> list[Path]:
    """Temporary files or folders of spinekg (or any hidden .tmp) under ``folder``."""
    return sorted(p for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def dot_export() -> bytes:
    """The DOT export of the shipped graph, written to a plain file (the expected bytes)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "kg.dot"
        result = run("export", "--format", "dot", "-o", str(out))
        assert result.exit_code == 0, result.output
        return out.read_bytes()


def device(path: str) -> tuple[int, int]:
    st = os.stat(path, follow_symlinks=False)
    assert stat.S_ISCHR(st.st_mode), f"{path} is no longer a character device"
    return st.st_mode, st.st_rdev


# ---------------------------------------------------------------------------------------------
# devices, FIFOs, /dev/stdout, symlinks, folders: written (or refused), never replaced


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="the bug (a device replaced) needs root")
def test_dev_null_stays_a_character_device():
    before = device("/dev/null")
    result = run("export", "--format", "turtle", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert device("/dev/null") == before
    assert not any(p.name.startswith(".null.") for p in Path("/dev").iterdir())


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_dev_full_is_a_one_line_error_and_stays_a_device():
    before = device("/dev/full")
    result = run("export", "--format", "turtle", "-o", "/dev/full")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "No space left on device" in line and "/dev/full" in line
    assert device("/dev/full") == before
    assert not any(p.name.startswith(".full.") for p in Path("/dev").iterdir())


@pytest.mark.slow
def test_dev_stdout_writes_to_the_descriptor_the_shell_opened(tmp_path, dot_export):
    """``-o /dev/stdout`` with stdout appended to a file: the file is appended to (same inode),
    not replaced; with stdout a pipe, the bytes come through the pipe."""
    log = tmp_path / "log"
    log.write_bytes(b"HEAD\n")
    inode = log.stat().st_ino
    with open(log, "ab") as out:
        proc = subprocess.run([sys.executable, "-m", "spinekg", "export", "--format", "dot", "-o", "/dev/stdout"],
                              stdout=out, stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert log.stat().st_ino == inode
    assert log.read_bytes() == b"HEAD\n" + dot_export
    assert os.path.islink("/dev/stdout")
    proc = subprocess.run([sys.executable, "-m", "spinekg", "export", "--format", "dot", "-o", "/dev/stdout"],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == dot_export
    assert os.path.islink("/dev/stdout")


def test_fifo_output_is_read_not_replaced(tmp_path, dot_export):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []

    def reader():
        with open(fifo, "rb") as handle:  # blocks until spinekg opens the FIFO for writing
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        result = run("export", "--format", "dot", "-o", str(fifo))
    finally:
        thread.join(timeout=60)
        if thread.is_alive():  # spinekg never opened it: release the reader
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            thread.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo, follow_symlinks=False).st_mode)
    assert received == [dot_export]
    assert partials(tmp_path) == []


def test_symlink_output_stays_a_symlink_and_its_target_gets_the_content(tmp_path, dot_export):
    target = tmp_path / "real" / "kg.dot"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "link.dot"
    link.symlink_to(target)
    result = run("export", "--format", "dot", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == dot_export
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert partials(tmp_path) == []

    dangling = tmp_path / "dangling.dot"
    dangling.symlink_to(tmp_path / "real" / "new.dot")
    assert run("export", "--format", "dot", "-o", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.dot").read_bytes() == dot_export


@pytest.mark.slow
def test_symlink_to_a_device_writes_the_device(tmp_path):
    link = tmp_path / "sink"
    link.symlink_to("/dev/null")
    before = device("/dev/null")
    assert run("export", "--format", "dot", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and device("/dev/null") == before


def test_folder_output_is_a_one_line_error_naming_it(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("export", "--format", "dot", "-o", str(folder))
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "Is a directory" in line and str(folder) in line
    assert folder.is_dir() and list(folder.iterdir()) == [] and partials(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# failures, interrupts and kills


def test_failed_write_leaves_the_old_file_and_no_partial(tmp_path, monkeypatch):
    """The RDF writer streams into the temporary file, then the disk fills up half-way."""
    import spinekg.core.rdfio

    def failing(kg, fmt, handle, **options):
        handle.write(b"@prefix partial: <urn:x#> .\n" * 1000)
        handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "kg.ttl"
    out.write_bytes(b"old\n")
    monkeypatch.setattr(spinekg.core.rdfio, "write_rdf", failing)
    result = run("export", "--format", "turtle", "-o", str(out))
    assert result.exit_code == 2
    assert "No space left on device" in one_line_error(result)
    assert out.read_bytes() == b"old\n"
    assert partials(tmp_path) == []


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_interrupt_removes_the_partial(tmp_path, exc):
    out = tmp_path / "kg.ttl"
    out.write_bytes(b"old\n")
    with pytest.raises(exc):
        with atomic_output(out) as handle:
            handle.write(b"partial")
            handle.flush()
            assert len(partials(tmp_path)) == 1
            raise exc()
    assert out.read_bytes() == b"old\n"
    assert partials(tmp_path) == []


WRITER = textwrap.dedent("""
    import os, signal, sys, time
    from spinekg.core.files import atomic_output

    # Ctrl-C as in a terminal, also when the suite runs in the background (which starts its
    # children with SIGINT ignored, so Python installs no KeyboardInterrupt handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with atomic_output(sys.argv[1]) as handle:
        handle.write(b"partial")
        handle.flush()
        if sys.argv[2] == "INT":
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: KeyboardInterrupt
        print("ready", flush=True)
        time.sleep(120)
""")


def test_sigint_removes_the_partial(tmp_path):
    out = tmp_path / "kg.ttl"
    out.write_bytes(b"old\n")
    proc = subprocess.run([sys.executable, "-c", WRITER, str(out), "INT"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr
    assert out.read_bytes() == b"old\n"
    assert partials(tmp_path) == []


def test_killed_writer_leaves_a_findable_partial_that_a_later_write_removes_when_stale(tmp_path, dot_export):
    """kill -9 cannot be caught: the partial stays, named .NAME.spinekg-XXXXXXXX.tmp; a later
    write of the same output removes it once it is an hour old (not before: it could be a live
    writer's), and leaves other files alone."""
    out = tmp_path / "kg.dot"
    out.write_bytes(b"old\n")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out), "KILL"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "ready\n"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
    [partial] = partials(tmp_path)
    assert partial.name.startswith(".kg.dot.spinekg-") and partial.read_bytes() == b"partial"
    assert out.read_bytes() == b"old\n"
    others = [tmp_path / ".kg.dot.keep.tmp", tmp_path / ".other.dot.spinekg-abcdefgh.tmp"]
    for other in others:
        other.write_bytes(b"not ours to remove")
        os.utime(other, (time.time() - 7200,) * 2)

    assert run("export", "--format", "dot", "-o", str(out)).exit_code == 0
    assert partial.exists()  # fresh: could be a writer that is still running
    os.utime(partial, (time.time() - 7200,) * 2)
    assert run("export", "--format", "dot", "-o", str(out)).exit_code == 0
    assert not partial.exists()
    assert out.read_bytes() == dot_export
    assert all(other.read_bytes() == b"not ours to remove" for other in others)


# ---------------------------------------------------------------------------------------------
# modes


def test_existing_file_keeps_its_mode_and_a_new_file_gets_the_usual_one(tmp_path):
    kept = tmp_path / "kept.dot"
    kept.write_bytes(b"old\n")
    kept.chmod(0o640)
    assert run("export", "--format", "dot", "-o", str(kept)).exit_code == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_bytes() != b"old\n"

    new = tmp_path / "new.dot"
    write_atomic(new, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


# ---------------------------------------------------------------------------------------------
# neo4j: three files, replaced as a set

NEO4J = ("nodes.csv", "relationships.csv", "import.cypher")


def test_failed_neo4j_export_leaves_all_old_files_and_no_temporary_folder(tmp_path, monkeypatch):
    folder = tmp_path / "neo"
    result = run("export", "--format", "neo4j", "-o", str(folder))
    assert result.exit_code == 0, result.output
    (folder / "notes.txt").write_bytes(b"mine\n")
    (folder / "nodes.csv").chmod(0o600)
    old = {name: (folder / name).read_bytes() for name in NEO4J}

    class FailsAfterNodes(dict):
        """nodes.csv is written, then the disk fills up before relationships.csv is."""

        def items(self):
            yield "nodes.csv", b"new nodes\n"
            raise OSError(errno.ENOSPC, "No space left on device")

    import spinekg.export.neo4j

    monkeypatch.setattr(spinekg.export.neo4j, "to_neo4j", lambda kg: FailsAfterNodes.fromkeys(NEO4J, b""))
    result = run("export", "--format", "neo4j", "-o", str(folder))
    assert result.exit_code == 2
    assert "No space left on device" in one_line_error(result)
    assert {name: (folder / name).read_bytes() for name in NEO4J} == old
    assert (folder / "notes.txt").read_bytes() == b"mine\n"
    assert partials(tmp_path) == []

    monkeypatch.undo()  # a successful export replaces the three, keeps notes.txt and the modes
    assert run("export", "--format", "neo4j", "-o", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(NEO4J + ("notes.txt",))
    assert stat.S_IMODE((folder / "nodes.csv").stat().st_mode) == 0o600
    assert partials(tmp_path) == []


def test_neo4j_export_refuses_a_fifo_in_the_set_before_writing(tmp_path):
    folder = tmp_path / "neo"
    folder.mkdir()
    (folder / "import.cypher").write_bytes(b"old\n")
    os.mkfifo(folder / "relationships.csv")
    result = run("export", "--format", "neo4j", "-o", str(folder))
    assert result.exit_code == 2
    assert "not a regular file" in one_line_error(result)
    assert not (folder / "nodes.csv").exists() and (folder / "import.cypher").read_bytes() == b"old\n"
    assert stat.S_ISFIFO(os.stat(folder / "relationships.csv").st_mode)
    assert partials(tmp_path) == []
