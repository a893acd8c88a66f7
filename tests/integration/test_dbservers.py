"""The private MariaDB and PostgreSQL servers the suite runs against
(dbservers.py): both kinds whatever FLAGON_TEST_DB says, since these test
the harness itself.  A server logs its tests' user in with the password over
TCP on 127.0.0.1, refuses a wrong one, enforces a unique column, reset()
empties the database, and after stop() its port is closed and its process
gone; PostgreSQL runs as an unprivileged user."""
import os
import subprocess
import sys
import time

import pytest

import dbservers
import servers

SERVER_KINDS = ["mysql", "postgresql"]


def connect(s, password=None, database=None):
    """The tests' user's connection over TCP (pymysql / psycopg2)."""
    password = s.password if password is None else password
    if s.kind == "mysql":
        import pymysql
        return pymysql.connect(host=s.host, port=s.port, user=s.user, password=password,
                               database=database or s.database, connect_timeout=5)
    import psycopg2
    return psycopg2.connect(host=s.host, port=s.port, user=s.user, password=password,
                            dbname=database or s.database, connect_timeout=5)


def integrity_error(kind):
    if kind == "mysql":
        import pymysql
        return pymysql.err.IntegrityError
    import psycopg2
    return psycopg2.IntegrityError


def uid_of(pid):
    """The user id process `pid` runs as, or None when it has ended."""
    try:
        return os.stat("/proc/%d" % pid).st_uid
    except OSError:
        return None


def tables(s):
    c = connect(s)
    try:
        cur = c.cursor()
        schema = "DATABASE()" if s.kind == "mysql" else "'public'"
        cur.execute("SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = %s" % schema)
        return sorted(r[0] for r in cur.fetchall())
    finally:
        c.close()


@pytest.mark.parametrize("kind", SERVER_KINDS)
def test_login_over_tcp_with_password(database_server, kind):
    s = database_server(kind)
    assert s.uri == "%s://flagon:flagon%%40pw%%2F1@127.0.0.1:%d/flagon_test" % (s.scheme, s.port)
    c = connect(s)
    cur = c.cursor()
    cur.execute("SELECT current_user" + ("()" if kind == "mysql" else ""))
    assert cur.fetchone()[0].split("@")[0] == "flagon"
    c.close()
    with pytest.raises(Exception) as e:
        connect(s, password="wrong")
    assert "denied" in str(e.value) or "authentication failed" in str(e.value)


@pytest.mark.parametrize("kind", SERVER_KINDS)
def test_unique_column_refuses_duplicate(database_server, kind):
    s = database_server(kind)
    s.reset()
    c = connect(s)
    cur = c.cursor()
    cur.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(64) UNIQUE)")
    cur.execute("INSERT INTO users VALUES (1, 'susan')")
    c.commit()
    with pytest.raises(integrity_error(kind)):
        cur.execute("INSERT INTO users VALUES (2, 'susan')")
    c.rollback()
    cur.execute("SELECT username FROM users")
    assert cur.fetchall() in ([("susan",)], (("susan",),))
    c.close()


@pytest.mark.parametrize("kind", SERVER_KINDS)
def test_reset_empties_the_database(database_server, kind):
    s = database_server(kind)
    c = connect(s)
    cur = c.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS leftover (x INTEGER)")
    c.commit()
    # A session still open on the database does not hold reset() up.
    t0 = time.monotonic()
    s.reset()
    assert time.monotonic() - t0 < 5
    assert tables(s) == []
    other = s.create_database("second_db")
    assert other.endswith(":%d/second_db" % s.port)
    connect(s, database="second_db").close()
    s.drop_database("second_db")


@pytest.mark.parametrize("kind", SERVER_KINDS)
def test_stop_closes_port_and_ends_process(tmp_path, kind):
    s = dbservers.KINDS[kind](str(tmp_path))
    try:
        s.start()
    except dbservers.Missing as e:
        servers.missing(str(e), e.hint)
    pid, port = s.pid, s.port
    try:
        assert s.startup_seconds < 30
        assert dbservers.port_open(port)
        if kind == "postgresql":
            # postgres refuses root: it and its workers run unprivileged.
            uids = {p: uid_of(p) for p in [pid] + sorted(servers._children_of([pid]))}
            uids = {p: u for p, u in uids.items() if u is not None}   # not gone meanwhile
            assert len(uids) > 1 and pid in uids, uids
            assert 0 not in uids.values(), uids
    finally:
        s.stop()
    assert not dbservers.pid_alive(pid)
    assert not dbservers.port_open(port)
    if kind == "postgresql" and os.geteuid() == 0:
        assert not os.path.exists(s.datadir)    # its own directory is removed


def test_database_uri_for_sqlite(database_uri):
    a, b = database_uri("sqlite"), database_uri("sqlite")
    assert a.startswith("sqlite:////") and a != b


def test_module_database_uri(module_database_uri, db_kind):
    assert module_database_uri.startswith({"sqlite": "sqlite:///", "mysql": "mysql://",
                                           "postgresql": "postgresql://"}[db_kind])
    if db_kind != "sqlite":
        assert module_database_uri.endswith("/t_test_dbservers")


@pytest.mark.parametrize("value,kinds", [
    ("", ("sqlite",)),
    ("all", ("sqlite", "mysql", "postgresql")),
    ("postgres, mariadb", ("mysql", "postgresql")),
    ("MySQL", ("mysql",)),
])
def test_flagon_test_db_values(value, kinds):
    assert dbservers.selected(value) == kinds


def test_flagon_test_db_bad_value_stops_the_run():
    with pytest.raises(ValueError, match="'oracle' is not one of"):
        dbservers.selected("sqlite,oracle")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--collect-only", os.path.join(os.path.dirname(__file__),
                                                       "test_dbservers.py")],
                       env=dict(os.environ, FLAGON_TEST_DB="oracle"),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "'oracle' is not one of sqlite, mysql, postgresql, all" in r.stderr + r.stdout
