"""Real web servers on loopback for the integration tests.

Each server gets its own runtime directory (logs, sockets, pid file) and its
own database, migrated before it starts: a SQLite file in its var/, or
(db_kind "mysql", "postgresql") a fresh database on the session's private
MariaDB or PostgreSQL (dbservers.py; new_database()).  The tests' fixtures
make one server per (web server, database) pair FLAGON_TEST_DB selects:
matrix() gives the pairs, make() builds the server of one.
Servers are started with subprocess.Popen and stopped by PID: the server
itself first (SIGTERM, then SIGKILL), then any FastCGI process it spawned
that is still alive (for Apache + mod_proxy_fcgi, the spawn-fcgi pools by
the PIDs in their pid files).  An atexit hook stops whatever a crashed test
run left.
"""
import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

import dbaccess

ROOT = os.path.abspath(os.environ.get("FLAGON_ROOT")
                       or os.path.join(os.path.dirname(__file__), "..", ".."))


def _under_root(path):
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(ROOT, path))


OUT = _under_root(os.environ.get("FLAGON_OUT", "."))
BUILD = _under_root(os.environ.get("FLAGON_BUILD", "build"))
MANAGE = os.path.join(OUT, "manage")
MAIN_EXE = os.path.join(OUT, "cgi-bin", "main")
CRASHAPP_EXE = os.path.join(BUILD, "tests", "integration", "crashapp")
REQINFO_EXE = os.path.join(BUILD, "tests", "integration", "reqinfo")
LIGHTTPD = shutil.which("lighttpd") or "/usr/sbin/lighttpd"
APACHE = "/usr/sbin/apache2"

READY_TIMEOUT = 30.0    # ASan builds start slowly
SECRET_KEY = "integration-test-secret-key"
# The test servers' MAX_CONTENT_LENGTH, small so that the 413 tests send
# little; a server made with max_content_length=None runs with the
# application's default (16 MiB).
MAX_CONTENT_LENGTH = 1024
DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024 * 1024

_running = []           # every Server started and not yet stopped


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(var_dir, max_content_length=MAX_CONTENT_LENGTH):
    """The application's configuration for a server whose runtime is var_dir
    (max_content_length None: the application's default)."""
    env = {
        "APP_CONFIG": "testing",
        "DATABASE_URI": "sqlite:///" + os.path.join(var_dir, "test.sqlite"),
        "SECRET_KEY": SECRET_KEY,
        "FLAGON_ROOT": ROOT,
    }
    if max_content_length is not None:
        env["MAX_CONTENT_LENGTH"] = str(max_content_length)
    return env


def request_body_limit(max_content_length):
    """The largest request body a web server should let through to the
    application whose MAX_CONTENT_LENGTH is `max_content_length` (None: the
    default): a quarter more, at least 1 MiB more, so that the application,
    not the server, answers a body just over its limit with its own 413
    (docs/deploy.md, "Request size limits")."""
    n = DEFAULT_MAX_CONTENT_LENGTH if max_content_length is None else max_content_length
    return n + max(n // 4, 1024 * 1024)


def base_env(extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLAGON_", "APP_CONFIG", "DATABASE_URI", "SECRET_KEY",
                                "MAX_CONTENT_LENGTH", "APACHE_"))}
    env.update(extra)
    return env


def run_manage(args, env, timeout=60, manage=MANAGE):
    return subprocess.run([manage] + list(args), env=base_env(env), cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def tail(path, lines=40):
    try:
        with open(path, "rb") as f:
            data = f.read()[-20000:]
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def in_ci():
    """True when the environment says this is CI (CI=true, as CI systems
    set it; also 1 or yes)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what, hint):
    """The one rule for a test whose server or helper program is not there
    (redis-server, the SMTP server, crashapp, sessiontool, Chromium): `what`
    says what is missing, `hint` how to get it.  A developer's run skips the
    test; under CI=true it fails, since CI installs and builds everything and
    a skip there would only hide tests that never ran.  Skips for any other
    reason (a test that applies to one backend only) stay plain
    pytest.skip().  Does not return."""
    text = "%s (%s)" % (what, hint)
    if in_ci():
        pytest.fail("missing under CI=true: " + text, pytrace=False)
    pytest.skip(text)


def serve_test_app(request, tmp_path_factory, name, exe):
    """A module fixture's server of request.param (a key of KINDS, on
    SQLite, or a pair of matrix(KINDS))
    serving the test program `exe` alone under /cgi-bin/<name>, started,
    and stopped when the fixture ends; missing() when `exe` is not built."""
    if not os.access(exe, os.X_OK):
        missing("%s is not built" % name,
                "make unit-bins builds $FLAGON_BUILD/tests/integration/%s" % name)
    s = make(request.param, str(tmp_path_factory.mktemp("%s-%s" % (name, request.param))),
             {name: exe})
    request.addfinalizer(s.stop)
    s.start()
    return s


def terminate(proc, timeout=10):
    """Stop the process `proc` (a Popen) by its PID: SIGTERM, and SIGKILL
    when it has not exited after `timeout` seconds.  Nothing when it has
    already exited."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _children_of(pids):
    """Every live descendant of `pids` (read from /proc)."""
    parent = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parent[int(d)] = int(fields[1])
    found, frontier = set(), set(pids)
    while frontier:
        nxt = {p for p, pp in parent.items() if pp in frontier and p not in found}
        found |= nxt
        frontier = nxt
    return found


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        return stat[stat.rfind(")") + 2] != "Z"
    except OSError:
        return False


def kill_stragglers(pids, grace=5):
    """Wait up to `grace` seconds for the processes `pids` to end, then
    SIGKILL those still alive."""
    deadline = time.monotonic() + grace
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


class Server:
    """One web server process on 127.0.0.1:<free port>."""
    kind = "?"

    def __init__(self, workdir, mounts, extra_env=None, max_content_length=MAX_CONTENT_LENGTH,
                 manage=MANAGE, db_kind="sqlite"):
        """workdir: an empty directory of its own; mounts: {blueprint: exe};
        extra_env: further application settings (SESSION_TYPE, REDIS_URL,
        CACHE_TYPE, ...) handed to every FastCGI program and to ./manage;
        max_content_length: the application's MAX_CONTENT_LENGTH (None:
        its default, 16 MiB); manage: the application's manage (Flasky's
        ./manage unless the programs are another application's); db_kind:
        "sqlite" (a file in var/) or "mysql"/"postgresql" (a new database
        on the session's server: new_database()); a DATABASE_URI in
        extra_env wins over both."""
        self.manage = manage
        self.workdir = workdir
        self.var = os.path.join(workdir, "var")
        self.bin = os.path.join(workdir, "bin")
        os.makedirs(os.path.join(self.var, "run"))
        os.makedirs(os.path.join(self.bin, "cgi-bin"))
        for name, exe in mounts.items():
            os.symlink(exe, os.path.join(self.bin, "cgi-bin", name))
        self.mounts = dict(mounts)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.max_content_length = max_content_length
        self.env = app_env(self.var, max_content_length)
        self.extra_env = dict(extra_env or {})
        if db_kind != "sqlite" and "DATABASE_URI" not in self.extra_env:
            self.extra_env["DATABASE_URI"] = new_database(db_kind, os.path.basename(workdir))
        self.env.update(self.extra_env)
        self.database_uri = self.env["DATABASE_URI"]
        self.db_kind = dbaccess.kind_of(self.database_uri)
        # The SQLite file (None on a database server).
        self.db_path = (dbaccess.sqlite_path(self.database_uri) if self.db_kind == "sqlite"
                        else None)
        self.stdout_log = os.path.join(self.var, "server-stdout.log")
        self.proc = None
        self.descendants = set()

    # -- subclasses --
    def command(self):
        raise NotImplementedError

    def server_env(self):
        raise NotImplementedError

    @property
    def error_log(self):
        raise NotImplementedError

    # -- life cycle --
    def migrate(self):
        """The application's tables in this server's database."""
        command = ["db", "upgrade"]
        r = run_manage(command, self.env, manage=self.manage)
        if r.returncode != 0:
            raise RuntimeError("manage %s failed (%d):\n%s%s"
                               % (" ".join(command), r.returncode, r.stdout, r.stderr))

    def query(self, sql, *args):
        """Rows (tuples) of one statement on this server's database
        (dbaccess: `?` placeholders, whichever database it is)."""
        return dbaccess.query(self.database_uri, sql, *args)

    def execute(self, sql, *args):
        """One write on this server's database; the rows it touched."""
        return dbaccess.execute(self.database_uri, sql, *args)

    def seed(self):
        """./manage seed on this server's database (idempotent)."""
        r = run_manage(["seed"], self.env, manage=self.manage)
        if r.returncode != 0:
            raise RuntimeError("manage seed failed (%d):\n%s%s"
                               % (r.returncode, r.stdout, r.stderr))

    def before_start(self):
        """What runs after the migration and before the server starts."""

    def start(self):
        self.migrate()
        self.before_start()
        out = open(self.stdout_log, "ab")
        try:
            self.proc = subprocess.Popen(self.command(), env=base_env(self.server_env()),
                                         cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        finally:
            out.close()
        _running.append(self)
        try:
            self.wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        last = None
        # The server answers (static file), then each blueprint has started.
        # A path no blueprint routes: the program's own 404 page proves it
        # runs without depending on its tables existing.
        paths = ["/static/style.css"] + ["/cgi-bin/%s/__ready__" % m for m in self.mounts]
        for path in paths:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError("%s exited with %s:\n%s" % (
                        self.kind, self.proc.returncode, self.logs()))
                try:
                    r = requests.get(self.url + path, timeout=10, allow_redirects=False)
                    if r.status_code == 200 or (r.status_code == 404 and (
                            "Page Not Found" in r.text or  # the HTML 404 page
                            r.headers.get("Content-Type", "").startswith(
                                "application/json"))):     # a JSON API's 404
                        break
                    last = "%s -> %d" % (path, r.status_code)
                except requests.RequestException as e:
                    last = "%s -> %s" % (path, e)
                if time.monotonic() > deadline or self.startup_failed():
                    raise RuntimeError("%s not ready after %.0f s (%s):\n%s" % (
                        self.kind, READY_TIMEOUT, last, self.logs()))
                time.sleep(0.1)

    def startup_failed(self):
        """Whether a program said its start-up failed (fl_run): it will
        not come up, however long one waits."""
        return any("start-up failed" in tail(p, 20) for p in self.log_files())

    def stop(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if self in _running:
            _running.remove(self)
        self.descendants |= _children_of([proc.pid])
        terminate(proc, timeout=15)
        # FastCGI processes the server spawned and did not reap in time.
        kill_stragglers(self.descendants)

    def remember_children(self):
        """Note the processes spawned so far, so stop() can reap stragglers."""
        if self.proc is not None:
            self.descendants |= _children_of([self.proc.pid])

    def logs(self, lines=40):
        parts = []
        for path in self.log_files():
            t = tail(path, lines)
            if t:
                parts.append("---- %s (last %d lines) ----\n%s" % (path, lines, t))
        return "\n".join(parts) or "(no server log)"

    def log_files(self):
        """Where the server and the FastCGI programs' stderr end up."""
        return [self.error_log, self.stdout_log]

    def log_mark(self):
        """The current end of every log, for log_since()."""
        return {p: (os.path.getsize(p) if os.path.exists(p) else 0) for p in self.log_files()}

    def log_since(self, mark):
        """What every log received after log_mark() returned `mark`."""
        parts = []
        for path in self.log_files():
            try:
                with open(path, "rb") as f:
                    f.seek(mark.get(path, 0))
                    parts.append(f.read().decode("utf-8", "replace"))
            except OSError:
                pass
        return "".join(parts)

    def __repr__(self):
        return "<%s %s>" % (self.kind, self.url)


# ---- databases ----

# The function new_database() asks for a database on a server: conftest.py
# installs it for the session (it starts the server on first use).
DATABASE_PROVIDER = None


def new_database(kind, label):
    """The URI of a new, empty database on the session's `kind` server
    ("mysql", "postgresql"), named after `label`."""
    if DATABASE_PROVIDER is None:
        raise RuntimeError("no database servers here (tests/integration/conftest.py "
                           "installs servers.DATABASE_PROVIDER)")
    return DATABASE_PROVIDER(kind, label)


ALL_DATABASES = ("sqlite", "mysql", "postgresql")


def test_databases():
    """The databases FLAGON_TEST_DB selects (dbservers.selected())."""
    import dbservers
    return list(dbservers.selected())


def matrix(web_kinds):
    """The ids "<web>-<database>" of every pair of a web server kind in
    `web_kinds` and a database FLAGON_TEST_DB selects, sorted by web
    server: the params of a fixture that make()s servers."""
    return ["%s-%s" % (w, d) for w in sorted(web_kinds) for d in test_databases()]


def split_pair(param):
    """("apache-proxy-fcgi", "mysql") from a matrix() id; a web server
    kind alone ("lighttpd") is that server on SQLite."""
    if param in ALL_KINDS:
        return param, "sqlite"
    web, _, db = param.rpartition("-")
    return web, db


def make(param, workdir, mounts, **kwargs):
    """The (not started) server of matrix() id `param` (or of a web
    server kind alone, on SQLite), with Server's other arguments."""
    web, db = split_pair(param)
    return ALL_KINDS[web](workdir, mounts, db_kind=db, **kwargs)


class Lighttpd(Server):
    """lighttpd -D -f lighttpd.conf; blueprints from FLAGON_BIN/cgi-bin."""
    kind = "lighttpd"

    def command(self):
        return [LIGHTTPD, "-D", "-f", os.path.join(ROOT, "lighttpd.conf")]

    def server_env(self):
        env = dict(self.env)
        env.update({
            "FLAGON_VAR": self.var,
            "FLAGON_BIN": self.bin,
            "FLAGON_LISTEN_HOST": "127.0.0.1",
            "FLAGON_LISTEN_PORT": str(self.port),
            "FLAGON_PROCS": "2",
        })
        return env

    @property
    def error_log(self):
        return os.path.join(self.var, "lighttpd-error.log")

    def log_files(self):
        # The programs' stderr: server.breakagelog in lighttpd.conf.
        return [self.error_log, os.path.join(self.var, "fastcgi-error.log"), self.stdout_log]


class Apache(Server):
    """apache2 -DFOREGROUND -f apache.conf (mod_fcgid); blueprints from
    FLAGON_OUT/cgi-bin."""
    kind = "apache"
    defines = []

    def command(self):
        return [APACHE, "-DFOREGROUND"] + ["-D" + d for d in self.defines] + [
            "-f", os.path.join(ROOT, "apache.conf")]

    def server_env(self):
        env = dict(self.env)
        env.update({
            "FLAGON_VAR": self.var,
            "FLAGON_OUT": self.bin,
            "FLAGON_LISTEN_PORT": str(self.port),
            "FLAGON_MAX_REQUEST_BODY": str(request_body_limit(self.max_content_length)),
        })
        # Settings beyond the ones apache.conf passes itself.
        with open(os.path.join(self.var, "apache-env.conf"), "w") as f:
            if self.max_content_length is not None:
                f.write('FcgidInitialEnv MAX_CONTENT_LENGTH "%d"\n' % self.max_content_length)
            for k, v in sorted(self.extra_env.items()):
                f.write('FcgidInitialEnv %s "%s"\n' % (k, str(v).replace('"', '\\"')))
        return env

    @property
    def error_log(self):
        return os.path.join(self.var, "apache-error.log")


class ApacheProxyFcgi(Apache):
    """apache.conf's other variant, as docs/deploy.md starts it: a
    spawn-fcgi pool per blueprint (tools/spawn-fcgi-pools.sh start, with the
    application's environment), then apache2 -DFLAGON_PROXY_FCGI
    (mod_proxy_fcgi to the pools' sockets).  stop() stops Apache, then
    every pool process by the PIDs in FLAGON_VAR/run/<blueprint>.pid."""
    kind = "apache-proxy-fcgi"
    defines = ["FLAGON_PROXY_FCGI"]
    POOL_SCRIPT = os.path.join(ROOT, "tools", "spawn-fcgi-pools.sh")

    def server_env(self):
        env = super().server_env()
        env["FLAGON_PROCS"] = "2"
        return env

    def log_files(self):
        # The pools' stderr (tools/spawn-fcgi-pools.sh).
        return super().log_files() + [os.path.join(self.var, "fastcgi-error.log")]

    def pool_pids(self):
        """The PIDs tools/spawn-fcgi-pools.sh recorded for this server's
        pools, of the processes that are still ours (their environment
        names this server's FLAGON_VAR: a PID reused by another process
        is left alone)."""
        pids = set()
        mark = ("FLAGON_VAR=%s" % self.var).encode()
        for name in self.mounts:
            try:
                with open(os.path.join(self.var, "run", name + ".pid")) as f:
                    recorded = {int(p) for p in f.read().split()}
            except (OSError, ValueError):
                continue
            for pid in recorded:
                try:
                    with open("/proc/%d/environ" % pid, "rb") as f:
                        if mark in f.read().split(b"\0"):
                            pids.add(pid)
                except OSError:
                    pass
        return pids

    def before_start(self):
        out = open(self.stdout_log, "ab")
        try:
            r = subprocess.run([self.POOL_SCRIPT, "start"], env=base_env(self.server_env()),
                               cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out,
                               stderr=subprocess.STDOUT, timeout=60)
        finally:
            out.close()
        if r.returncode != 0:
            self.stop_pools()
            raise RuntimeError("%s start failed (%d):\n%s" % (
                self.POOL_SCRIPT, r.returncode, self.logs()))

    def start(self):
        try:
            return super().start()
        except BaseException:
            self.stop_pools()
            raise

    def stop_pools(self):
        pids = self.pool_pids()
        for pid in pids:
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
        kill_stragglers(pids)

    def stop(self):
        super().stop()
        self.stop_pools()


# ---- helpers used by the tests ----

CSRF_RE = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>', re.I)
VALUE_RE = re.compile(r'\bvalue="([^"]*)"')


class Lighttpd3(Lighttpd):
    """lighttpd with three FastCGI processes per program: "several
    processes" of SPEC §7 made deterministic."""

    def server_env(self):
        env = super().server_env()
        env["FLAGON_PROCS"] = "3"
        return env


@contextlib.contextmanager
def sharing_one_database(tmp_path_factory, mounts, extra_env, name, db_kind="sqlite"):
    """(a, b): lighttpd with three processes per program and Apache
    (mod_fcgid) over one database of `db_kind` (so over one "sqlite"
    cache and one store of rate-limit counts); neither started yet.  Both
    are stopped on exit."""
    a = Lighttpd3(str(tmp_path_factory.mktemp(name + "-lighttpd")), mounts,
                  extra_env=extra_env, db_kind=db_kind)
    b = Apache(str(tmp_path_factory.mktemp(name + "-apache")), mounts,
               extra_env=dict(extra_env, DATABASE_URI=a.database_uri))
    try:
        yield a, b
    finally:
        b.stop()
        a.stop()


def run_cgi(cgi_env, exe="main", method="GET", path="/", query_string="", body=b"",
            extra=None):
    """The blueprint program `exe` run as plain CGI (RFC 3875), as from a
    shell; a body is sent as a form unless `extra` says otherwise (extra
    overrides every variable).  Returns the CompletedProcess."""
    env = dict(cgi_env)
    env.update({"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query_string,
                "SCRIPT_NAME": "/cgi-bin/" + exe, "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_NAME": "localhost", "SERVER_PORT": "80",
                "GATEWAY_INTERFACE": "CGI/1.1", "REMOTE_ADDR": "127.0.0.1"})
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    env.update(extra or {})
    return subprocess.run([os.path.join(os.path.dirname(MAIN_EXE), exe)],
                          env=base_env(env), input=body, capture_output=True, timeout=60,
                          cwd=ROOT)


def cgi_response(p):
    """(status, header lines, body text) of a CGI program's output."""
    head, sep, rest = p.stdout.partition(b"\r\n\r\n")
    assert sep, (p.stdout[:500], p.stderr[-2000:])
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("Status: "), lines
    return int(lines[0].split()[1]), lines, rest.decode("utf-8", "replace")


def raw_http(port, request):
    """Send `request` (bytes, as written) to 127.0.0.1:`port` and read the
    whole answer (the request should say Connection: close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


def wait_for_log(server, mark, pattern, timeout=5.0):
    """What `server`'s logs received since log_mark() returned `mark`, once
    it matches the regular expression `pattern` or after `timeout` seconds
    (the programs write some lines after the response: deferred work,
    teardown)."""
    deadline = time.monotonic() + timeout
    while True:
        new = server.log_since(mark)
        if re.search(pattern, new):
            return new
        if time.monotonic() > deadline:
            return new
        time.sleep(0.1)


def csrf_token(html):
    """The hidden csrf_token input's value in a page, or None."""
    m = CSRF_RE.search(html)
    if not m:
        return None
    v = VALUE_RE.search(m.group(0))
    return v.group(1) if v else None


def unique(prefix):
    """A user name no earlier test (or run) used."""
    return "%s%s" % (prefix, uuid.uuid4().hex[:8])


class Browser(requests.Session):
    """A client with its own cookies that speaks the server's paths."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.server.url + url
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)

    def get(self, url, **kwargs):
        # requests.Session.get would follow redirects by default.
        kwargs.setdefault("allow_redirects", False)
        return super().get(url, **kwargs)

    def index(self):
        """GET the Flasky index; returns (response, csrf token)."""
        r = self.get("/cgi-bin/main/")
        assert r.status_code == 200, (r.status_code, r.text[:500])
        return r, csrf_token(r.text)

    def submit_name(self, name, token=None):
        """POST the NameForm the way the browser would (token from a fresh GET
        unless given)."""
        if token is None:
            token = self.index()[1]
        return self.post("/cgi-bin/main/", data={"name": name, "csrf_token": token,
                                                   "submit": "Submit"})


# The servers every test of the `server` fixture runs against.
KINDS = {"lighttpd": Lighttpd, "apache": Apache}
# ... and the one the tests marked @pytest.mark.proxy_fcgi run against too
# (a representative set: adding it to every test would double Apache's time).
ALL_KINDS = dict(KINDS, **{"apache-proxy-fcgi": ApacheProxyFcgi})


def stop_all():
    for s in list(_running):
        try:
            s.stop()
        except Exception:
            pass


atexit.register(stop_all)
