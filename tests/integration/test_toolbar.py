"""The debug toolbar (Flask-DebugToolbar; web/toolbar.h), as a developer
sees it through real lighttpd: Flasky in the development configuration
shows, on every HTML page, the SQL statements of the request with their
bound values, the templates rendered, the request's headers, the session,
the configuration with its secrets masked and the total time; the page
without the toolbar is byte for byte the page with DEBUG_TB_ENABLED=0; JSON,
redirects (unless DEBUG_TB_INTERCEPT_REDIRECTS) and cached copies carry
none; testing and production never show it.
"""
import html
import json
import os
import re
import subprocess

import pytest

import servers
from servers import Browser, unique

BEGIN = "<!-- flagon-debug-toolbar -->"
END = "<!-- /flagon-debug-toolbar -->"
TOOLBAR_RE = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
PROBE = "toolbar-probe-7c1f"
DEV = {"APP_CONFIG": "development", "CACHE_TYPE": "sqlite"}


def _start(tmp_path_factory, mounts, name, extra, db_kind="sqlite"):
    workdir = str(tmp_path_factory.mktemp(name))
    m = {k: mounts[k] for k in ("main", "relations", "api", "animals") if k in mounts}
    s = servers.Lighttpd(workdir, m, dict(DEV, **extra), db_kind=db_kind)
    return s


@pytest.fixture(scope="module", params=servers.test_databases())
def trio(request, tmp_path_factory, mounts):
    """Three lighttpd servers with Flasky in development: the toolbar on
    (the default), on with DEBUG_TB_INTERCEPT_REDIRECTS, and off; on each
    database."""
    db = request.param
    made = [_start(tmp_path_factory, mounts, "tb-on", {}, db),
            _start(tmp_path_factory, mounts, "tb-intercept",
                   {"DEBUG_TB_INTERCEPT_REDIRECTS": "1"}, db),
            _start(tmp_path_factory, mounts, "tb-off", {"DEBUG_TB_ENABLED": "0"}, db)]
    try:
        for s in made:
            s.start()
            s.seed()
        yield made
    finally:
        for s in made:
            s.stop()


@pytest.fixture
def on(trio):
    return Browser(trio[0])


@pytest.fixture
def intercept(trio):
    return Browser(trio[1])


@pytest.fixture
def off(trio):
    return Browser(trio[2])


def toolbars(text):
    return TOOLBAR_RE.findall(text)


def the_toolbar(r):
    """The one toolbar of response r (asserting there is exactly one)."""
    found = toolbars(r.text)
    assert len(found) == 1, (r.status_code, r.text[-3000:])
    return found[0]


def sql_rows(tb):
    """[(statement, parameters)] of the SQL panel, unescaped."""
    return [(html.unescape(s), html.unescape(p)) for s, p in re.findall(
        r'<td class="flDebugSql">(.*?)(?:<br>.*?)?</td><td class="flDebugParams">(.*?)</td>',
        tb, re.S)]


def as_sent(sql, db_kind):
    """`sql` written with `?` as the panel shows it for `db_kind`: the
    statement the server got (PostgreSQL numbers its parameters $1, $2...)."""
    if db_kind != "postgresql":
        return sql
    parts = sql.split("?")
    return parts[0] + "".join("$%d%s" % (i, p) for i, p in enumerate(parts[1:], 1))


def config_value(tb, key):
    m = re.search(r"<tr><td>%s</td><td>(.*?)</td></tr>" % re.escape(key), tb)
    assert m, key
    return html.unescape(m.group(1))


def test_page_shows_templates_headers_and_total(on):
    r = on.get("/cgi-bin/main/", headers={"X-Toolbar-Probe": PROBE})
    assert r.status_code == 200
    tb = the_toolbar(r)
    # just before the page's own </body>
    assert r.text.index(END) + len(END) == r.text.rindex("</body>")
    assert '<td class="flDebugTemplate">index.html</td>' in tb
    assert re.search(r"<tr><td>X-Toolbar-Probe</td><td>%s</td></tr>" % PROBE, tb)
    assert re.search(r'Total: <span id="flDebugTotal">\d+\.\d{3} ms</span>', tb)
    assert int(r.headers["Content-Length"]) == len(r.content)
    # the configuration: every key, the secrets masked
    assert servers.SECRET_KEY not in r.text
    assert config_value(tb, "SECRET_KEY") == "********"
    assert config_value(tb, "JWT_SECRET_KEY") == "********"
    assert config_value(tb, "APP_CONFIG") == "development"
    assert config_value(tb, "DEBUG_TB_ENABLED") == "true"
    # the response panel shows the headers as sent
    assert "<tr><td>X-Frame-Options</td><td>DENY</td></tr>" in tb


def test_sql_statements_with_bound_values(on):
    r = on.get("/cgi-bin/relations/users/1")
    assert r.status_code == 200, r.text[:500]
    rows = sql_rows(the_toolbar(r))
    kind = on.server.db_kind
    # first(): SQLite's dialect writes OFFSET with LIMIT; MySQL's and
    # PostgreSQL's leave out an OFFSET of 0
    limit, params = ("LIMIT ? OFFSET ?", "[1,1,0]") if kind == "sqlite" else ("LIMIT ?", "[1,1]")
    assert (as_sent('SELECT "id", "username", "role_id", "ident_id", "password_hash", '
                    '"member_since" FROM "users" WHERE ("id" = ?) ' + limit, kind),
            params) in rows, rows
    assert any('FROM "articles"' in s and p == "[1,false]" for s, p in rows), rows
    assert re.search(r"<small>%d in \d+\.\d{3} ms</small>" % len(rows), the_toolbar(r))


def test_session_is_shown_masked(on):
    name = unique("tb")
    r = on.submit_name(name)
    assert r.status_code in (302, 303)
    r = on.get("/cgi-bin/main/")
    tb = the_toolbar(r)
    m = re.search(r'<pre class="flDebugSessionJson">(.*?)</pre>', tb, re.S)
    session = json.loads(html.unescape(m.group(1)))
    assert session["name"] == name
    assert session["known"] is False
    assert session["csrf_token"] == "********"


def test_page_without_toolbar_is_the_page_with_it_off(on, off):
    path = "/cgi-bin/main/user/%s" % unique("tb")
    a = on.get(path)
    b = off.get(path)
    assert a.status_code == b.status_code == 200
    assert toolbars(b.text) == []
    the_toolbar(a)
    assert TOOLBAR_RE.sub("", a.text).encode() == b.content
    # HEAD carries no toolbar: its Content-Length is the page's own
    h = on.head(path)
    assert h.status_code == 200
    assert int(h.headers["Content-Length"]) == len(b.content)


def test_error_page_has_it(on):
    r = on.get("/cgi-bin/main/no/such/page")
    assert r.status_code == 404
    assert "Page Not Found" in r.text
    the_toolbar(r)


def test_json_is_unchanged(on, off):
    a = on.get("/cgi-bin/api/students?page=1&per_page=5")
    b = off.get("/cgi-bin/api/students?page=1&per_page=5")
    assert a.status_code == b.status_code == 200
    assert a.headers["Content-Type"].startswith("application/json")
    assert "flDebug" not in a.text
    assert a.json() == b.json()


def test_redirect_passes_unless_intercepted(on, intercept):
    name = unique("tb")
    r = on.submit_name(name)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/main/")
    assert "flDebug" not in r.text

    r = intercept.submit_name(name)
    assert r.status_code == 200
    assert "Location" not in r.headers
    assert "<h1>Redirect (303)</h1>" in r.text
    assert re.search(r'<a href="[^"]*/cgi-bin/main/">', r.text)
    rows = sql_rows(the_toolbar(r))
    # Flasky's User.query.filter_by(username=name).first(), its value bound
    where = as_sent('FROM "users" WHERE ("username" = ?)', intercept.server.db_kind)
    assert any(where in s and p.startswith('["%s"' % name) for s, p in rows), rows
    assert any(s.startswith('INSERT INTO "users"') for s, _ in rows), rows
    # the session cookie of the redirect is still set
    assert "session=" in r.headers.get("Set-Cookie", "")


def test_cached_copy_holds_no_toolbar(on, trio):
    first = on.get("/cgi-bin/animals/cats/")
    second = on.get("/cgi-bin/animals/cats/")
    assert second.headers["X-Cache"] == "HIT"
    for r in (first, second):
        the_toolbar(r)
    values = [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
              for (v,) in trio[0].query("SELECT value FROM flagon_cache")]
    assert values, "nothing was cached"
    assert not any(b"flagon-debug-toolbar" in v for v in values)


def cgi_get(env, path):
    e = servers.base_env(dict(env, REQUEST_METHOD="GET", PATH_INFO=path,
                              SCRIPT_NAME="/cgi-bin/main", HTTP_HOST="localhost"))
    e.pop("GATEWAY_INTERFACE", None)
    return subprocess.run([servers.MAIN_EXE], env=e, capture_output=True, timeout=60)


def test_testing_and_production_have_none(cgi_env):
    r = cgi_get(cgi_env, "/user/x")
    assert r.returncode == 0, r.stderr
    assert b"Status: 200" in r.stdout and b"flDebug" not in r.stdout
    prod = dict(cgi_env, APP_CONFIG="production", DEBUG="1")
    r = cgi_get(prod, "/user/x")
    assert r.returncode == 0, r.stderr
    assert b"Status: 200" in r.stdout and b"flDebug" not in r.stdout
    # asking for it in production stops start-up, saying why
    r = cgi_get(dict(prod, DEBUG_TB_ENABLED="1"), "/user/x")
    assert r.returncode != 0
    assert b"DEBUG_TB_ENABLED" in r.stderr and b"production" in r.stderr
