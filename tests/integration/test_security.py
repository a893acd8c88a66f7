"""CSRF, escaping, session cookies, security headers and bad input, through
lighttpd and Apache."""
import re

import pytest

from servers import SECRET_KEY, csrf_token, unique

INDEX = "/cgi-bin/main/"
STRANGER = "Hello, Stranger!"
MISSING = "The CSRF token is missing."
INVALID = "The CSRF token is invalid."


def post_form(b, data):
    return b.post(INDEX, data=data)


# ---- CSRF ----

@pytest.mark.proxy_fcgi
def test_csrf_token_missing(browser):
    b = browser()
    b.index()                      # the session holds a token, the form does not
    name = unique("mallory")
    r = post_form(b, {"name": name, "submit": "Submit"})
    assert r.status_code == 400
    assert MISSING in r.text
    r, _ = b.index()
    assert STRANGER in r.text and name not in r.text


def test_csrf_token_missing_without_any_session(browser):
    r = post_form(browser(), {"name": unique("mallory")})
    assert r.status_code == 400
    assert MISSING in r.text


def test_csrf_token_tampered(browser):
    b = browser()
    _, token = b.index()
    i = len(token) // 2
    bad = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
    name = unique("mallory")
    for t in (bad, "x", token + "x", token.split(".")[0], ""):
        r = post_form(b, {"name": name, "csrf_token": t})
        assert r.status_code == 400, t
        assert (MISSING if t == "" else INVALID) in r.text, t
    r, _ = b.index()
    assert STRANGER in r.text and name not in r.text


def test_csrf_token_of_another_session(browser):
    a, b = browser(), browser()
    a.index()
    _, token_b = b.index()
    name = unique("mallory")
    r = post_form(a, {"name": name, "csrf_token": token_b})
    assert r.status_code == 400
    assert INVALID in r.text
    # A client without any session posting someone else's token.
    r = post_form(browser(), {"name": name, "csrf_token": token_b})
    assert r.status_code == 400
    assert INVALID in r.text
    # B's own token still works for B.
    r = post_form(b, {"name": name, "csrf_token": token_b})
    assert r.status_code in (302, 303)


def test_token_survives_reloads(browser):
    """Flask-WTF: one raw token per session; any page's token is valid."""
    b = browser()
    _, t1 = b.index()
    _, t2 = b.index()
    r = post_form(b, {"name": unique("erin"), "csrf_token": t1})
    assert r.status_code in (302, 303)
    r = post_form(b, {"name": unique("erin"), "csrf_token": t2})
    assert r.status_code in (302, 303)


@pytest.mark.proxy_fcgi
def test_post_to_get_only_route_is_405_before_csrf(browser):
    r = browser().post("/cgi-bin/main/user/x", data={"a": "b"})
    assert r.status_code == 405
    allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
    assert "GET" in allow
    assert "POST" not in allow
    assert MISSING not in r.text


# ---- escaping ----

def test_user_page_escapes_the_name(browser):
    r = browser().get("/cgi-bin/main/user/%3Cscript%3Ealert(1)%3C%5Cscript%3E%22'&x")
    assert r.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;\\script&gt;" in r.text
    assert "<script>alert" not in r.text
    assert re.search(r"&lt;script&gt;alert\(1\)&lt;\\script&gt;(&#34;|&quot;)(&#39;|&#x27;)&amp;x",
                     r.text), r.text


def test_script_with_slash_is_never_reflected(browser):
    # "</script>" holds a "/", so <name> does not match: 404, and the 404
    # page does not echo the path unescaped either.
    r = browser().get("/cgi-bin/main/user/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404
    assert "<script>alert" not in r.text


def test_posted_name_is_escaped(browser):
    b = browser()
    name = "<b>%s</b>" % unique("bold")
    r = b.submit_name(name)
    assert r.status_code in (302, 303)
    r, _ = b.index()
    assert "Hello, %s!" % name.replace("<", "&lt;").replace(">", "&gt;") in r.text
    assert "<b>bold" not in r.text


def flask_session_cookie(data):
    """`data` as a session cookie signed by Flask with the servers' key."""
    from flask import Flask
    app = Flask(__name__)
    app.secret_key = SECRET_KEY
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_session_data_shaped_like_markup_is_escaped(browser):
    # {"__html__": ...} in the session (a dict, as Flask stores one) is data,
    # not markup: Jinja prints the dict escaped, and so must the index page.
    cookie = flask_session_cookie({"name": {"__html__": "<script>alert(1)</script>"}})
    r = browser().get(INDEX, headers={"Cookie": "session=" + cookie})
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert ("Hello, {&#39;__html__&#39;: &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;}!"
            in r.text), r.text


# ---- the session cookie ----

def session_cookie_header(r):
    for h in r.raw.headers.getlist("Set-Cookie"):
        if h.startswith("session="):
            return h
    return None


@pytest.mark.proxy_fcgi
def test_session_cookie_attributes(browser):
    b = browser()
    r = b.get(INDEX)     # the CSRF token goes into the session
    h = session_cookie_header(r)
    if h is None:
        r = b.submit_name(unique("frank"))
        h = session_cookie_header(r)
    assert h is not None
    attrs = [a.strip().lower() for a in h.split(";")[1:]]
    assert "path=/" in attrs
    assert "httponly" in attrs
    assert "secure" not in attrs
    # A browser-session cookie: the session is not permanent.
    assert not any(a.startswith(("expires=", "max-age=")) for a in attrs)


def test_tampered_session_cookie_is_an_empty_session(browser):
    a = browser()
    name = unique("grace")
    assert a.submit_name(name).status_code in (302, 303)
    value = a.cookies.get("session")
    assert value
    payload, sig = value.rsplit(".", 1)
    i = len(sig) // 2
    forged = payload + "." + sig[:i] + ("A" if sig[i] != "A" else "B") + sig[i + 1:]
    for cookie in (forged, payload, "garbage", ".eJyrVkrLz1eyUkpKLFKqBQAbaQPX.Zz.abc", ""):
        c = browser()
        r = c.get(INDEX, headers={"Cookie": "session=" + cookie})
        assert r.status_code == 200, cookie
        assert STRANGER in r.text, cookie
        assert name not in r.text
        # The empty session works normally from there.
        r = c.submit_name(unique("heidi"), csrf_token(r.text))
        assert r.status_code in (302, 303), cookie


def test_security_headers_on_html(browser):
    b = browser()
    for path, status in ((INDEX, 200), ("/cgi-bin/main/user/ivan", 200),
                         ("/cgi-bin/main/no-such-page", 404)):
        r = b.get(path)
        assert r.status_code == status, path
        h = r.headers
        assert h.get("X-Content-Type-Options") == "nosniff", path
        assert h.get("X-Frame-Options") == "DENY", path
        assert h.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert re.fullmatch(r"text/html; ?charset=utf-8", h.get("Content-Type", ""), re.I), path


def test_security_headers_on_errors(browser):
    b = browser()
    r = b.post(INDEX, data={"name": "x"})
    assert r.status_code == 400
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert re.search(r"charset=utf-8", r.headers.get("Content-Type", ""), re.I)


# ---- bad input ----

def test_invalid_utf8_in_query(browser):
    r = browser().get(INDEX + "?x=%ff")
    assert r.status_code == 400
    r = browser().get(INDEX + "?%c3=1")
    assert r.status_code == 400


def test_invalid_utf8_in_path(browser):
    r = browser().get("/cgi-bin/main/user/%ff")
    assert r.status_code == 400


def test_invalid_utf8_in_form_stores_nothing(browser):
    b = browser()
    _, token = b.index()
    for body in ("name=abc%FFdef&csrf_token=" + token,
                 "name=%C3%28&csrf_token=" + token):
        r = b.post(INDEX, data=body,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400, body
    raw = b"name=abc\xffdef&csrf_token=" + token.encode()
    r = b.post(INDEX, data=raw, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    r, _ = b.index()
    assert STRANGER in r.text
    assert "abc" not in r.text.split("<main", 1)[-1].split("</h1>")[0]
