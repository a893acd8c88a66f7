"""Private MariaDB and PostgreSQL servers for the tests: each on a free port
on 127.0.0.1, in a temporary directory of its own, stopped by PID (never by
name).  SQLite needs no server; these are for the tests that run the suite
against the other two databases (FLAGON_TEST_DB, tests/integration/
conftest.py).

    s = MariaDB(tmpdir).start()          # or PostgreSQL(tmpdir).start()
    s.uri        # mysql://flagon:pw%40...@127.0.0.1:PORT/flagon_test
    s.host, s.port, s.user, s.password, s.database, s.socket
    s.create_database("other")           # a second database, its URI
    s.reset()                            # drop and recreate flagon_test (empty)
    s.stop()                             # the server is gone: port closed, PID dead

MariaDB (Debian's mariadb-server, 10.11): mariadb-install-db --no-defaults
into <tmpdir>/data (half a second), then mariadbd --no-defaults on the port
and a Unix socket <tmpdir>/mysqld.sock, as the user running the tests (as
root: --user=root; mariadbd refuses root otherwise).  Settings for speed,
not durability: no binary log, innodb_flush_log_at_trx_commit=2, no
doublewrite, a 32 MB buffer pool.  The superuser is root over the socket,
without a password; the tests' user `flagon` logs in with a password from
127.0.0.1 and localhost (socket), with every right on its databases.

PostgreSQL (Debian's postgresql, 15: the highest /usr/lib/postgresql/N/bin):
it refuses to run as root, so under root initdb and postgres run as the
unprivileged system user `postgres` (Popen's user/group; the data directory
is then a mkdtemp directory of its own under $TMPDIR, owned by postgres,
since pytest's base directory is root's alone; stop() removes it).  Not as
root, they run as the current user in <tmpdir>.  fsync, synchronous_commit
and full_page_writes are off.  Authentication (pg_hba.conf): the superuser
`postgres` over the Unix socket without a password (administration);
everyone else with a password (scram-sha-256), over TCP from 127.0.0.1 and
over the socket.  The tests' user `flagon` owns its databases.

Administration (create, reset) goes through pymysql and psycopg2 over the
socket: faster than a client program per step.  Start-up on this kind of
machine: MariaDB about 0.7 s, PostgreSQL about 0.7 s (initdb included);
stop() well under a second.

A binary or driver that is not installed raises Missing; the pytest
fixtures turn it into servers.missing() (skip, or fail under CI=true).
tools/dbservers.py starts and stops them outside pytest for the C unit
tests (tests/run.sh; tests/unit/dbserver.h), from the state() each writes.
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import servers

READY_TIMEOUT = 30.0
USER = "flagon"
DATABASE = "flagon_test"
# A password with a character a URI must percent-encode, so that every URI
# parser on the way (DATABASE_URI) is tried with one.
PASSWORD = "flagon@pw/1"

MARIADB_INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
PG_SYSTEM_USER = "postgres"

# Every server started and not yet stopped is in servers._running too: its
# atexit hook (servers.stop_all) stops what a crashed run left.
_running = servers._running

# FLAGON_TEST_DB: which databases the suite runs against.
ALL_DATABASES = ("sqlite", "mysql", "postgresql")
ALIASES = {"mariadb": "mysql", "postgres": "postgresql"}
DEFAULT_TEST_DB = "sqlite"      # pytest by hand; make test passes FLAGON_TEST_DB=all


def selected(value=None):
    """The databases FLAGON_TEST_DB (or `value`) selects, in ALL_DATABASES'
    order: a comma-separated list of sqlite, mysql (or mariadb), postgresql
    (or postgres), or `all`; unset or empty: DEFAULT_TEST_DB.  ValueError
    names a word that is none of these."""
    if value is None:
        value = os.environ.get("FLAGON_TEST_DB", "")
    words = [w.strip().lower() for w in value.split(",") if w.strip()] or [DEFAULT_TEST_DB]
    chosen = set()
    for w in words:
        if w == "all":
            chosen.update(ALL_DATABASES)
            continue
        w = ALIASES.get(w, w)
        if w not in ALL_DATABASES:
            raise ValueError("FLAGON_TEST_DB=%s: %r is not one of sqlite, mysql, postgresql, all"
                             % (value, w))
        chosen.add(w)
    return tuple(k for k in ALL_DATABASES if k in chosen)



class Missing(RuntimeError):
    """What a server needs is not installed: str() says what, .hint how to get it."""

    def __init__(self, what, hint="apt-get install mariadb-server postgresql "
                 "python3-pymysql python3-psycopg2, or make install-deps"):
        super().__init__(what)
        self.hint = hint


def port_open(port):
    """True when something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def pid_alive(pid):
    """True while process `pid` exists and is not a zombie."""
    return servers._alive(pid)


def stop_pid(pid, sig=signal.SIGTERM, timeout=20.0, proc=None):
    """Stop process `pid`: `sig`, then SIGKILL after `timeout` seconds.
    `proc` (its Popen, when we are its parent) is reaped."""
    if proc is not None and proc.poll() is not None:
        return
    try:
        os.kill(pid, sig)
    except OSError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return
        if proc is None and not pid_alive(pid):
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    if proc is not None:
        proc.wait(timeout=10)


def _quote_ident(name, q):
    if not name.replace("_", "").isalnum():
        raise ValueError("bad database name %r" % name)
    return q + name + q


class DatabaseServer:
    """What MariaDB and PostgreSQL have in common: a process started with
    Popen in its own session, a port, the tests' user and database."""
    kind = "?"          # the FLAGON_TEST_DB name: mysql, postgresql
    scheme = "?"        # the URI's scheme

    def __init__(self, tmpdir, port=None):
        """tmpdir: a directory of this server's own (created if need be)."""
        self.tmpdir = os.path.abspath(str(tmpdir))
        os.makedirs(self.tmpdir, exist_ok=True)
        self.host = "127.0.0.1"
        self.port = port or servers.free_port()
        self.user = USER
        self.password = PASSWORD
        self.database = DATABASE
        self.log = os.path.join(self.tmpdir, "%s.log" % self.kind)
        self.proc = None
        self.pid = None
        self.startup_seconds = None

    # -- URIs --
    def uri_for(self, database):
        """The SQLAlchemy-form URI of `database` for the tests' user, over TCP."""
        return "%s://%s:%s@%s:%d/%s" % (
            self.scheme, urllib.parse.quote(self.user, safe=""),
            urllib.parse.quote(self.password, safe=""), self.host, self.port, database)

    @property
    def uri(self):
        """The tests' database's URI (mysql://... or postgresql://...)."""
        return self.uri_for(self.database)

    # -- life cycle --
    def start(self):
        """Initialise, start, wait until it answers, create the tests' user
        and database; returns self.  Missing when not installed;
        RuntimeError (with the server's log) when it does not come up."""
        self.require()
        t0 = time.monotonic()
        self.initialise()
        out = open(self.log, "ab")
        try:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         **self.popen_user())
        finally:
            out.close()
        self.pid = self.proc.pid
        _running.append(self)
        try:
            self.wait_ready()
            self.create_user()
            self.create_database(self.database)
        except Exception:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s:\n%s" % (
                    self.kind, self.proc.returncode, servers.tail(self.log)))
            try:
                self.admin("SELECT 1")
                return
            except Exception as e:      # not listening yet
                last = e
            time.sleep(0.03)
        raise RuntimeError("%s not ready after %.0f s (%s):\n%s" % (
            self.kind, READY_TIMEOUT, last, servers.tail(self.log)))

    def stop(self):
        """Stop the server by its PID and wait until it has gone."""
        if self.pid is None:
            return
        pid, proc = self.pid, self.proc
        self.pid = self.proc = None
        if self in _running:
            _running.remove(self)
        stop_pid(pid, self.stop_signal, proc=proc)
        self.cleanup()

    def reset(self, database=None):
        """Drop and recreate `database` (default the tests' own): empty,
        owned by the tests' user; other sessions on it are ended first."""
        database = database or self.database
        self.drop_database(database)
        self.create_database(database)

    def detach(self):
        """Forget the server here without stopping it: the atexit hook leaves
        it running, for another process to stop from state()
        (tools/dbservers.py)."""
        if self in _running:
            _running.remove(self)

    def state(self):
        """What tools/dbservers.py keeps to find and stop this server later."""
        return {"kind": self.kind, "pid": self.pid, "port": self.port, "tmpdir": self.tmpdir,
                "uri": self.uri, "cleanup": self.cleanup_dir()}

    # -- subclasses --
    stop_signal = signal.SIGTERM

    def require(self):
        raise NotImplementedError

    def initialise(self):
        raise NotImplementedError

    def command(self):
        raise NotImplementedError

    def popen_user(self):
        return {}

    def connect(self, database=None):
        """The superuser's connection over the Unix socket, autocommit
        (pymysql / psycopg2), to `database` (None: the server's default)."""
        raise NotImplementedError

    def admin(self, *statements, database=None):
        """Run `statements` as the superuser (connect()); the last one's
        rows ([] for a statement without)."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
                return list(cur.fetchall()) if cur.description else []
        finally:
            conn.close()

    def create_user(self):
        raise NotImplementedError

    def create_database(self, name):
        """Create database `name` for the tests' user; its URI."""
        raise NotImplementedError

    def drop_database(self, name):
        raise NotImplementedError

    def cleanup_dir(self):
        """A directory outside tmpdir that stop() removes (None: none)."""
        return None

    def cleanup(self):
        d = self.cleanup_dir()
        if d:
            shutil.rmtree(d, ignore_errors=True)

    def __repr__(self):
        return "<%s 127.0.0.1:%d pid %s>" % (self.kind, self.port, self.pid)


class MariaDB(DatabaseServer):
    """A private mariadbd (MySQL's protocol: the mysql:// URIs)."""
    kind = "mysql"
    scheme = "mysql"

    def __init__(self, tmpdir, port=None):
        super().__init__(tmpdir, port)
        self.datadir = os.path.join(self.tmpdir, "data")
        self.socket = os.path.join(self.tmpdir, "mysqld.sock")
        self.pid_file = os.path.join(self.tmpdir, "mysqld.pid")

    def require(self):
        for exe in (MARIADB_INSTALL_DB, MARIADBD):
            if not os.access(exe, os.X_OK):
                raise Missing("%s is not installed" % os.path.basename(exe))
        try:
            import pymysql  # noqa: F401
        except ImportError:
            raise Missing("python3-pymysql is not installed")

    def server_options(self):
        # Temporary tables in a directory of its own: /tmp is shared with
        # whatever else cleans it (a deleted #sql-temptable file fails a query).
        os.makedirs(os.path.join(self.tmpdir, "tmp"), exist_ok=True)
        opts = ["--datadir=" + self.datadir, "--tmpdir=" + os.path.join(self.tmpdir, "tmp"),
                "--skip-log-bin",
                "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
                "--innodb-flush-log-at-trx-commit=2", "--innodb-doublewrite=0",
                "--skip-name-resolve", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci"]
        if os.geteuid() == 0:
            opts.append("--user=root")
        return opts

    def initialise(self):
        r = subprocess.run([MARIADB_INSTALL_DB, "--no-defaults",
                            "--auth-root-authentication-method=normal", "--skip-test-db"]
                           + self.server_options(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=120, cwd=self.tmpdir)
        if r.returncode != 0:
            raise RuntimeError("mariadb-install-db failed (%d):\n%s%s"
                               % (r.returncode, r.stdout[-3000:], r.stderr[-3000:]))

    def command(self):
        return [MARIADBD, "--no-defaults"] + self.server_options() + [
            "--port=%d" % self.port, "--bind-address=127.0.0.1", "--skip-networking=0",
            "--socket=" + self.socket, "--pid-file=" + self.pid_file,
            "--log-error=" + self.log, "--max-connections=500"]

    def connect(self, database=None):
        import pymysql
        return pymysql.connect(unix_socket=self.socket, user="root", password="",
                               database=database, autocommit=True, connect_timeout=5)

    def create_user(self):
        pw = self.password.replace("\\", "\\\\").replace("'", "\\'")
        self.admin(*["CREATE USER '%s'@'%s' IDENTIFIED BY '%s'" % (self.user, h, pw)
                     for h in ("127.0.0.1", "localhost")])

    def create_database(self, name):
        db = _quote_ident(name, "`")
        # <name>_scratch: where db check / db migrate build the models'
        # tables to compare (lib/data/migrate/schema_mysql.c)
        scratch = _quote_ident(name + "_scratch", "`")
        self.admin("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" % db,
                   *["GRANT ALL ON %s.* TO '%s'@'%s'" % (d, self.user, h)
                     for h in ("127.0.0.1", "localhost") for d in (db, scratch)])
        return self.uri_for(name)

    def drop_database(self, name):
        # A session with a transaction open on the database would hold
        # DROP DATABASE on its metadata lock: end them first.
        for (cid,) in self.admin("SELECT id FROM information_schema.processlist "
                                 "WHERE db = '%s' AND id <> CONNECTION_ID()" % name):
            try:
                self.admin("KILL %d" % cid)
            except Exception:
                pass    # it ended by itself
        self.admin("DROP DATABASE IF EXISTS %s" % _quote_ident(name, "`"))


def pg_bindir():
    """Debian's newest /usr/lib/postgresql/N/bin, or None."""
    dirs = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
            if os.path.basename(os.path.dirname(d)).isdigit()]
    dirs.sort(key=lambda d: int(os.path.basename(os.path.dirname(d))))
    return dirs[-1] if dirs else None


class PostgreSQL(DatabaseServer):
    """A private postgres (the postgresql:// URIs)."""
    kind = "postgresql"
    scheme = "postgresql"
    stop_signal = signal.SIGINT     # "fast shutdown": ends the sessions

    def __init__(self, tmpdir, port=None):
        super().__init__(tmpdir, port)
        self.bindir = pg_bindir()
        self.as_root = os.geteuid() == 0
        self._own_dir = None
        self.base = self.tmpdir
        self.datadir = os.path.join(self.base, "data")
        self.socket = self.base     # the directory: .s.PGSQL.<port> in it

    def require(self):
        if not self.bindir:
            raise Missing("postgresql is not installed (no /usr/lib/postgresql/*/bin)")
        for exe in ("initdb", "postgres"):
            if not os.access(os.path.join(self.bindir, exe), os.X_OK):
                raise Missing("%s/%s is not installed" % (self.bindir, exe))
        if self.as_root:
            try:
                pwd.getpwnam(PG_SYSTEM_USER)
            except KeyError:
                raise Missing("no system user %r to run PostgreSQL as (it refuses root)"
                              % PG_SYSTEM_USER, "apt-get install postgresql")
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            raise Missing("python3-psycopg2 is not installed")

    def popen_user(self):
        if not self.as_root:
            return {}
        return {"user": PG_SYSTEM_USER, "group": PG_SYSTEM_USER, "extra_groups": []}

    def initialise(self):
        if self.as_root:
            # pytest's base directory is root's alone (0700): a directory
            # the postgres user can reach, of its own.
            self._own_dir = tempfile.mkdtemp(prefix="flagon-pg-")
            pw = pwd.getpwnam(PG_SYSTEM_USER)
            os.chown(self._own_dir, pw.pw_uid, pw.pw_gid)
            self.base = self.socket = self._own_dir
            self.datadir = os.path.join(self.base, "data")
        r = subprocess.run([os.path.join(self.bindir, "initdb"), "-D", self.datadir,
                            "-U", "postgres", "-A", "scram-sha-256", "--auth-local=trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=120, cwd=self.base, **self.popen_user())
        if r.returncode != 0:
            raise RuntimeError("initdb failed (%d):\n%s%s"
                               % (r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
        # The superuser over the socket without a password (administration);
        # everybody else with one.
        with open(os.path.join(self.datadir, "pg_hba.conf"), "w") as f:
            f.write("local all postgres trust\n"
                    "local all all scram-sha-256\n"
                    "host all all 127.0.0.1/32 scram-sha-256\n")

    def command(self):
        return [os.path.join(self.bindir, "postgres"), "-D", self.datadir,
                "-p", str(self.port), "-k", self.socket,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200", "-c", "shared_buffers=32MB"]

    def connect(self, database=None):
        import psycopg2
        conn = psycopg2.connect(host=self.socket, port=self.port, user="postgres",
                                dbname=database or "postgres", connect_timeout=5)
        conn.autocommit = True
        return conn

    def create_user(self):
        from psycopg2 import sql
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(
                    sql.Identifier(self.user)), (self.password,))
        finally:
            conn.close()

    def create_database(self, name):
        self.admin("CREATE DATABASE %s OWNER %s" % (_quote_ident(name, '"'),
                                                   _quote_ident(self.user, '"')))
        return self.uri_for(name)

    def drop_database(self, name):
        self.admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % _quote_ident(name, '"'))

    def cleanup_dir(self):
        return self._own_dir


KINDS = {"mysql": MariaDB, "postgresql": PostgreSQL}


def stop_pid_from_state(state):
    """Stop a server that another process started, from its state()."""
    sig = KINDS[state["kind"]].stop_signal
    if state.get("pid"):
        stop_pid(state["pid"], sig)
    if state.get("cleanup"):
        shutil.rmtree(state["cleanup"], ignore_errors=True)

