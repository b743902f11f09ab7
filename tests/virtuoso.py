"""A real Virtuoso (Debian's virtuoso-opensource 7) on loopback, for the remote-engine tests.

:func:`start` writes a configuration into a private folder, starts ``virtuoso-t`` on two free
loopback ports (SQL and HTTP), waits for its SPARQL endpoint and opens the Graph Store Protocol
endpoint (``/sparql-graph-crud``) to writes, as an operator would for a private test database:
``GRANT SPARQL_UPDATE`` to the ``SPARQL`` account and write permission for unauthenticated
graph-store requests. Nothing listens beyond 127.0.0.1 and the database is deleted with the
folder. ``.ci/run`` installs the package; without it the fixture fails with what to install.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: where Debian's package keeps the server's own pages (the /sparql form needs them)
VSP = Path("/var/lib/virtuoso-opensource-7/vsp")

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
MaxQueryMem = 1G
DirsAllowed = ., {dir}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {vsp}
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""

_GRANTS = ('GRANT SPARQL_UPDATE TO "SPARQL"; '
           "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Virtuoso:
    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    def isql(self, statements: str) -> str:
        proc = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or "*** Error" in proc.stdout + proc.stderr:
            raise RuntimeError(f"isql-vt failed: {(proc.stdout + proc.stderr).strip()[-500:]}")
        return proc.stdout

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(folder: Path, timeout: float = 120) -> Virtuoso:
    """Start a private Virtuoso in ``folder``; the caller stops it."""
    server = shutil.which("virtuoso-t")
    if server is None or shutil.which("isql-vt") is None:
        raise RuntimeError("the remote-engine tests need Virtuoso: apt install virtuoso-opensource "
                           "(.ci/run installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(dir=folder, sql=sql, http=http, vsp=VSP), encoding="utf-8")
    # +foreground: the process is the server (the test stops it); the log goes to the folder
    process = subprocess.Popen([server, "+configfile", str(ini), "+foreground"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = Virtuoso(folder, sql, http, process)
    deadline = time.monotonic() + timeout
    ask = found.sparql + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {found.log()}")
        try:
            with urllib.request.urlopen(ask, timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            found.stop()
            raise RuntimeError(f"Virtuoso did not answer within {timeout:g} s: {found.log()}")
        time.sleep(0.5)
    found.isql(_GRANTS)
    return found
