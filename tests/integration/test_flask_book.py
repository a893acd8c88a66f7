"""The Flask book's chapter 3 and 4 templates (tests/book/templates, as
Grinberg's "Flask Web Development" prints them) rendered unchanged by
Flagon — tests/integration/bookapp.c with fl_bootstrap and fl_moment, on
lighttpd and Apache — and compared byte for byte with the book's real
Flask application rendering the same files in-process
(tests/integration/book_flask.py).  Only the CSRF token and the
timestamps differ, and are masked."""
import os
import re

import pytest

import book_flask
import servers
from servers import Browser

BOOKAPP_EXE = os.path.join(servers.BUILD, "tests", "integration", "bookapp")
BASE = "/cgi-bin/bookapp"

TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
CSRF_VALUE_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")')


def mask(html):
    return CSRF_VALUE_RE.sub(r"\1CSRF\2", TIMESTAMP_RE.sub("TIMESTAMP", html))


@pytest.fixture(scope="module", params=sorted(servers.KINDS))
def bs(request, tmp_path_factory):
    """A server of each kind serving bookapp alone."""
    return servers.serve_test_app(request, tmp_path_factory, "bookapp", BOOKAPP_EXE)


@pytest.fixture
def b(bs):
    client = Browser(bs)
    yield client
    client.close()
    bs.remember_children()


@pytest.fixture(scope="module")
def flask_app():
    app = book_flask.create_app(servers.ROOT)
    app.config["TESTING"] = True
    return app


def same_page(flagon_response, flask_response):
    assert flagon_response.status_code == flask_response.status_code
    assert flagon_response.headers["Content-Type"] == flask_response.headers["Content-Type"]
    ours = mask(flagon_response.content.decode("utf-8"))
    theirs = mask(flask_response.get_data(as_text=True))
    assert ours == theirs


@pytest.mark.parametrize("path", ["/ch3", "/user/Dave", "/user/%3Cb%3E%20%26%20%C3%A9",
                                  "/no/such/page", "/boom"])
def test_pages_as_flask_renders_them(b, flask_app, path):
    same_page(b.get(BASE + path), flask_app.test_client().get(path))


def test_chapter3_moment(b):
    html = b.get(BASE + "/ch3").text
    spans = re.findall(r'<span class="flask-moment"[^>]*>[^<]*</span>', html)
    assert len(spans) == 2
    assert re.fullmatch(r'<span class="flask-moment" data-timestamp="(\S+Z)" '
                        r'data-function="format" data-format="LLL" data-refresh="0" '
                        r'style="display: none">\1</span>', spans[0])
    assert 'data-function="fromNow" data-refresh="60000"' in spans[1]
    assert '<script src="/static/vendor/moment/moment-with-locales.min.js"></script>' in html
    assert "flask_moment_render_all" in html


def test_bootstrap_base_blocks(b):
    html = b.get(BASE + "/user/Dave").text
    assert html.startswith("<!DOCTYPE html>\n<html>\n  <head>")
    assert ('<link href="/static/vendor/bootstrap3/css/bootstrap.min.css?bootstrap=3.4.1" '
            'rel="stylesheet">') in html
    assert html.index("jquery.min.js") < html.index("js/bootstrap.min.js") \
        < html.index("moment-with-locales")


def test_vendored_files_are_served(b):
    for path in ["/static/vendor/bootstrap3/css/bootstrap.min.css",
                 "/static/vendor/bootstrap3/js/bootstrap.min.js",
                 "/static/vendor/bootstrap3/fonts/glyphicons-halflings-regular.woff2",
                 "/static/vendor/jquery/jquery.min.js",
                 "/static/vendor/moment/moment-with-locales.min.js"]:
        r = b.get(path)
        assert r.status_code == 200, path
        assert len(r.content) > 1000, path


def flask_token(client):
    r = client.get("/")
    return servers.csrf_token(r.get_data(as_text=True))


def test_chapter4_form_round_trip(b, flask_app):
    fc = flask_app.test_client()
    same_page(b.get(BASE + "/"), fc.get("/"))
    # An empty name: the form again with DataRequired's error
    r = b.post(BASE + "/", data={"name": "", "csrf_token": servers.csrf_token(
        b.get(BASE + "/").text), "submit": "Submit"})
    f = fc.post("/", data={"name": "", "csrf_token": flask_token(fc), "submit": "Submit"})
    same_page(r, f)
    # A name, then another: redirect, the greeting, the flashed message
    for name in ["Dave", "Susan <&>"]:
        r = b.post(BASE + "/", data={"name": name, "csrf_token": servers.csrf_token(
            b.get(BASE + "/").text), "submit": "Submit"})
        f = fc.post("/", data={"name": name, "csrf_token": flask_token(fc),
                               "submit": "Submit"})
        assert r.status_code == f.status_code == 302
        assert r.headers["Location"].endswith(BASE + "/")
        same_page(b.get(BASE + "/"), fc.get("/"))
    page = b.get(BASE + "/").text
    assert "Hello, Susan &lt;&amp;&gt;!" in page
