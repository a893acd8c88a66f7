"""Error pages and crashes, through lighttpd and Apache.  The 500 tests need
the test-only blueprint tests/integration/crashapp.c, which the Makefile
builds into $FLAGON_BUILD/tests/integration/crashapp (make test / check)."""
import re

import pytest

import servers
from servers import MAX_CONTENT_LENGTH, csrf_token

INDEX = "/cgi-bin/main/"


@pytest.mark.proxy_fcgi
def test_404_page(browser):
    b = browser()
    for path in ("/cgi-bin/main/no/such/page", "/cgi-bin/main/user/", "/cgi-bin/main/user/a/b"):
        r = b.get(path)
        assert r.status_code == 404, path
        assert "Page Not Found" in r.text, path
        assert re.fullmatch(r"text/html; ?charset=utf-8", r.headers.get("Content-Type", ""), re.I)
        assert "<html" in r.text


@pytest.mark.proxy_fcgi
def test_oversized_body_is_413(browser):
    b = browser()
    _, token = b.index()
    data = {"name": "n" * 2000, "csrf_token": token}
    r = b.post(INDEX, data=data)
    assert int(r.request.headers["Content-Length"]) > MAX_CONTENT_LENGTH
    assert r.status_code == 413
    # Below the limit the same form is handled (and fails validation).
    r = b.post(INDEX, data={"name": "n" * 100, "csrf_token": token})
    assert r.status_code == 200
    assert "Field must be between 1 and 64 characters long." in r.text
    # The client can go on.
    r, _ = b.index()
    assert "Hello, Stranger!" in r.text


@pytest.mark.proxy_fcgi
def test_oversized_body_without_reading_it(browser, server):
    """A declared Content-Length over the limit is refused even when the
    client is slow to send the body."""
    body = b"name=" + b"n" * (MAX_CONTENT_LENGTH * 4)
    data = servers.raw_http(server.port,
                            b"POST /cgi-bin/main/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n"
                            b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]


# ---- the 500 page (crashapp) ----

@pytest.fixture
def crashapp(server, browser):
    if "crashapp" not in server.mounts:
        servers.missing("crashapp is not built",
                        "make unit-bins builds $FLAGON_BUILD/tests/integration/crashapp")
    return browser()


@pytest.mark.proxy_fcgi
def test_abort_500(crashapp, server):
    b = crashapp
    r = b.get("/cgi-bin/crashapp/")
    assert r.status_code == 200 and r.text == "ok"
    r = b.get("/cgi-bin/crashapp/error")
    assert r.status_code == 500
    assert "Internal Server Error" in r.text
    assert re.fullmatch(r"text/html; ?charset=utf-8", r.headers.get("Content-Type", ""), re.I)
    for _ in range(5):
        r = b.get("/cgi-bin/crashapp/")
        assert r.status_code == 200 and r.text == "ok"


def test_abort_500_is_logged(crashapp, server):
    """A 500 leaves a line in the server's error log (the FastCGI program's
    stderr), naming the request."""
    mark = server.log_mark()
    r = crashapp.get("/cgi-bin/crashapp/error")
    assert r.status_code == 500
    new = servers.wait_for_log(server, mark, r"/error")
    assert re.search(r"/error", new), "no log line for the 500:\n" + new


@pytest.mark.proxy_fcgi
def test_segfault_in_a_view(crashapp, server):
    b = crashapp
    assert b.get("/cgi-bin/crashapp/").status_code == 200
    mark = server.log_mark()
    r = b.get("/cgi-bin/crashapp/segv")
    assert r.status_code == 500
    assert "Internal Server Error" in r.text
    new = servers.wait_for_log(server, mark, r"signal|segv", timeout=5)
    assert re.search(r"signal|segv", new, re.I), "no log line for the crash:\n" + new
    # The program keeps answering (a new process replaces the crashed one).
    for i in range(10):
        r = b.get("/cgi-bin/crashapp/")
        assert r.status_code == 200 and r.text == "ok", (i, r.status_code, r.text[:300])
    # ... and so does every other blueprint.
    r = b.get(INDEX)
    assert r.status_code == 200 and csrf_token(r.text)
    # Repeated crashes do not exhaust the server.
    for i in range(4):
        r = b.get("/cgi-bin/crashapp/segv")
        assert r.status_code == 500, (i, r.status_code)
        r = b.get("/cgi-bin/crashapp/")
        assert r.status_code == 200, (i, r.status_code, r.text[:300])


# ---- bugs in a view the library answers with 500, never a crash ----

SAFE_500 = ("/url_for/unknown", "/url_for/missing", "/url_for/badtype",
            "/url_for/values", "/url_for/null", "/redirect_null", "/text_null",
            "/template_url_for")


@pytest.mark.parametrize("path", SAFE_500)
def test_bad_url_for_is_a_logged_500_not_a_crash(crashapp, server, path):
    """A url_for that cannot build (unknown endpoint, a missing or ill-typed
    value) fails the request like Flask's BuildError, whatever the view does
    with the NULL it got; a redirect to NULL or a NULL body likewise.  The
    process does not fault: no crash line, and it keeps serving."""
    b = crashapp
    mark = server.log_mark()
    r = b.get("/cgi-bin/crashapp" + path, allow_redirects=False)
    assert r.status_code == 500, (path, r.status_code, r.text[:200])
    assert "Internal Server Error" in r.text
    assert "Location" not in r.headers
    new = servers.wait_for_log(server, mark, re.escape(path) + r".* -> 500")
    assert re.search(re.escape(path) + r".* -> 500", new), "no log line for the 500:\n" + new
    assert not re.search(r"crashed|signal|restarting", new, re.I), new
    if path.startswith("/url_for/unknown"):
        assert "'login'" in new, new
    r = b.get("/cgi-bin/crashapp/")
    assert r.status_code == 200 and r.text == "ok"


def test_url_for_that_builds(crashapp):
    """The endpoints the views above get wrong do build when asked right."""
    r = crashapp.get("/cgi-bin/crashapp/user/dave")
    assert r.status_code == 200 and r.text == "dave"
    r = crashapp.get("/cgi-bin/crashapp/users/7")
    assert r.status_code == 200 and r.text == "7"


def test_template_url_for_without_a_request(crashapp, server):
    """url_for() in a template rendered with no request context is a
    template error for the caller, not a crash."""
    mark = server.log_mark()
    r = crashapp.get("/cgi-bin/crashapp/template_no_request")
    assert r.status_code == 200, r.text[:200]
    assert r.text.startswith("template error: "), r.text[:200]
    assert "url_for" in r.text
    assert not re.search(r"crashed|signal", server.log_since(mark), re.I)
