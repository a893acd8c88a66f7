"""The session blueprint (SPEC §3) over real lighttpd and Apache + mod_fcgid,
once per SESSION_TYPE (null, sqlite, filesystem, redis — with a private
redis-server), plus what the server-side stores promise (§4): the cookie
carries only a signed random id, records expire with
PERMANENT_SESSION_LIFETIME (Redis TTL), logout deletes the record, forged
ids are refused, login renews the id, and a Redis that is down never breaks
a page."""
import os
import re

import pytest
from itsdangerous import Signer

import redis_server
import servers
from servers import Browser, csrf_token, unique

BP = "/cgi-bin/session"
LIFETIME = 600
SID_COOKIE_RE = re.compile(r"^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$")
TYPES = ["null", "sqlite", "filesystem", "redis"]


def bp_mounts(mounts):
    names = ("session", "cookies", "main")
    need = [m for m in names if m not in mounts]
    if need:
        pytest.fail("not built: cgi-bin/%s" % ", ".join(need), pytrace=False)
    return {m: mounts[m] for m in names}


def start_server(tmp_path_factory, mounts, name, extra, kind="lighttpd"):
    """A `kind` server (lighttpd, apache, or a servers.matrix() pair) with
    extra application settings (SESSION_TYPE, REDIS_URL), serving the
    session, cookies and main blueprints."""
    s = servers.make(kind, str(tmp_path_factory.mktemp(name)), bp_mounts(mounts),
                     extra_env=extra)
    s.start()
    return s


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    r = redis_server.RedisServer(str(tmp_path_factory.mktemp("redis")))
    r.start()
    yield r
    r.stop()


def site_params():
    """(server, store): every SESSION_TYPE behind each web server; the
    "sqlite" store (the application's database) on each database."""
    out = []
    for store in TYPES:
        for pair in (servers.matrix(servers.KINDS) if store == "sqlite"
                     else sorted(servers.KINDS)):
            out.append(pytest.param((pair, store), id="%s-%s" % (pair, store)))
    return out


@pytest.fixture(scope="module", params=site_params())
def site(request, tmp_path_factory, mounts):
    """(server, session type, redis or None) for each SESSION_TYPE behind
    each web server (lighttpd, Apache + mod_fcgid), the "sqlite" type on
    each database FLAGON_TEST_DB selects."""
    server_kind, kind = request.param
    extra = {"SESSION_TYPE": kind, "PERMANENT_SESSION_LIFETIME": str(LIFETIME)}
    r = None
    if kind == "redis":
        r = request.getfixturevalue("redis")
        extra["REDIS_URL"] = r.url
    s = start_server(tmp_path_factory, mounts, "session-%s-%s" % (server_kind, kind), extra,
                     server_kind)
    yield s, kind, r
    s.stop()


@pytest.fixture
def client(site):
    made = []

    def new():
        b = Browser(site[0])
        made.append(b)
        return b
    yield new
    for b in made:
        b.close()
    site[0].remember_children()


def session_cookie(r):
    """The value the response's Set-Cookie gives `session`, or None."""
    for h in r.raw.headers.getlist("Set-Cookie"):
        if h.startswith("session="):
            return h[len("session="):].split(";")[0]
    return None


def set_cookie_header(r):
    return [h for h in r.raw.headers.getlist("Set-Cookie") if h.startswith("session=")]


def sid_of(cookie):
    return cookie.split(".")[0]


def record_exists(site, sid):
    """Whether the store holds a record for `sid` (server-side types)."""
    server, kind, r = site
    if kind == "sqlite":
        return server.query("SELECT count(*) FROM flagon_sessions WHERE id = ?", sid)[0][0] == 1
    if kind == "filesystem":
        return os.path.exists(os.path.join(server.var, "sessions", sid))
    if kind == "redis":
        return r.cli("EXISTS", "session:" + sid) == "1"
    raise AssertionError(kind)


def login(b, name):
    r = b.get(BP + "/login/")
    assert r.status_code == 200
    token = csrf_token(r.text)
    assert token
    return b.post(BP + "/loginsuccess/", data={"username": name, "csrf_token": token})


# ---- the routes ----

def test_writesession(site, client):
    b = client()
    r = b.get(BP + "/writesession/")
    assert r.status_code == 200
    assert r.text == "写入成功"
    cookie = session_cookie(r)
    assert cookie
    header = set_cookie_header(r)[0]
    assert "HttpOnly" in header and "Path=/" in header
    if site[1] == "null":
        assert "Expires=" not in header          # Flask: a browser-session cookie
    else:
        # Only a signed id: the data stays on the server.  (No substring
        # test for "age": a random id may contain those letters.)
        assert SID_COOKIE_RE.match(cookie), cookie
        assert "Expires=" in header
        assert record_exists(site, sid_of(cookie))


def test_login_form(site, client):
    r = client().get(BP + "/login/")
    assert r.status_code == 200
    assert 'name="username"' in r.text
    assert 'action="/cgi-bin/session/loginsuccess/"' in r.text
    assert csrf_token(r.text)
    assert r.headers["Content-Type"].startswith("text/html")


def test_login_welcome_logout(site, client):
    b = client()
    name = unique("alice")
    r = login(b, name)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/session/welcome/")
    r = b.get(BP + "/welcome/")
    assert r.status_code == 200
    assert "好久不见欢迎回来" + name in r.text
    cookie = b.cookies.get("session")
    # logout: cookie expired, record gone, welcome sends back to login
    r = b.get(BP + "/logout/")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/cgi-bin/session/login/")
    header = set_cookie_header(r)[0]
    assert header.startswith("session=;")
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header and "Max-Age=0" in header
    if site[1] != "null":
        assert not record_exists(site, sid_of(cookie))
    r = b.get(BP + "/welcome/")
    assert r.status_code == 302
    # the old cookie replayed is no login either (server-side: record deleted)
    if site[1] != "null":
        r = client().get(BP + "/welcome/", headers={"Cookie": "session=" + cookie})
        assert r.status_code == 302


def test_logout_post_needs_csrf(site, client):
    b = client()
    login(b, unique("bob"))
    assert b.post(BP + "/logout/").status_code == 400
    r = b.get(BP + "/welcome/")
    assert r.status_code == 200
    token = csrf_token(r.text)
    r = b.post(BP + "/logout/", data={"csrf_token": token})
    assert r.status_code == 303
    assert b.get(BP + "/welcome/").status_code == 302


def test_welcome_escapes(site, client):
    b = client()
    login(b, "<b>x</b>&")
    r = b.get(BP + "/welcome/")
    assert "好久不见欢迎回来&lt;b&gt;x&lt;/b&gt;&amp;" in r.text
    assert "<b>x</b>" not in r.text


def test_empty_username_flashes(site, client):
    b = client()
    for name in ("", "   "):
        r = login(b, name)
        assert r.status_code == 303
        assert r.headers["Location"].endswith("/cgi-bin/session/login/")
        r = b.get(BP + "/login/")
        assert "Please enter a username." in r.text
        assert b.get(BP + "/welcome/").status_code == 302


def test_unicode_blank_username_flashes(site, client):
    """Blank means str.isspace() for every character, as WTForms' DataRequired."""
    b = client()
    for name in ("\u3000", "\u00a0\u2003 ", "\x0b\x1c"):
        r = login(b, name)
        assert r.status_code == 303
        assert r.headers["Location"].endswith("/cgi-bin/session/login/"), name
        assert "Please enter a username." in b.get(BP + "/login/").text


def test_username_limit_counts_characters(site, client):
    b = client()
    r = login(b, "é" * 64)                   # 64 characters, 128 bytes
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/session/welcome/")
    b = client()
    r = login(b, "é" * 65)
    assert r.headers["Location"].endswith("/cgi-bin/session/login/")
    assert "64 characters at most" in b.get(BP + "/login/").text


def test_welcome_without_login(site, client):
    b = client()
    r = b.get(BP + "/welcome/")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/cgi-bin/session/login/")
    r = b.get(BP + "/login/")
    assert "Please log in first." in r.text
    assert "Please log in first." not in b.get(BP + "/login/").text   # shown once


def test_loginsuccess_without_csrf(site, client):
    r = client().post(BP + "/loginsuccess/", data={"username": "mallory"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text


def test_methods(site, client):
    b = client()
    assert b.get(BP + "/loginsuccess/").status_code == 405
    assert b.post(BP + "/writesession/").status_code == 405


def test_login_renews_the_id(site, client):
    b = client()
    r = b.get(BP + "/login/")           # the form puts a CSRF token in the session
    before = session_cookie(r)
    assert before
    r = b.post(BP + "/loginsuccess/", data={"username": unique("carol"),
                                               "csrf_token": csrf_token(r.text)})
    after = session_cookie(r)
    assert after and after != before
    if site[1] != "null":
        assert sid_of(after) != sid_of(before)
        assert not record_exists(site, sid_of(before))
        assert record_exists(site, sid_of(after))
        # a fixated id planted before login is worthless afterwards
        r = client().get(BP + "/welcome/", headers={"Cookie": "session=" + before})
        assert r.status_code == 302


def test_session_cookie_is_samesite_lax(site, client):
    """SESSION_COOKIE_SAMESITE defaults to Lax: a cross-site POST carries no
    session (and so no CSRF token and no login)."""
    r = client().get(BP + "/writesession/")
    [header] = set_cookie_header(r)
    assert "; SameSite=Lax" in header, header


def test_name_change_renews_the_id(site, client):
    """Storing a new name on the Flasky index (its login) gives the session
    a new id: an id planted before (cookies demo, a shared computer) stays
    behind with nothing in it."""
    b = client()
    r, token = b.index()                 # the form puts a CSRF token in the session
    before = session_cookie(r)
    assert before
    name = unique("nina")
    r = b.submit_name(name, token)
    assert r.status_code == 303
    after = session_cookie(r)
    assert after and after != before
    assert "Hello, %s!" % name in b.get("/cgi-bin/main/").text
    if site[1] != "null":
        assert sid_of(after) != sid_of(before)
        assert not record_exists(site, sid_of(before))
        assert record_exists(site, sid_of(after))
        # the old id loads nothing now
        r = client().get("/cgi-bin/main/", headers={"Cookie": "session=" + before})
        assert "Hello, Stranger!" in r.text
        # the same name again is no new login: the id stays
        r = b.submit_name(name)
        assert r.status_code == 303
        again = session_cookie(r) or b.cookies.get("session")
        assert sid_of(again) == sid_of(after)
        # another name is: a new id again
        r = b.submit_name(unique("otto"))
        assert sid_of(session_cookie(r)) != sid_of(after)
        assert not record_exists(site, sid_of(after))


def test_forged_ids_rejected(site, client):
    b = client()
    name = unique("dave")
    login(b, name)
    cookie = b.cookies.get("session")
    i = len(cookie) // 3
    forged = cookie[:i] + ("A" if cookie[i] != "A" else "B") + cookie[i + 1:]
    for bad in (forged, "x", cookie + "x", cookie.split(".")[0], "../../etc/passwd"):
        r = client().get(BP + "/welcome/", headers={"Cookie": "session=" + bad})
        assert r.status_code == 302, bad
    if site[1] != "null":
        # correctly signed (Flask-Session's Signer) but unknown: a new session
        sid = "A" * 43
        signed = Signer(servers.SECRET_KEY, salt="flask-session",
                        key_derivation="hmac").sign(sid).decode()
        r = client().get(BP + "/writesession/", headers={"Cookie": "session=" + signed})
        assert r.status_code == 200
        new = session_cookie(r)
        assert sid_of(new) != sid
        assert not record_exists(site, sid)
        # the real cookie still works
        assert name in client().get(BP + "/welcome/",
                                    headers={"Cookie": "session=" + cookie}).text


def test_cookie_is_flask_session_signed(site, client):
    if site[1] == "null":
        pytest.skip("signed-cookie sessions are covered by test_flask_interop")
    r = client().get(BP + "/writesession/")
    cookie = session_cookie(r)
    s = Signer(servers.SECRET_KEY, salt="flask-session", key_derivation="hmac")
    assert s.unsign(cookie).decode() == sid_of(cookie)


def test_redis_ttl(site, client):
    server, kind, r = site
    if kind != "redis":
        pytest.skip("redis only")
    b = client()
    login(b, unique("erin"))
    sid = sid_of(b.cookies.get("session"))
    ttl = int(r.cli("ttl", "session:" + sid))
    assert LIFETIME - 30 < ttl <= LIFETIME
    value = r.cli("GET", "session:" + sid)
    assert '"username":"erin' in value
    b.get(BP + "/logout/")
    assert r.cli("EXISTS", "session:" + sid) == "0"


# ---- Redis down ----

def test_redis_unreachable_from_start(tmp_path_factory, mounts):
    """REDIS_URL names a port nobody listens on: start-up works, every page
    answers (an empty session), errors are logged."""
    extra = {"SESSION_TYPE": "redis",
             "REDIS_URL": "redis://127.0.0.1:%d/0" % servers.free_port()}
    s = start_server(tmp_path_factory, mounts, "redis-down", extra)
    try:
        b = Browser(s)
        r = b.get(BP + "/writesession/")
        assert r.status_code == 200 and r.text == "写入成功"
        r = b.get(BP + "/login/")
        assert r.status_code == 200
        assert b.get(BP + "/welcome/").status_code == 302
        assert b.get(BP + "/logout/").status_code == 302
        assert "redis" in s.logs(200).lower()
        b.close()
    finally:
        s.stop()


def test_redis_goes_down_and_comes_back(tmp_path_factory, mounts):
    rs = redis_server.RedisServer(str(tmp_path_factory.mktemp("redis2"))).start()
    extra = {"SESSION_TYPE": "redis", "REDIS_URL": rs.url}
    s = start_server(tmp_path_factory, mounts, "redis-flaky", extra)
    try:
        b = Browser(s)
        name = unique("frank")
        login(b, name)
        assert name in b.get(BP + "/welcome/").text
        rs.stop()
        for path in ("/welcome/", "/login/", "/writesession/"):
            r = b.get(BP + path)
            assert r.status_code in (200, 302), (path, r.status_code)
        assert b.get(BP + "/login/").status_code == 200
        rs = redis_server.RedisServer(rs.workdir, port=rs.port).start()
        # the store reconnects by itself (within its retry interval)
        import time
        deadline = time.monotonic() + 10
        while True:
            b2 = Browser(s)
            r = login(b2, name)
            if r.status_code == 303 and name in b2.get(BP + "/welcome/").text:
                break
            assert time.monotonic() < deadline, "no reconnect"
            time.sleep(0.3)
        b.close()
    finally:
        s.stop()
        rs.stop()
