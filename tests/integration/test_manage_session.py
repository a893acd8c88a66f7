"""`./manage session purge` (issue 14): expired server-side sessions —
most of them records of anonymous visitors, made by every cookieless GET
of a page with a form (its CSRF token must persist) — are removed and
counted; live ones are kept.  Run on a real database and session
directory filled by the real program (cgi-bin/main as plain CGI)."""
import os
import re
import time

import pytest

import dbaccess
import servers

COOKIE_RE = re.compile(rb"^Set-Cookie: session=([A-Za-z0-9_-]{43})\.", re.M)


def store_params():
    """(SESSION_TYPE, database): the "sqlite" store on each database
    FLAGON_TEST_DB selects, the filesystem store beside SQLite."""
    out = []
    for db in servers.test_databases():
        out.append(pytest.param(("sqlite", db), id="sqlite-" + db))
    return out + [pytest.param(("filesystem", "sqlite"), id="filesystem")]


@pytest.fixture(params=store_params())
def store(request, tmp_path):
    kind, db = request.param
    var = str(tmp_path)
    env = dict(servers.app_env(var), SESSION_TYPE=kind, FLAGON_VAR=var)
    if db != "sqlite":
        env["DATABASE_URI"] = servers.new_database(db, "session_" + request.node.name)
    r = servers.run_manage(["db", "upgrade"], env)
    assert r.returncode == 0, r.stderr
    return kind, env, var


def anonymous_visit(env):
    """GET /cgi-bin/main/ without a cookie, as plain CGI: the id of the
    session record it leaves behind (the form's CSRF token)."""
    p = servers.run_cgi(env)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    m = COOKIE_RE.search(p.stdout)
    assert m, p.stdout[:600]
    return m.group(1).decode()


def records(kind, env, var):
    """{sid: expiry} of every record the store holds."""
    if kind == "sqlite":
        return {dbaccess.as_text(sid): expiry for sid, expiry in dbaccess.query(
            env["DATABASE_URI"], "SELECT id, expiry FROM flagon_sessions")}
    out = {}
    d = os.path.join(var, "sessions")
    for name in os.listdir(d):
        if not name.startswith("."):
            with open(os.path.join(d, name)) as f:
                out[name] = int(f.readline())
    return out


def expire(kind, env, var, sid):
    """Make record `sid` one that ran out an hour ago."""
    if kind == "sqlite":
        uri = env["DATABASE_URI"]
        dbaccess.execute(uri, "UPDATE flagon_sessions SET expiry = %s - 3600 WHERE id = ?"
                         % dbaccess.NOW_SECONDS[dbaccess.kind_of(uri)], sid)
        return
    path = os.path.join(var, "sessions", sid)
    with open(path) as f:
        f.readline()
        rest = f.read()
    with open(path, "w") as f:
        f.write("%d\n%s" % (int(time.time()) - 3600, rest))


def test_purge_removes_expired_and_keeps_live(store):
    kind, env, var = store
    sids = [anonymous_visit(env) for _ in range(3)]
    assert set(records(kind, env, var)) == set(sids)
    for sid in sids[:2]:
        expire(kind, env, var, sid)
    r = servers.run_manage(["session", "purge"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "removed 2 expired sessions"
    assert set(records(kind, env, var)) == {sids[2]}
    r = servers.run_manage(["session", "purge"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "removed 0 expired sessions"
    assert set(records(kind, env, var)) == {sids[2]}


def test_a_new_process_sweeps_by_itself(store):
    """No cron needed for the store to stay bounded: the first save of a
    process removes what has expired."""
    kind, env, var = store
    old = anonymous_visit(env)
    expire(kind, env, var, old)
    new = anonymous_visit(env)          # a fresh process: sweeps on its save
    assert set(records(kind, env, var)) == {new}


@pytest.mark.parametrize("kind, why", [("null", "signed cookie"), ("redis", "TTL")])
def test_purge_with_nothing_to_purge(tmp_path, kind, why):
    env = dict(servers.app_env(str(tmp_path)), SESSION_TYPE=kind,
               REDIS_URL="redis://127.0.0.1:%d/0" % servers.free_port())
    r = servers.run_manage(["session", "purge"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("removed 0 expired sessions") and why in r.stdout


def test_purge_without_a_database_fails(tmp_path):
    env = dict(servers.app_env(str(tmp_path)), SESSION_TYPE="sqlite")
    r = servers.run_manage(["session", "purge"], env)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "does not exist" in r.stderr
    assert not os.path.exists(os.path.join(str(tmp_path), "test.sqlite"))


def test_help_and_usage(tmp_path):
    env = servers.app_env(str(tmp_path))
    for args in (["session", "--help"], ["session", "-h"], ["session", "purge", "--help"]):
        r = servers.run_manage(args, env)
        assert r.returncode == 0, args
        assert r.stdout.startswith("usage: manage session purge")
    for args in (["session"], ["session", "vacuum"], ["session", "purge", "now"]):
        r = servers.run_manage(args, env)
        assert r.returncode == 2, args
        assert "(see manage session" in r.stderr and args[-1] in r.stderr, r.stderr
    r = servers.run_manage(["--help"], env)
    assert "session purge" in r.stdout
