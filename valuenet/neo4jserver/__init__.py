"""Run a local Neo4j Community 5.26 server resolved from Maven Central.

Maven resolves the jars listed in ``pom.xml`` (beside this file) into ``HOME/lib``; ``java`` then runs
``org.neo4j.server.CommunityEntryPoint`` on 127.0.0.1 only, with authentication on.  ``HOME`` (default
``$VALUENET_NEO4J_HOME`` or ``~/.cache/valuenet/neo4j``) holds ``lib/``, ``conf/neo4j.conf``, ``data/``
(disposable: ``fresh=True`` wipes it), ``logs/console.log`` and ``run/`` (pid and state files).

User ``neo4j``'s password is the ``password`` argument, else ``$NEO4J_PASSWORD``. With neither, an empty data
folder gets a random password made here (:mod:`secrets`), kept in ``HOME/password`` (mode 0600) for later
starts, :func:`status` and the tests; :attr:`ServerInfo.generated` says a password is that one, the only kind
the CLI ever prints. For existing data with a kept password, that one is used even when ``$NEO4J_PASSWORD`` is
set (for another server, say): :func:`_known_password`. When Neo4j rejects a password, the error names where it
came from, never its value, and how to fix it without wiping the data. (A data folder set up by an older
valuenet, with no such file, has :data:`DEFAULT_PASSWORD`.) Before the first start of an empty data folder the
password goes, as a salted hash, into Neo4j's own file of initial credentials, ``data/dbms/auth.ini`` (mode
0600), which is where the server reads it from. The server process never gets it: its environment holds only
:data:`SERVER_ENV` (never ``NEO4J_PASSWORD`` or another secret), and its arguments hold no credentials. The
password is never printed or logged by this module.

:func:`cypher_shell` resolves Neo4j's own client, cypher-shell (``cypher-shell.xml``), into ``HOME/cypher-shell/lib``
and returns the command that runs it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import DEVNULL

from valuenet.errors import Neo4jServerError

POM = Path(__file__).with_name("pom.xml")
#: The Maven project that lists cypher-shell and its runtime jars (kept apart from the server's).
CYPHER_SHELL_POM = Path(__file__).with_name("cypher-shell.xml")
CYPHER_SHELL_MAIN = "org.neo4j.shell.Main"
#: The password of a data folder set up before valuenet generated one (no ``HOME/password``, no ``$NEO4J_PASSWORD``).
DEFAULT_PASSWORD = "valuenet-dev-password"
#: The file in the server's home that keeps the password generated for its data folder (mode 0600).
PASSWORD_FILE = "password"
USERNAME = "neo4j"
HOST = "127.0.0.1"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
# The JVM options of Neo4j 5's stock neo4j.conf (server.jvm.additional), module opens included.
JVM_FLAGS = """-XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC -XX:+ExitOnOutOfMemoryError
-Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true
-Dfile.encoding=UTF-8 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED""".split()
CONF = """# Written by valuenet.neo4jserver on every start; edits are lost.
server.default_listen_address={host}
server.default_advertised_address={host}
server.bolt.enabled=true
server.bolt.listen_address={host}:{bolt_port}
server.bolt.advertised_address={host}:{bolt_port}
server.http.enabled=true
server.http.listen_address={host}:{http_port}
server.http.advertised_address={host}:{http_port}
server.https.enabled=false
server.directories.data={home}/data
server.directories.logs={home}/logs
server.directories.run={home}/run
server.directories.lib={home}/lib
server.directories.plugins={home}/plugins
server.directories.import={home}/import
server.memory.heap.initial_size={heap}
server.memory.heap.max_size={heap}
server.memory.pagecache.size={pagecache}
dbms.security.auth_enabled=true
dbms.usage_report.enabled=false
"""

#: Neo4j's file of initial credentials (in ``data/dbms``), read when the server creates its system database.
AUTH_FILE = "auth.ini"
AUTH_ITERATIONS = 1024
#: The variables of the caller's environment that the server process gets (with ``LC_*``); nothing else.
SERVER_ENV = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "JAVA_HOME", "LD_LIBRARY_PATH")
# Names of variables that are never passed on, whatever else is.
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|NEO4J_AUTH", re.IGNORECASE)

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # servers this process launched


@dataclass(frozen=True)
class ServerInfo:
    """How to reach a running server.  The password is left out of ``repr``.

    ``generated`` is true when the password is the one this module made for the data folder (kept in
    ``home/password``), false when it came from the caller or ``$NEO4J_PASSWORD`` (or is the old default).
    """

    uri: str
    username: str
    password: str = field(repr=False)
    pid: int
    home: Path
    http_port: int | None = None
    generated: bool = False


#: Neo4j Browser's jar in ``HOME/lib`` (from ``pom.xml``; a home resolved from an older one has none).
BROWSER_JAR = "neo4j-browser-*.jar"


def browser_url(info: ServerInfo) -> str | None:
    """Where the server serves Neo4j Browser; ``None`` when it has no HTTP port or its jars lack the Browser."""
    if info.http_port is None or not any((info.home / "lib").glob(BROWSER_JAR)):
        return None
    return f"http://{HOST}:{info.http_port}/browser/"


def default_home() -> Path:
    """Return ``$VALUENET_NEO4J_HOME`` or ``~/.cache/valuenet/neo4j``."""
    env = os.environ.get("VALUENET_NEO4J_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "valuenet" / "neo4j"


def _home(home: Path | str | None) -> Path:
    return Path(home).expanduser().resolve() if home is not None else default_home().resolve()


def _logs(since: dict[Path, int], lines: int = 30) -> str:
    """The last lines that the console log and Neo4j's own log got after ``since`` (sizes by path)."""
    out = []
    for path, offset in since.items():
        with suppress(OSError), path.open("rb") as f:
            f.seek(offset if f.seek(0, 2) >= offset else 0)
            text = [t for t in f.read().decode(errors="replace").splitlines() if t.strip("\x06 \t")]
            if text:
                out.append(f"--- {path}\n" + "\n".join(text[-lines:]))
    return "\n".join(out) or "(no log output)"


def build(home: Path) -> Path:
    """Resolve the server jars into ``home/lib`` with Maven and return that folder.

    Skipped when ``home/lib`` was resolved from an identical ``pom.xml`` (its
    SHA-256 is kept in ``home/lib/.pom.sha256``).  Jars are cached in ``~/.m2``.
    """
    return _resolve(POM, _home(home) / "lib", "Neo4j")


def _resolve(pom: Path, lib: Path, what: str) -> Path:
    """Copy the runtime jars that ``pom`` lists into ``lib`` with Maven (unless ``lib`` holds them already)."""
    stamp = lib / ".pom.sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == digest and any(lib.glob("*.jar")):
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(f"Maven ('mvn') is not on PATH; it is needed to resolve {what}")
    lib.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib.", dir=lib.parent))
    goal = ["dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    cmd = [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom), *goal]
    env = {k: v for k, v in os.environ.items() if not _SECRET_NAME.search(k)}  # Maven may need proxies, MAVEN_OPTS
    proc = subprocess.run(cmd, env=env, stdin=DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0 or not any(staging.glob("*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        last = "\n".join(proc.stdout.splitlines()[-30:])
        raise Neo4jServerError(f"Maven failed to resolve {what} (exit {proc.returncode}):\n{last}")
    (staging / ".pom.sha256").write_text(digest + "\n")
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    return lib


def cypher_shell(home: Path | str | None = None) -> list[str]:
    """The command that runs Neo4j's own cypher-shell 5.26: append its options (``-a``, ``-u``, ``-f`` ...).

    The first call resolves ``org.neo4j:cypher-shell`` and its runtime dependencies from Maven Central
    (:data:`CYPHER_SHELL_POM`) into ``home/cypher-shell/lib``, apart from the server's jars; later calls
    reuse them. It needs Java 17 or 21 and, the first time, Maven. cypher-shell reads the password from
    ``$NEO4J_PASSWORD`` (never pass it with ``-p``, which puts it in the process list)::

        cmd = [*cypher_shell(), "-a", info.uri, "-u", info.username, "--format", "plain", "-f", "q.cypher"]
        subprocess.run(cmd, env={**os.environ, "NEO4J_PASSWORD": info.password})
    """
    lib = _resolve(CYPHER_SHELL_POM, _home(home) / "cypher-shell" / "lib", "cypher-shell")
    return [_java(), "-cp", str(lib / "*"), CYPHER_SHELL_MAIN]


def _given_password(password: str | None) -> str | None:
    return password or os.environ.get("NEO4J_PASSWORD") or None


def _kept_password(home: Path) -> str:
    """The password generated for the data under ``home`` and kept in ``home/password``; empty without one."""
    try:
        return (home / PASSWORD_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise Neo4jServerError(f"cannot read the server's password file {home / PASSWORD_FILE}: {exc}") from exc


def _known_password(home: Path, password: str | None) -> tuple[str, bool]:
    """The password of the existing data under ``home`` and whether it is a generated one; never makes one up.

    The ``password`` argument wins; then the generated password kept in ``home/password`` (that data was set
    up with it, so a ``$NEO4J_PASSWORD`` exported for another server, Aura say, does not override it); then
    ``$NEO4J_PASSWORD`` (the data was set up with it: no kept file); then :data:`DEFAULT_PASSWORD`.
    """
    if password:
        return password, False
    if kept := _kept_password(home):
        return kept, True
    given = _given_password(None)
    return (given, False) if given is not None else (DEFAULT_PASSWORD, False)


def _rejected(home: Path, password: str | None) -> str:
    """The one line that says which password Neo4j rejected (by its source, never its value) and how to fix it."""
    keep = "only if that password is lost, start with --fresh, which wipes the data and sets a new one"
    if password:
        tried, fix = "the password given to start()", "give the password this data was set up with"
    elif _kept_password(home):
        tried = f"the generated password kept in {home / PASSWORD_FILE}"
        fix = "put this data's password in that file (or remove the file and export it as NEO4J_PASSWORD)"
    elif _given_password(None) is not None:
        tried, fix = "$NEO4J_PASSWORD", "export the password this data was set up with as NEO4J_PASSWORD"
    else:
        tried = f"valuenet's old default password (no $NEO4J_PASSWORD, no {home / PASSWORD_FILE})"
        fix = "export the password this data was set up with as NEO4J_PASSWORD"
    return f"Neo4j under {home} rejected {tried}: {fix} and start again; {keep}"


def _new_password(home: Path) -> str:
    """Make a random password for a fresh data folder and keep it in ``home/password``, readable by the user only."""
    password = secrets.token_urlsafe(18)
    target, temporary = home / PASSWORD_FILE, home / f".{PASSWORD_FILE}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    os.replace(temporary, target)  # whole or not at all
    return password


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise Neo4jServerError("no 'java' found (set JAVA_HOME or put Java 17/21 on PATH)")
    return java


def _pid_alive(pid: int) -> bool:
    if pid in _CHILDREN:  # launched here: poll() reaps it once it has exited
        return _CHILDREN[pid].poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie, or the pid now belongs to another program
        if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return False
        return ENTRY_POINT.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def _port_open(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1.0).close()
        return True
    except OSError:
        return False


def _bolt_handshake(port: int, timeout: float = 2.0) -> bool:
    """True if a Bolt server on ``port`` agrees on a protocol version."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            # Magic preamble, then four proposals: 5.0-5.4, 4.4, none, none.
            sock.sendall(bytes.fromhex("6060B0170004040500000404") + bytes(8))
            reply = sock.recv(4, socket.MSG_WAITALL)
            return len(reply) == 4 and reply != bytes(4)
    except OSError:
        return False


def _query_ok(uri: str, password: str, rejected: str = "Neo4j rejected the password") -> bool:
    """Run ``RETURN 1`` through the official driver when it is installed; ``rejected`` is the error if it refuses."""
    try:
        import neo4j  # optional dependency
        from neo4j.exceptions import AuthError
    except ImportError:
        return True
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(USERNAME, password), connection_timeout=5) as driver:
            with driver.session() as session:  # auto-commit: one try, no driver-side retries
                return bool(session.run("RETURN 1 AS one").single(strict=True)["one"] == 1)
    except AuthError as exc:
        raise Neo4jServerError(rejected) from exc
    except Exception:  # still starting up
        return False


def _read_state(home: Path) -> dict[str, int] | None:
    try:
        state = json.loads((home / "run" / "server.json").read_text())
        return {k: int(v) for k, v in state.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def status(home: Path | None = None, password: str | None = None) -> ServerInfo | None:
    """Return the running server under ``home`` if its process lives and Bolt answers."""
    home = _home(home)
    state = _read_state(home)
    if not state or not _pid_alive(state["pid"]) or not _bolt_handshake(state["bolt_port"]):
        return None
    known, generated = _known_password(home, password)
    uri = f"bolt://{HOST}:{state['bolt_port']}"
    return ServerInfo(uri, USERNAME, known, state["pid"], home, state.get("http_port"), generated)


def _auth_line(username: str, password: str, salt: bytes | None = None) -> str:
    """A line of Neo4j's ``data/dbms/auth.ini``: the user and a salted, iterated SHA-256 of the password.

    It is what ``neo4j-admin dbms set-initial-password`` writes (Neo4j's ``LegacyCredential``): 1,024 rounds
    of SHA-256 over the salt and the password. The server reads it once, when it creates its system database.

    >>> _auth_line("neo4j", "secret-password", bytes(32)).split(",")[0]
    'neo4j:SHA-256'
    """
    salt = secrets.token_bytes(32) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(AUTH_ITERATIONS - 1):
        digest = hashlib.sha256(digest).digest()
    return f"{username}:SHA-256,{digest.hex()},{salt.hex()},{AUTH_ITERATIONS}:\n"


def _set_initial_password(home: Path, password: str) -> Path:
    """Write the initial password of user ``neo4j`` into ``home/data/dbms/auth.ini``, readable by the user only.

    Only a salted hash goes there, and the password is never in an environment, an argument list or a
    file of its own: no other process ever sees it.
    """
    if len(password) < 8:
        raise Neo4jServerError("Neo4j needs a password of at least 8 characters")
    folder = home / "data" / "dbms"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    auth = folder / AUTH_FILE
    auth.unlink(missing_ok=True)  # a leftover of an earlier, unfinished first start
    fd = os.open(auth, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_auth_line(USERNAME, password))
    return auth


def _child_env(home: Path, *, keep: tuple[str, ...] = SERVER_ENV) -> dict[str, str]:
    """The environment of a process this module starts: only the variables named in ``keep`` (and locales).

    Never the password (``NEO4J_PASSWORD``) or any other secret the caller's environment holds.
    """
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("LC_")}
    for name in list(env):
        if _SECRET_NAME.search(name):
            del env[name]
    env.update(NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    return env


def start(
    home: Path | None = None,
    bolt_port: int = 7687,
    http_port: int = 7474,
    password: str | None = None,
    timeout: float = 120,
    fresh: bool = False,
    heap: str = "1g",
    pagecache: str = "512m",
) -> ServerInfo:
    """Start the server in the background (or return the one already running).

    Builds the jars if needed, writes ``home/conf/neo4j.conf``, sets the
    initial password on an empty data folder (``password``, else ``$NEO4J_PASSWORD``,
    else a generated one kept in ``home/password``), launches the JVM in its own
    process group with output in ``home/logs/console.log``, and waits up to
    ``timeout`` seconds for Bolt, HTTP and (if the ``neo4j`` driver is
    installed) ``RETURN 1``.  ``fresh=True`` stops a running server and wipes ``home/data``.
    """
    home = _home(home)
    (home / "run").mkdir(parents=True, exist_ok=True)
    with (home / "run" / "start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one start at a time per home
        if fresh:
            stop(home)
            shutil.rmtree(home / "data", ignore_errors=True)
        elif (info := status(home, password)) is not None:
            return info
        stop(home)  # clear a stale pid file or a hung leftover process
        return _launch(home, bolt_port, http_port, password, timeout, heap, pagecache)


def _launch(
    home: Path, bolt_port: int, http_port: int, password: str | None, timeout: float, heap: str, pagecache: str
) -> ServerInfo:
    for port in (bolt_port, http_port):
        if _port_open(port):
            raise Neo4jServerError(f"port {port} on {HOST} is already in use by another process")
    build(home)
    java = _java()
    for sub in ("data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    conf = home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    settings = {"host": HOST, "home": home, "bolt_port": bolt_port, "http_port": http_port}
    (conf / "neo4j.conf").write_text(CONF.format(**settings, heap=heap, pagecache=pagecache))
    caller = password
    if not (home / "data" / "databases" / "system").exists():  # a fresh data folder: set its password
        given = _given_password(password)
        if given is None:
            password, generated = _new_password(home), True
        else:
            (home / PASSWORD_FILE).unlink(missing_ok=True)  # a generated one of earlier data is not this data's
            password, generated = given, False
        _set_initial_password(home, password)
    else:
        password, generated = _known_password(home, password)
    rejected = _rejected(home, caller)
    with suppress(FileNotFoundError):  # written by an older valuenet (through neo4j-admin), readable by all
        (home / "data" / "dbms" / AUTH_FILE).chmod(0o600)
    cmd = [java, "-cp", str(home / "lib" / "*"), f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, ENTRY_POINT]
    cmd += [f"--home-dir={home}", f"--config-dir={conf}"]
    env = _child_env(home)
    console, user_log = home / "logs" / "console.log", home / "logs" / "neo4j.log"
    logs = {p: p.stat().st_size if p.exists() else 0 for p in (console, user_log)}  # report only this run's lines
    with console.open("ab") as out:  # a session of its own: outlives this process, stopped by group
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdin=DEVNULL, stdout=out, stderr=out, start_new_session=True)
    _CHILDREN[proc.pid] = proc
    (home / "run" / "neo4j.pid").write_text(f"{proc.pid}\n")
    (home / "run" / "server.json").write_text(
        json.dumps({"pid": proc.pid, "bolt_port": bolt_port, "http_port": http_port}) + "\n"
    )
    uri, deadline = f"bolt://{HOST}:{bolt_port}", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise Neo4jServerError(f"Neo4j exited with code {proc.returncode}:\n{_logs(logs)}")
            if _bolt_handshake(bolt_port) and _port_open(http_port) and _query_ok(uri, password, rejected):
                return ServerInfo(uri, USERNAME, password, proc.pid, home, http_port, generated)
            time.sleep(0.5)
        raise Neo4jServerError(f"Neo4j did not answer on {uri} within {timeout:.0f}s:\n{_logs(logs)}")
    except BaseException:
        stop(home)  # never leave a half-started server behind
        raise


def stop(home: Path | None = None, timeout: float = 60) -> bool:
    """Stop the server under ``home``: SIGTERM, wait ``timeout`` s, then SIGKILL.

    Returns True if a server process was stopped, False if none was running.
    """
    home = _home(home)
    state = _read_state(home)
    pid = state["pid"] if state else None
    stopped = False
    if pid and _pid_alive(pid):
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
            with suppress(ProcessLookupError):
                os.killpg(pid, sig)
            deadline = time.monotonic() + wait
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if not _pid_alive(pid):
                break
        else:
            raise Neo4jServerError(f"Neo4j (pid {pid}) did not stop")
        stopped = True
    for name in ("server.json", "neo4j.pid"):
        (home / "run" / name).unlink(missing_ok=True)
    return stopped


#: The admin tool's entry point (``neo4j-admin``), in the same jars as the server.
ADMIN_ENTRY_POINT = "org.neo4j.cli.AdminTool"


def admin_import(home: Path | None, arguments: list[str], database: str = "neo4j", heap: str = "1g") -> str:
    """Run ``neo4j-admin database import full`` of the server under ``home`` into ``database``; its output.

    The server must be stopped (the admin tool writes the store files directly) and must have been started
    once (its ``conf/neo4j.conf`` is what the tool reads). ``arguments`` are the tool's options and its
    ``--nodes``/``--relationships`` files; the database is overwritten (``--overwrite-destination``). The tool
    runs with the same reduced environment as the server: no password, no secret.
    """
    home = _home(home)
    if status(home) is not None:
        raise Neo4jServerError("the server is running; stop it before a bulk import (valuenet neo4j stop)")
    if not (home / "conf" / "neo4j.conf").is_file():
        raise Neo4jServerError(f"no server configuration under {home}; start the server once first")
    build(home)
    cmd = [_java(), "-cp", str(home / "lib" / "*"), f"-Xmx{heap}", *JVM_FLAGS, ADMIN_ENTRY_POINT]
    cmd += ["database", "import", "full", database, "--overwrite-destination=true", *arguments]  # files take many
    proc = subprocess.run(
        cmd, cwd=home, env=_child_env(home), stdin=DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if proc.returncode != 0:
        last = "\n".join(proc.stdout.splitlines()[-30:])
        raise Neo4jServerError(f"neo4j-admin database import failed (exit {proc.returncode}):\n{last}")
    return proc.stdout
