"""Request hooks, error handlers and login (issue 15, web/hooks.h,
web/errors.h, web/login.h), through lighttpd and Apache: the test-only
application tests/integration/hooksapp.c (see its header for what each
route and hook does), which the Makefile builds into
$FLAGON_BUILD/tests/integration/hooksapp.  One server of each kind serves
it alone for the whole module."""
import json
import os
import re
from urllib.parse import quote

import pytest
from werkzeug.exceptions import default_exceptions

import servers
from servers import Browser

HOOKSAPP_EXE = os.path.join(servers.BUILD, "tests", "integration", "hooksapp")
BASE = "/cgi-bin/hooksapp"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module", params=sorted(servers.KINDS))
def hs(request, tmp_path_factory):
    """A server of each kind serving hooksapp alone."""
    return servers.serve_test_app(request, tmp_path_factory, "hooksapp", HOOKSAPP_EXE)


@pytest.fixture
def b(hs):
    client = Browser(hs)
    yield client
    client.close()
    hs.remember_children()


# ---- hooks ----

def test_hooks_run_in_flask_order(hs, b):
    mark = hs.log_mark()
    r = b.get(BASE + "/order")
    assert r.status_code == 200
    # before_request: the application-wide ones (the application's own,
    # then the blueprint's before_app_request), then the blueprint's, in order
    assert r.text == "app,bpapp,bp1,bp2"
    assert r.headers["X-Before-2"] == "ran"
    # after_request and teardown: the blueprint's, then the application-wide
    # ones, all last-registered first
    assert r.headers["X-After"] == "bp,bpapp,app2,app1"
    log = servers.wait_for_log(hs, mark, r"hooksapp teardown /order ")
    assert "hooksapp teardown /order order=bp,bpapp,app2,app1 failed=0" in log


def test_before_request_hook_answers(hs, b):
    """A hook's redirect skips the other hooks and the view; after_request,
    the session save, the deferred work and teardown still run."""
    mark = hs.log_mark()
    r = b.get(BASE + "/guarded")
    assert r.status_code == 302
    assert r.headers["Location"].endswith(BASE + "/?from=guarded")
    assert "X-Before-2" not in r.headers          # the next hook did not run
    assert r.headers["X-After"] == "bp,bpapp,app2,app1"
    assert re.match(r"session=[^;]+;", r.headers.get("Set-Cookie", ""))
    log = servers.wait_for_log(hs, mark, r"hooksapp teardown /guarded ")
    assert "hooksapp deferred /guarded" in log
    assert "hooksapp teardown /guarded order=bp,bpapp,app2,app1 failed=0" in log
    assert "a view the hooks answer ran" not in log
    # the session the hook changed came back
    assert b.cookies.get("session")


def test_before_request_hook_aborts_to_the_handler(b):
    r = b.get(BASE + "/hook_abort", headers=HTML)
    assert r.status_code == 403
    assert "Custom 403" in r.text and "hook says no" in r.text
    assert r.headers["X-After"] == "bp,bpapp,app2,app1"


# ---- error handlers ----

def test_404_handler_html_or_json_by_accept(b):
    r = b.get(BASE + "/no/such/page", headers=HTML)
    assert r.status_code == 404
    assert "Custom 404: Page Not Found" in r.text
    assert "The requested URL was not found on the server." in r.text
    assert r.headers["Content-Type"].startswith("text/html")
    # a handler's response gets the usual headers too
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    for accept in ("application/json", "application/json, text/html;q=0"):
        r = b.get(BASE + "/no/such/page", headers={"Accept": accept})
        assert r.status_code == 404
        assert r.headers["Content-Type"] == "application/json"
        # the blueprint's handler, not the application's
        assert r.json() == {"error": "not found", "handler": "bp-404"}
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    # curl's and requests' */* is not a preference for JSON
    r = b.get(BASE + "/no/such/page", headers={"Accept": "*/*"})
    assert "Custom 404" in r.text


def test_405_handler_keeps_allow(b):
    r = b.post(BASE + "/order")
    assert r.status_code == 405
    assert r.text == "custom 405"
    allow = r.headers["Allow"]
    assert "GET" in allow and "BOGUS" not in allow


def test_csrf_400_handled(b):
    r = b.post(BASE + "/form", data={"x": "1"})
    assert r.status_code == 400
    assert r.text == "custom 400: The CSRF token is missing."
    token = b.get(BASE + "/form").text
    r = b.post(BASE + "/form", data={"x": "1", "csrf_token": token})
    assert r.status_code == 200 and r.text == "posted"


def test_413_handled(hs, b):
    r = b.post(BASE + "/form", data={"x": "y" * (hs.max_content_length * 2)})
    assert r.status_code == 413
    assert r.text.startswith("custom 413: ")


def test_abort_403_handled(b):
    r = b.get(BASE + "/forbidden", headers=HTML)
    assert r.status_code == 403
    assert "Custom 403" in r.text and "members only" in r.text
    assert r.headers["Content-Type"].startswith("text/html")


def test_crash_500_handled(b):
    r = b.get(BASE + "/segv")
    assert r.status_code == 500
    assert r.text == "custom 500"
    for _ in range(3):
        r = b.get(BASE + "/")
        assert r.status_code == 200 and r.text == "index"


def test_failing_handler_gives_the_builtin_page(b):
    # 409: the handler returns non-zero after half a page
    r = b.get(BASE + "/abort/409", headers=HTML)
    assert r.status_code == 409
    assert "Conflict" in r.text and "half a page" not in r.text
    assert "A conflict happened while processing the request." in r.text
    # 418: returns 0 without building anything
    r = b.get(BASE + "/abort/418", headers=HTML)
    assert r.status_code == 418
    assert "teapot" in r.text
    # 410: the handler crashes; the process restarts afterwards
    r = b.get(BASE + "/abort/410", headers=HTML)
    assert r.status_code == 410
    assert "Gone" in r.text
    r = b.get(BASE + "/")
    assert r.status_code == 200 and r.text == "index"


def test_app_errorhandler_of_the_blueprint(b):
    """@bp.app_errorhandler: application-wide, after the application's own
    handler of the same code, before any FL_ANY_ERROR."""
    r = b.get(BASE + "/abort/402")
    assert r.status_code == 402
    assert r.text == "the blueprint's app_errorhandler(402)"
    r = b.get(BASE + "/abort/400")
    assert r.status_code == 400
    assert r.text.startswith("custom 400: ")


@pytest.mark.parametrize("code", [401, 406, 415, 422, 429, 451, 501, 503])
def test_any_error_handler_gets_werkzeugs_error(b, code):
    r = b.get(BASE + "/abort/%d" % code)
    assert r.status_code == code
    exc = default_exceptions[code]()
    assert r.json() == {"code": code, "name": exc.name, "description": exc.description}
    # what the error carried survives the handler's own values
    if code == 401:
        assert r.headers["WWW-Authenticate"] == 'Basic realm="hooks"'
    if code in (429, 503):
        assert r.headers["Retry-After"] == "120"


# ---- login ----

def login_location(path_qs):
    return BASE + "/login?next=" + quote(path_qs, safe="")


def test_login_required_by_flag_and_by_call(b):
    r = b.get(BASE + "/secret?x=1&y=%C3%A9", headers=HTML)
    assert r.status_code == 302
    assert r.headers["Location"] == login_location(BASE + "/secret?x=1&y=%C3%A9")
    r = b.get(r.headers["Location"])
    assert r.status_code == 200
    assert r.text == ('login page next=%s/secret?x=1&y=%%C3%%A9 flashes=%s'
                      % (BASE, json.dumps([["message", "Please log in to access this page."]],
                                          separators=(",", ":"))))
    r = b.get(BASE + "/secret_call", headers=HTML)
    assert r.status_code == 302
    assert r.headers["Location"] == login_location(BASE + "/secret_call")
    # a client that wants JSON gets 401 (the application's any-error handler)
    r = b.get(BASE + "/secret", headers=JSON)
    assert r.status_code == 401 and r.json()["code"] == 401
    # log in, back to the page asked for
    r = b.get(BASE + "/login", params={"as": "1", "next": BASE + "/secret?x=1"})
    assert r.status_code == 302
    assert r.headers["Location"] == BASE + "/secret?x=1"
    assert b.get(BASE + "/secret?x=1").text == "secret for alice"
    assert b.get(BASE + "/secret_call").text == "secret for alice"
    assert b.get(BASE + "/logout").text == "logged out"
    assert b.get(BASE + "/secret").status_code == 302


@pytest.mark.parametrize("nxt", ["http://evil.example/", "//evil.example/x", "/\\evil.example",
                                 "javascript:alert(1)"])
def test_unsafe_next_is_refused(b, nxt):
    r = b.get(BASE + "/login", params={"next": nxt})
    assert r.text.startswith("login page next=- ")
    r = b.get(BASE + "/login", params={"as": "1", "next": nxt})
    assert r.status_code == 302
    assert r.headers["Location"] == BASE + "/"


def test_stale_user_is_anonymous_and_loader_errors_fail(b):
    b.get(BASE + "/login", params={"as": "99"})
    r = b.get(BASE + "/secret", headers=HTML)
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]
    b.get(BASE + "/login", params={"as": "2"})
    r = b.get(BASE + "/secret")
    assert r.status_code == 503
    assert r.json()["description"] == "the users table is missing"
