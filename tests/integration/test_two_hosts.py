"""Two web hosts behind a load balancer (issue 19, "Several hosts";
docs/deploy.md, "Several hosts behind a load balancer").

Two lighttpd/FastCGI instances of Flasky, each with its own var/, behind
Debian's haproxy started with the shipped haproxy.cfg (round robin, no
stickiness, health checks), sharing one database server (PostgreSQL and/or
MariaDB: those FLAGON_TEST_DB selects; PostgreSQL when it selects neither),
one Redis for sessions (SESSION_TYPE=redis) and the cache
(CACHE_TYPE=redis), and one SECRET_KEY.  Driven over HTTP through haproxy:
its X-Served-By header names the host that answered (host-a, host-b).

  * a login made through one host's form holds on the other; logout on one
    ends it on both;
  * a flash set by a POST on one host shows on the next page the other serves;
  * a CSRF token from a form one host rendered is accepted by the other;
  * a page cached by one host is served by the other, and a write on the
    other invalidates it;
  * under load, one host killed (SIGKILL to lighttpd and its FastCGI
    processes): every write the client saw succeed is in the database, only
    the writes in flight at the kill failed (502/503 or a cut connection),
    no row is half-written, and the other host serves everything after.
    This test runs last: it kills host A.
"""
import concurrent.futures
import re
import threading
import time

import pytest
import requests

import dbservers
import multihost
import redis_server
from servers import csrf_token, unique

SERVER_DBS = [k for k in dbservers.selected() if k in ("mysql", "postgresql")] or ["postgresql"]
DATABASE = "t_two_hosts"
BLUEPRINTS = ("main", "session", "animals")
TIME_RE = re.compile(r'<time datetime="([^"]+)"')
LOAD_THREADS = 4
KILL_AFTER = 40             # successful writes before host A is killed
SETTLE_SECONDS = 1.5        # haproxy's health checks mark a dead host down (2 x 500 ms)
AFTER_SECONDS = 1.5         # load on host B alone after that


@pytest.fixture(scope="module", params=SERVER_DBS)
def site(request, tmp_path_factory, mounts, database_server):
    """Redis, two hosts over one database on the `param` server, haproxy."""
    for bp in BLUEPRINTS:
        if bp not in mounts:
            pytest.fail("cgi-bin/%s is not built" % bp, pytrace=False)
    multihost.require_haproxy()
    redis_server.require()
    db = database_server(request.param)
    db.drop_database(DATABASE)
    uri = db.create_database(DATABASE)
    rs = redis_server.RedisServer(str(tmp_path_factory.mktemp("redis"))).start()
    env = {"DATABASE_URI": uri, "SESSION_TYPE": "redis", "CACHE_TYPE": "redis",
           "REDIS_URL": rs.url}
    m = {bp: mounts[bp] for bp in BLUEPRINTS}
    hosts = []
    lb = None
    try:
        for name in multihost.HOST_NAMES:
            h = multihost.DbLighttpd(str(tmp_path_factory.mktemp(name)), m, extra_env=env)
            if hosts:
                h.migrate = lambda: None        # one host makes the tables
            h.start()
            hosts.append(h)
        lb = multihost.HAProxy(str(tmp_path_factory.mktemp("haproxy")), hosts).start()
        yield Site(lb, hosts, db, rs)
    finally:
        if lb:
            lb.stop()
        for h in hosts:
            h.stop()
        rs.stop()
        db.drop_database(DATABASE)


class Site:
    def __init__(self, lb, hosts, db, redis):
        self.lb, self.hosts, self.db, self.redis = lb, hosts, db, redis

    def rows(self, sql):
        conn = self.db.connect(DATABASE)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            conn.close()


class Client(requests.Session):
    """A browser of the balanced site: its own cookies, no redirects
    followed; .via(host, ...) makes sure `host` serves the request."""

    def __init__(self, site):
        super().__init__()
        self.site = site

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.site.lb.url + url
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)

    def via(self, host, method, path, **kwargs):
        """`method` `path` served by `host` (host-a, host-b).  Round robin
        over two hosts alternates: a static file first (it reads no session,
        so it takes no flashed message), until the other host answered it,
        makes `host` next."""
        for _ in range(4):
            if self.get("/static/style.css").headers.get("X-Served-By") != host:
                break
        r = self.request(method, path, **kwargs)
        assert r.headers.get("X-Served-By") == host, (host, r.status_code, r.headers)
        return r


@pytest.fixture
def client(site):
    made = []

    def new():
        c = Client(site)
        made.append(c)
        return c
    yield new
    for c in made:
        c.close()
    for h in site.hosts:
        h.remember_children()


def test_login_through_one_host_holds_on_the_other(site, client):
    c = client()
    form = c.via("host-a", "GET", "/cgi-bin/session/login/")
    assert form.status_code == 200
    token = csrf_token(form.text)
    name = unique("alice")
    # The token host A rendered is accepted by host B.
    r = c.via("host-b", "POST", "/cgi-bin/session/loginsuccess/",
              data={"username": name, "csrf_token": token, "submit": "Login"})
    assert r.status_code in (302, 303), r.text[:500]
    for host in ("host-a", "host-b", "host-a"):
        r = c.via(host, "GET", "/cgi-bin/session/welcome/")
        assert r.status_code == 200 and "好久不见欢迎回来" + name in r.text, (host, r.text[:500])
    # The session is a Redis record (the cookie only names it).
    keys = site.redis.cli("--scan", "--pattern", "session:*").split()
    assert keys, "no session:* key in Redis"
    # Logout on A ends it on B too.
    r = c.via("host-a", "GET", "/cgi-bin/session/logout/")
    assert r.status_code in (302, 303)
    r = c.via("host-b", "GET", "/cgi-bin/session/welcome/")
    assert r.status_code in (302, 303) and r.headers["Location"].endswith("/login/")


def test_flash_set_on_one_host_shows_on_the_other(site, client):
    c = client()
    token = csrf_token(c.via("host-b", "GET", "/cgi-bin/main/").text)
    r = c.via("host-a", "POST", "/cgi-bin/main/",
              data={"name": unique("first"), "csrf_token": token, "submit": "Submit"})
    assert r.status_code in (302, 303)
    r = c.via("host-b", "POST", "/cgi-bin/main/",
              data={"name": unique("second"), "csrf_token": token, "submit": "Submit"})
    assert r.status_code in (302, 303)
    flash = "Looks like you have changed your name!"
    r = c.via("host-a", "GET", "/cgi-bin/main/")
    assert flash in r.text and "Pleased to meet you!" in r.text
    # Shown once: the other host does not show it again.
    r = c.via("host-b", "GET", "/cgi-bin/main/")
    assert r.status_code == 200 and flash not in r.text


def test_csrf_token_from_one_host_is_checked_by_the_other(site, client):
    c, other = client(), client()
    token = csrf_token(c.via("host-a", "GET", "/cgi-bin/main/").text)
    theirs = csrf_token(other.via("host-b", "GET", "/cgi-bin/main/").text)
    assert token and theirs and token != theirs
    # Another visitor's token, and a tampered one, are refused by B.
    for bad in (theirs, token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        r = c.via("host-b", "POST", "/cgi-bin/main/",
                  data={"name": unique("x"), "csrf_token": bad, "submit": "Submit"})
        assert r.status_code == 400 and "The CSRF token is invalid." in r.text
    name = unique("bob")
    r = c.via("host-b", "POST", "/cgi-bin/main/",
              data={"name": name, "csrf_token": token, "submit": "Submit"})
    assert r.status_code in (302, 303)
    assert "Hello, %s!" % name in c.via("host-a", "GET", "/cgi-bin/main/").text


def cats(c, host):
    r = c.via(host, "GET", "/cgi-bin/animals/cats/")
    assert r.status_code == 200, r.text[:500]
    m = TIME_RE.search(r.text)
    assert m, r.text[:1000]
    return r, m.group(1)


def add_cat(c, host, name, token):
    r = c.via(host, "POST", "/cgi-bin/animals/cats/",
              data={"name": name, "age": "2", "csrf_token": token, "submit": "Add"})
    assert r.status_code == 303, (r.status_code, r.text[:500])


def test_cache_is_shared_and_invalidated_by_the_other_host(site, client):
    c = client()
    first, _ = cats(c, "host-a")
    token = csrf_token(first.text)
    add_cat(c, "host-a", unique("tom"), token)
    miss, when = cats(c, "host-a")
    assert miss.headers["X-Cache"] == "MISS"
    # Host B serves the page host A cached (one Redis cache).
    hit, when_b = cats(c, "host-b")
    assert hit.headers["X-Cache"] == "HIT" and when_b == when
    # A write served by B invalidates what A serves.
    name = unique("felix")
    add_cat(c, "host-b", name, token)
    r, when_a = cats(c, "host-a")
    assert r.headers["X-Cache"] == "MISS" and name in r.text and when_a != when
    r, again = cats(c, "host-b")
    assert r.headers["X-Cache"] == "HIT" and again == when_a


def test_a_host_killed_under_load_loses_no_committed_write(site, client):
    """Must run last in the module: host A stays dead."""
    results = []                    # (name, age, outcome, started, served by)
    lock = threading.Lock()
    ok_count = [0]
    kill_now, stop = threading.Event(), threading.Event()

    def writer(t):
        c = client()
        token = csrf_token(c.get("/cgi-bin/animals/cats/").text)
        i = 0
        while not stop.is_set():
            name, age = "load-%d-%d" % (t, i), i % 100
            i += 1
            started = time.monotonic()
            try:
                r = c.post("/cgi-bin/animals/cats/", data={
                    "name": name, "age": str(age), "csrf_token": token, "submit": "Add"})
                outcome, by = r.status_code, r.headers.get("X-Served-By")
            except requests.RequestException as e:
                outcome, by = type(e).__name__, None
            with lock:
                results.append((name, age, outcome, started, by))
                if outcome == 303:
                    ok_count[0] += 1
                    if ok_count[0] == KILL_AFTER:
                        kill_now.set()

    with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
        futures = [pool.submit(writer, t) for t in range(LOAD_THREADS)]
        try:
            assert kill_now.wait(60), "the load never reached %d writes" % KILL_AFTER
            kill = time.monotonic()
            multihost.kill_host(site.hosts[0])
            time.sleep(SETTLE_SECONDS + AFTER_SECONDS)
        finally:
            stop.set()
        for f in futures:
            f.result()

    sent = {name: age for name, age, _, _, _ in results}
    stored = dict(site.rows("SELECT name, age FROM cat WHERE name LIKE 'load-%'"))
    committed = [n for n, _, outcome, _, _ in results if outcome == 303]
    failed = [(n, outcome, round(started - kill, 3)) for n, _, outcome, started, _ in results
              if outcome != 303]
    # Both hosts took writes before the kill.
    assert {by for _, _, outcome, started, by in results
            if started < kill and outcome == 303} == set(multihost.HOST_NAMES)
    # Every write the client saw succeed is there; nothing else was made up,
    # and every row is whole (its age is the one sent with its name).
    assert set(committed) <= set(stored), sorted(set(committed) - set(stored))
    assert set(stored) <= set(sent)
    assert all(stored[n] == sent[n] for n in stored), stored
    # Only writes in flight at the kill failed: a 502/503 or a cut connection.
    assert len(failed) <= LOAD_THREADS, (len(results), failed)
    assert all(outcome in (502, 503) or isinstance(outcome, str)
               for _, outcome, _ in failed), failed
    assert all(-1.0 < when < SETTLE_SECONDS for _, _, when in failed), failed
    # Once haproxy has marked host A down, host B serves every request.
    late = [(outcome, by) for _, _, outcome, started, by in results
            if started > kill + SETTLE_SECONDS]
    assert late and all(outcome == 303 and by == "host-b" for outcome, by in late), late
    c = client()
    for _ in range(4):
        r = c.get("/cgi-bin/animals/cats/")
        assert r.status_code == 200 and r.headers["X-Served-By"] == "host-b"
