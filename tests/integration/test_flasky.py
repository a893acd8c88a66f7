"""Flasky (the main blueprint) as a user sees it, through lighttpd and
Apache (the `server` fixture runs every test against both), plus the same
program as plain CGI and `./manage` from a shell."""
import os
import re
import subprocess
from urllib.parse import urlsplit

import pytest

import servers
from servers import unique

INDEX = "/cgi-bin/main/"
STRANGER = "Hello, Stranger!"
NEW = "Pleased to meet you!"
KNOWN = "Happy to see you again!"
CHANGED = "Looks like you have changed your name!"


def inputs(html):
    """[{attr: value}] for every <input> of the page."""
    out = []
    for tag in re.findall(r"<input\b[^>]*>", html, re.I):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        for bare in re.findall(r'\s([\w-]+)(?=[\s>])', tag):
            attrs.setdefault(bare, "")
        out.append(attrs)
    return out


def field_group(html, name):
    """The form-group <div> that holds the input named `name`."""
    for m in re.finditer(r'<div class="form-group[^"]*">(.*?)</div>', html, re.S):
        if re.search(r'<input[^>]*\bname="%s"' % re.escape(name), m.group(1)):
            return m.group(1)
    return None


def assert_redirect_to_index(r):
    assert r.status_code in (302, 303), (r.status_code, r.text[:300])
    assert urlsplit(r.headers["Location"]).path == INDEX, r.headers["Location"]


@pytest.mark.proxy_fcgi
def test_root_redirects_to_main(browser):
    b = browser()
    r = b.get("/")
    assert r.status_code in (301, 302, 303, 307, 308)
    assert urlsplit(r.headers["Location"]).path == INDEX
    r = b.get("/", allow_redirects=True)
    assert r.status_code == 200
    assert STRANGER in r.text


@pytest.mark.proxy_fcgi
def test_index_for_a_stranger(browser):
    r, token = browser().index()
    assert STRANGER in r.text
    assert NEW not in r.text and KNOWN not in r.text
    assert "What is your name?" in r.text
    assert re.search(r'<label[^>]*for="name"[^>]*>What is your name\?</label>', r.text)
    fields = inputs(r.text)
    names = {f.get("name"): f for f in fields}
    assert names["name"].get("type") == "text"
    assert names["submit"].get("type") == "submit"
    assert names["submit"].get("value") == "Submit"
    assert names["csrf_token"].get("type") == "hidden"
    assert token and len(token) > 20
    assert re.search(r'<form[^>]*method="post"', r.text, re.I)


@pytest.mark.proxy_fcgi
def test_flasky_flow_two_clients(browser, server):
    a, b = browser(), browser()
    alice, bob = unique("alice"), unique("bob")

    # A introduces herself: post/redirect/get, a new user.
    assert_redirect_to_index(a.submit_name(alice))
    r, _ = a.index()
    assert "Hello, %s!" % alice in r.text
    assert NEW in r.text and KNOWN not in r.text
    assert STRANGER not in r.text
    assert CHANGED not in r.text

    # B, another browser, does not see A's name ...
    r, _ = b.index()
    assert STRANGER in r.text and alice not in r.text
    # ... and giving the same name is recognised as a known user.
    assert_redirect_to_index(b.submit_name(alice))
    r, _ = b.index()
    assert "Hello, %s!" % alice in r.text
    assert KNOWN in r.text and NEW not in r.text
    assert CHANGED not in r.text

    # A changes her name: the flash shows exactly once.
    assert_redirect_to_index(a.submit_name(bob))
    r, _ = a.index()
    assert "Hello, %s!" % bob in r.text
    assert NEW in r.text
    assert r.text.count(CHANGED) == 1
    r, _ = a.index()
    assert "Hello, %s!" % bob in r.text
    assert CHANGED not in r.text

    # B is unaffected by A's change.
    r, _ = b.index()
    assert "Hello, %s!" % alice in r.text
    assert bob not in r.text and CHANGED not in r.text

    # Posting the same name again is no change of name.
    assert_redirect_to_index(a.submit_name(bob))
    r, _ = a.index()
    assert KNOWN in r.text and CHANGED not in r.text


def test_users_are_stored_in_the_configured_database(browser, server):
    """The server hands DATABASE_URI (and the rest of the environment) to the
    FastCGI processes: the user lands in this server's own database."""
    name = unique("carol")
    assert_redirect_to_index(browser().submit_name(name))
    rows = server.query("SELECT username FROM users WHERE username = ?", name)
    assert rows == [(name,)]


def test_empty_name_is_required(browser):
    b = browser()
    _, token = b.index()
    r = b.post(INDEX, data={"name": "", "csrf_token": token, "submit": "Submit"})
    assert r.status_code == 200
    assert "Location" not in r.headers
    group = field_group(r.text, "name")
    assert group is not None, r.text
    assert "This field is required." in group
    assert STRANGER in r.text
    # Still a stranger afterwards.
    r, _ = b.index()
    assert STRANGER in r.text and "This field is required." not in r.text


def test_too_long_name_is_kept_in_the_field(browser):
    b = browser()
    _, token = b.index()
    long_name = "x" * 65
    r = b.post(INDEX, data={"name": long_name, "csrf_token": token, "submit": "Submit"})
    assert r.status_code == 200
    assert "Location" not in r.headers
    group = field_group(r.text, "name")
    assert group is not None
    assert 'value="%s"' % long_name in group
    assert "Field must be between 1 and 64 characters long." in group
    assert STRANGER in r.text
    # 64 characters are fine.
    ok = unique("y" * 56)
    assert len(ok) == 64
    _, token = b.index()
    assert_redirect_to_index(b.submit_name(ok, token))


@pytest.mark.proxy_fcgi
def test_user_page(browser):
    r = browser().get("/cgi-bin/main/user/dave")
    assert r.status_code == 200
    assert "Hello, dave!" in r.text
    r = browser().get("/cgi-bin/main/user/J%C3%BCrgen%20M")
    assert r.status_code == 200
    assert "Hello, Jürgen M!" in r.text


@pytest.mark.proxy_fcgi
def test_static_css(browser):
    r = browser().get("/static/style.css")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0].strip() == "text/css"
    # Both configs add nosniff to static files too.
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    with open(os.path.join(servers.ROOT, "htdocs", "static", "style.css"), "rb") as f:
        assert r.content == f.read()


# ---- without a server ----

def run_cgi(cgi_env, method="GET", path="/", query="", body=b"", extra=None):
    return servers.run_cgi(cgi_env, method=method, path=path, query_string=query, body=body,
                           extra=extra)


def test_plain_cgi_from_the_shell(cgi_env):
    # Exactly what the README shows: only the three variables.
    env = dict(cgi_env, REQUEST_METHOD="GET", PATH_INFO="/user/dave", QUERY_STRING="")
    p = subprocess.run([servers.MAIN_EXE], env=servers.base_env(env), stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60, cwd=servers.ROOT)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    head, sep, body = p.stdout.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = p.stdout.partition(b"\n\n")
    assert sep, p.stdout[:500]
    lines = head.decode().splitlines()
    assert lines[0] == "Status: 200 OK", lines
    assert any(re.match(r"(?i)content-type: text/html; ?charset=utf-8$", h) for h in lines), lines
    assert b"Hello, dave!" in body


def test_plain_cgi_404_and_405(cgi_env):
    p = run_cgi(cgi_env, path="/no/such/page")
    assert p.stdout.startswith(b"Status: 404"), p.stdout[:200]
    assert b"Page Not Found" in p.stdout
    p = run_cgi(cgi_env, method="POST", path="/user/x", body=b"a=b")
    assert p.stdout.startswith(b"Status: 405"), p.stdout[:200]
    assert re.search(rb"(?im)^Allow: .*\bGET\b", p.stdout)


def test_manage_routes(cgi_env):
    r = servers.run_manage(["routes"], cgi_env)
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.strip()}
    assert "main.index" in lines and "main.user" in lines, r.stdout
    index, user = lines["main.index"], lines["main.user"]
    assert index.split()[-1] == "/cgi-bin/main/"
    assert re.search(r"\bGET\b", index) and re.search(r"\bPOST\b", index)
    assert user.split()[-1] == "/cgi-bin/main/user/<name>"
    assert re.search(r"\bGET\b", user) and not re.search(r"\bPOST\b", user)


def test_manage_db_upgrade_and_current(cgi_env):
    r = servers.run_manage(["db", "upgrade"], cgi_env)   # already at head: a no-op
    assert r.returncode == 0, r.stderr
    r = servers.run_manage(["db", "current"], cgi_env)
    assert r.returncode == 0, r.stderr
    assert re.search(r"\b[0-9a-f]{12}\b", r.stdout), r.stdout
    assert "(head)" in r.stdout
