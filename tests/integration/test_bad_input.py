"""Bad input (SPEC §6, issue 14): NUL bytes, unknown methods, messages that
name what is wrong, and numbers parsed strictly — over lighttpd and Apache,
and, where a server refuses the input before the application sees it, by
running the program as plain CGI.

What the servers do themselves (measured, lighttpd 1.4.69, Apache 2.4):
  - "%00" in a query string: lighttpd answers 400; Apache passes it on.
  - TRACE: Apache answers 405 itself (apache.conf: TraceEnable Off);
    lighttpd passes it on.
  - a lower-case or unknown method ("get", "BREW"): lighttpd answers 501;
    Apache passes it on.
  - a Content-Length with a sign or spaces: both answer 400.
"""
import http.client
import json
import uuid

import pytest

import servers
from servers import csrf_token, unique

INDEX = "/cgi-bin/main/"
CATS = "/cgi-bin/animals/cats/"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def need(server, *blueprints):
    missing = [b for b in blueprints if b not in server.mounts]
    if missing:
        pytest.fail("not built: cgi-bin/%s" % ", ".join(missing), pytrace=False)


def query(server, sql, *args):
    return server.query(sql, *args)


def assert_nul_400(r):
    """A 400 whose page says a NUL byte is the trouble (HTML or JSON)."""
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "NUL" in r.text, r.text[:2000]
    assert "UTF-8" not in r.text, r.text[:2000]


def raw_request(server, method, path, headers=None, body=b""):
    """One request sent as given (requests would upper-case the method)."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace")
    finally:
        c.close()


def run_cgi(cgi_env, **kwargs):
    """The program run as plain CGI; returns (status, header lines, body)."""
    return servers.cgi_response(servers.run_cgi(cgi_env, **kwargs))


def header(lines, name):
    for h in lines:
        k, _, v = h.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


# ---- NUL bytes: a 400 from the request layer, nothing stored ----

def test_nul_in_name_form_is_400_and_no_user(browser, server):
    b = browser()
    _, token = b.index()
    name = unique("nul")
    r = b.post(INDEX, headers=FORM,
               data="name=%s%%00b&csrf_token=%s&submit=Submit" % (name, token))
    assert_nul_400(r)
    assert "name" in r.text
    assert query(server, "SELECT username FROM users WHERE username LIKE ?", name + "%") == []


def test_nul_in_multipart_field_is_400_and_no_cat(browser, server):
    need(server, "animals")
    b = browser()
    r = b.get(CATS)
    assert r.status_code == 200, r.text[:300]
    token = csrf_token(r.text)
    name = "nul" + uuid.uuid4().hex[:8]
    r = b.post(CATS, files={"name": (None, (name + "\x00cat").encode()),
                            "csrf_token": (None, token), "submit": (None, "Add")})
    assert_nul_400(r)
    assert query(server, "SELECT name FROM cat WHERE name LIKE ?", name + "%") == []


def test_nul_after_a_number_is_400(browser, server):
    need(server, "animals")
    b = browser()
    token = csrf_token(b.get(CATS).text)
    name = unique("age")
    r = b.post(CATS, headers=FORM,
               data="name=%s&age=5%%00&csrf_token=%s&submit=Add" % (name, token))
    assert_nul_400(r)
    assert "age" in r.text
    assert query(server, "SELECT name FROM cat WHERE name = ?", name) == []


def test_nul_in_cookie_value_is_400(browser, server):
    need(server, "cookies")
    r = browser().get("/cgi-bin/cookies/set?key=nulcookie&value=b%00c")
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "Set-Cookie" not in r.headers
    if server.kind == "apache":      # lighttpd refuses "%00" in a query itself
        assert_nul_400(r)
        assert "value" in r.text


def test_nul_in_query_reaches_the_app_only_under_apache(browser, server):
    r = browser().get("/cgi-bin/main/?x=a%00b")
    assert r.status_code == 400
    if server.kind == "apache":
        assert_nul_400(r)


def test_nul_in_query_as_cgi(cgi_env):
    status, _, body = run_cgi(cgi_env, query_string="page=1%00")
    assert status == 400 and "NUL" in body and "page" in body, body[:2000]


def test_nul_in_a_key_names_the_nul(browser):
    b = browser()
    _, token = b.index()
    r = b.post(INDEX, headers=FORM, data="%%00=x&name=ok&csrf_token=%s" % token)
    assert_nul_400(r)


def test_nul_in_api_form_body_is_json_400(browser, server):
    need(server, "api")
    r = browser().post("/cgi-bin/api/login", headers=FORM, data="username=a%00b&password=x")
    assert_nul_400(r)
    assert r.headers["Content-Type"].startswith("application/json")
    assert "NUL" in r.json()["message"]


def test_nul_in_json_string_is_400(browser, server):
    need(server, "api")
    r = browser().post("/cgi-bin/api/login", headers={"Content-Type": "application/json"},
                       data='{"username": "a\\u0000b", "password": "x"}')
    assert r.status_code == 400, r.text
    msg = r.json()["message"]
    assert "NUL" in msg and "JSON_ALLOW_NUL" not in msg, msg


# ---- unknown methods: the path first (404), then 405 with Allow ----

def allow(headers):
    return headers.get("Allow")


def test_unknown_method_known_path_405_with_allow(server):
    status, h, _ = raw_request(server, "PROPFIND", INDEX)
    assert status == 405
    assert allow(h) == "GET, HEAD, POST, OPTIONS", h
    status, h, _ = raw_request(server, "PROPFIND", "/cgi-bin/main/user/x")
    assert status == 405 and allow(h) == "GET, HEAD, OPTIONS", h


def test_unknown_method_unknown_path_404(server):
    status, _, body = raw_request(server, "PROPFIND", "/cgi-bin/main/no/such/page")
    assert status == 404 and "Page Not Found" in body


def test_unknown_method_on_api_is_json(server):
    need(server, "api")
    status, h, body = raw_request(server, "PROPFIND", "/cgi-bin/api/students")
    assert status == 405 and "GET" in allow(h) and "POST" in allow(h), h
    assert json.loads(body)["message"]
    status, h, body = raw_request(server, "PROPFIND", "/cgi-bin/api/nowhere")
    assert status == 404 and json.loads(body)["message"]


def test_trace(server):
    known = raw_request(server, "TRACE", INDEX)
    unknown = raw_request(server, "TRACE", "/cgi-bin/main/no/such/page")
    if server.kind == "apache":
        # TraceEnable Off: Apache refuses every TRACE before the application.
        assert known[0] == 405 and unknown[0] == 405
    else:
        assert known[0] == 405 and allow(known[1]) == "GET, HEAD, POST, OPTIONS"
        assert unknown[0] == 404


def test_lowercase_method_is_unknown(server):
    known = raw_request(server, "get", INDEX)
    unknown = raw_request(server, "get", "/cgi-bin/main/no/such/page")
    if server.kind == "lighttpd":
        # lighttpd answers 501 Not Implemented itself.
        assert known[0] == 501 and unknown[0] == 501
    else:
        assert known[0] == 405 and allow(known[1]) == "GET, HEAD, POST, OPTIONS", known
        assert unknown[0] == 404


@pytest.mark.parametrize("method", ["get", "TRACE", "PROPFIND", "BREW"])
def test_unknown_methods_as_cgi(cgi_env, method):
    status, head, _ = run_cgi(cgi_env, method=method, path="/")
    assert status == 405 and header(head, "Allow") == "GET, HEAD, POST, OPTIONS", head
    status, head, _ = run_cgi(cgi_env, method=method, path="/no/such/page")
    assert status == 404 and header(head, "Allow") is None, head


# ---- messages that say what is wrong ----

def multipart(parts, boundary="xYzZy"):
    body = b"".join(b"--%s\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n"
                    % (boundary.encode(), i) for i in range(parts))
    return body + b"--%s--\r\n" % boundary.encode(), "multipart/form-data; boundary=" + boundary


def test_too_many_multipart_parts_is_413_saying_so(cgi_env):
    body, ctype = multipart(1001)
    status, _, page = run_cgi(cgi_env, method="POST", body=body,
                              extra={"CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(len(body)),
                                     "MAX_CONTENT_LENGTH": str(1 << 20)})
    assert status == 413, page[:500]
    assert "Too many parts" in page and "malformed" not in page, page[:2000]
    body, ctype = multipart(1000)
    status, _, page = run_cgi(cgi_env, method="POST", body=body,
                              extra={"CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(len(body)),
                                     "MAX_CONTENT_LENGTH": str(1 << 20)})
    assert status != 413, page[:500]


def test_application_plus_json_is_json_everywhere(browser, server):
    """Flask's is_json: application/json or application/*+json, and werkzeug
    counts "application/+json" too; the resource layer agrees with it."""
    need(server, "api")
    r = browser().post("/cgi-bin/api/login", headers={"Content-Type": "application/+json"},
                       data=json.dumps({"username": unique("nobody"), "password": "x"}))
    assert r.status_code == 401, (r.status_code, r.text)


# ---- numbers ----

@pytest.mark.parametrize("length", ["+6", " 6", "6 ", "0x6", "6.0", "-0", "٦"])
def test_content_length_must_be_digits_as_cgi(cgi_env, length):
    status, _, page = run_cgi(cgi_env, method="POST", body=b"name=a",
                              extra={"CONTENT_TYPE": FORM["Content-Type"],
                                     "CONTENT_LENGTH": length})
    assert status == 400, (length, page[:500])
    assert "Content-Length" in page, page[:2000]


@pytest.mark.parametrize("length", [b"+6", b" 6x", b"0x6"])
def test_content_length_with_sign_is_400_over_http(server, length):
    data = servers.raw_http(server.port,
                            b"POST /cgi-bin/main/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n"
                            b"Content-Length: " + length + b"\r\n\r\nname=a")
    assert data.startswith(b"HTTP/1.1 400"), data[:200]
