"""The cookies blueprint (SPEC §3, §7): raw cookies set, read and deleted
through lighttpd and Apache; anything that would make a broken header is a
400."""
import calendar
import email.utils
import time

import pytest
import requests

import servers

BP = "/cgi-bin/cookies"


@pytest.fixture(autouse=True)
def _need_cookies(server):
    if "cookies" not in server.mounts:
        pytest.fail("not built: cgi-bin/cookies", pytrace=False)


def set_cookies(r):
    return r.raw.headers.getlist("Set-Cookie")


def attrs(header):
    """{'name': value, 'Expires': ..., 'Max-Age': ..., ...} of one Set-Cookie."""
    parts = [p.strip() for p in header.split(";")]
    name, _, value = parts[0].partition("=")
    out = {"_name": name, "_value": value}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        out[k] = v
    return out


def http_date(s):
    return calendar.timegm(email.utils.parsedate(s))


def test_set_and_get(browser):
    b = browser()
    r = b.get(BP + "/set", params={"key": "flavour", "value": "oatmeal-raisin"})
    assert r.status_code == 200
    assert r.text == "cookie set"
    [h] = set_cookies(r)
    a = attrs(h)
    assert a["_name"] == "flavour" and a["_value"] == "oatmeal-raisin"
    assert a["Path"] == "/"
    assert "Max-Age" not in a and "Expires" not in a      # a browser-session cookie
    r = b.get(BP + "/get", params={"key": "flavour"})
    assert r.status_code == 200
    assert r.text == "oatmeal-raisin"


def test_raw_value_not_quoted(browser):
    b = browser()
    value = "a:b/c?d=e!#$%&'()*+-.<>@[]^_`{|}~"
    r = b.get(BP + "/set", params={"key": "raw", "value": value})
    assert r.status_code == 200
    assert set_cookies(r)[0].startswith("raw=" + value + ";")


def test_get_escapes(browser):
    r = browser().get(BP + "/get", params={"key": "x"},
                      headers={"Cookie": 'x=<script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_max_age_also_sends_expires(browser):
    before = int(time.time())
    r = browser().get(BP + "/set", params={"key": "k", "value": "v", "max_age": "3600"})
    assert r.status_code == 200
    a = attrs(set_cookies(r)[0])
    assert a["Max-Age"] == "3600"
    assert a["Expires"].endswith(" GMT")
    exp = http_date(a["Expires"])
    assert before + 3600 - 2 <= exp <= int(time.time()) + 3600 + 2
    r = browser().get(BP + "/set", params={"key": "k", "value": "v", "max_age": "0"})
    assert attrs(set_cookies(r)[0])["Max-Age"] == "0"


def test_expires_days(browser):
    before = int(time.time())
    r = browser().get(BP + "/set", params={"key": "k", "value": "v", "expires_days": "7"})
    assert r.status_code == 200
    a = attrs(set_cookies(r)[0])
    assert "Max-Age" not in a
    exp = http_date(a["Expires"])
    assert before + 7 * 86400 - 2 <= exp <= int(time.time()) + 7 * 86400 + 2
    # RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    assert len(a["Expires"]) == 29 and a["Expires"][3:5] == ", "


def test_both(browser):
    r = browser().get(BP + "/set", params={"key": "k", "value": "v", "max_age": "60",
                                            "expires_days": "1"})
    a = attrs(set_cookies(r)[0])
    assert a["Max-Age"] == "60"
    assert http_date(a["Expires"]) > time.time() + 80000


def test_delete(browser):
    b = browser()
    b.get(BP + "/set", params={"key": "gone", "value": "soon"})
    assert b.get(BP + "/get", params={"key": "gone"}).text == "soon"
    r = b.get(BP + "/delete", params={"key": "gone"})
    assert r.status_code == 200
    assert r.text == "cookie deleted"
    a = attrs(set_cookies(r)[0])
    assert a["_name"] == "gone" and a["_value"] == ""
    assert a["Max-Age"] == "0"
    assert a["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert b.get(BP + "/get", params={"key": "gone"}).status_code == 404


def test_get_absent_is_404(browser):
    r = browser().get(BP + "/get", params={"key": "nothing-here"})
    assert r.status_code == 404


@pytest.mark.parametrize("params", [
    {"key": "bad name", "value": "v"},
    {"key": "a=b", "value": "v"},
    {"key": "a;b", "value": "v"},
    {"key": "ключ", "value": "v"},
    {"key": "k", "value": "has space"},
    {"key": "k", "value": 'quo"te'},
    {"key": "k", "value": "semi;colon"},
    {"key": "k", "value": "com,ma"},
    {"key": "k", "value": "back\\slash"},
    {"key": "k", "value": "line\r\nX-Injected: 1"},
    {"key": "k", "value": "зна"},
])
def test_invalid_name_or_value_is_400(browser, params):
    r = browser().get(BP + "/set", params=params)
    assert r.status_code == 400
    if "\r" not in params["value"]:   # lighttpd itself refuses %0D%0A in a URL
        assert "Invalid cookie" in r.text
    assert not set_cookies(r)
    assert "X-Injected" not in r.headers


@pytest.mark.parametrize("params, message", [
    ({"value": "v"}, "key"),
    ({"key": "", "value": "v"}, "key"),
    ({"key": "k"}, "value"),
    ({"key": "k", "value": "v", "max_age": "-1"}, "negative"),
    ({"key": "k", "value": "v", "max_age": "1.5"}, "integer"),
    ({"key": "k", "value": "v", "max_age": "abc"}, "integer"),
    ({"key": "k", "value": "v", "max_age": ""}, "integer"),
    ({"key": "k", "value": "v", "max_age": "99999999999999999999999"}, "integer"),
    ({"key": "k", "value": "v", "max_age": "999999999999"}, "too large"),
    ({"key": "k", "value": "v", "expires_days": "x"}, "integer"),
    ({"key": "k", "value": "v", "expires_days": "100000000"}, "between"),
])
def test_bad_arguments_are_400(browser, params, message):
    r = browser().get(BP + "/set", params=params)
    assert r.status_code == 400
    assert message in r.text
    assert not set_cookies(r)


def test_get_and_delete_need_a_valid_key(browser):
    b = browser()
    for route in ("/get", "/delete"):
        assert b.get(BP + route).status_code == 400
        assert b.get(BP + route, params={"key": "bad name"}).status_code == 400


def test_methods(browser):
    assert browser().post(BP + "/set", data={"key": "k"}).status_code == 405


# ---- names the application keeps for itself (issue 14: session fixation) ----

@pytest.mark.parametrize("key", ["session", "__Host-x", "__Secure-x", "__host-x",
                                 "__SECURE-sid"])
def test_reserved_names_cannot_be_set(browser, key):
    """A cross-site GET of /set?key=session&value=... would plant a session
    (a whole signed one, or an id the attacker knows): refused, as are the
    __Host-/__Secure- prefixed names, which need Secure (RFC 6265bis §4.1.3)."""
    r = browser().get(BP + "/set", params={"key": key, "value": "planted"})
    assert r.status_code == 400
    assert "reserved" in r.text
    assert not [h for h in set_cookies(r) if attrs(h)["_name"] == key]


@pytest.mark.parametrize("key", ["session", "__Host-x", "__Secure-x"])
def test_reserved_names_cannot_be_deleted(browser, key):
    b = browser()
    b.get("/cgi-bin/session/writesession/")   # the visitor has a session
    assert b.cookies.get("session")
    r = b.get(BP + "/delete", params={"key": key})
    assert r.status_code == 400
    assert "reserved" in r.text
    assert not [h for h in set_cookies(r) if attrs(h)["_name"] == key]


def test_the_session_cookie_cannot_be_read_back(browser):
    """/get?key=session would copy the HttpOnly session cookie into the page,
    where any script of the site could read it: refused like /set."""
    b = browser()
    b.get("/cgi-bin/session/writesession/")
    assert b.cookies.get("session")
    r = b.get(BP + "/get", params={"key": "session"})
    assert r.status_code == 400
    assert "reserved" in r.text
    assert b.cookies.get("session") not in r.text


def test_names_like_the_session_cookie_are_free(browser):
    """Only the exact name (cookie names are case-sensitive) is kept."""
    for key in ("sessions", "Session", "my_session", "Host-x"):
        r = browser().get(BP + "/set", params={"key": key, "value": "v"})
        assert r.status_code == 200, key


def test_configured_session_cookie_name_is_reserved(tmp_path_factory, mounts):
    """SESSION_COOKIE_NAME decides which name is kept, not a literal."""
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("cookie-name")),
                         {"cookies": mounts["cookies"]},
                         extra_env={"SESSION_COOKIE_NAME": "flasky_sid"})
    s.start()
    try:
        r = requests.get(s.url + BP + "/set", params={"key": "flasky_sid", "value": "x"},
                         timeout=30)
        assert r.status_code == 400 and "reserved" in r.text
        r = requests.get(s.url + BP + "/set", params={"key": "session", "value": "x"},
                         timeout=30)
        assert r.status_code == 200
    finally:
        s.stop()
