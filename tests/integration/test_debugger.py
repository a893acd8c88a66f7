"""The development error page (lib/web/debugger.h) through lighttpd, with
the test-only crashapp (tests/integration/crashapp.c): a crash or an
unhandled error shows the signal or the message, the C backtrace with
`crashapp.c:LINE`, the source line, the request with its secrets masked,
the session and g; the terminal (the programs' stderr, lighttpd's
breakagelog) gets the same frames.  Production shows the plain 500 page.
Template errors: in development only the pages using a broken template
fail, with its file:line:col and lines; production refuses to start."""
import os
import re
import shutil
import subprocess

import pytest

import servers

HERE = os.path.dirname(os.path.abspath(__file__))
CRASHAPP_C = os.path.join(HERE, "crashapp.c")
SECRET = "s3cr3t-value-never-shown"


def marker_line(marker, path=CRASHAPP_C):
    """The 1-based line of `path` holding `marker`."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n, line.strip()
    raise AssertionError("no %s in %s" % (marker, path))


def need_crashapp():
    if not os.access(servers.CRASHAPP_EXE, os.X_OK):
        servers.missing("crashapp is not built",
                        "make unit-bins builds $FLAGON_BUILD/tests/integration/crashapp")


def start(tmp_path_factory, name, config, root=None):
    need_crashapp()
    extra = {"APP_CONFIG": config}
    if root:
        extra["FLAGON_ROOT"] = root
    s = servers.Lighttpd(str(tmp_path_factory.mktemp(name)),
                         {"crashapp": servers.CRASHAPP_EXE}, extra_env=extra)
    s.start()
    return s


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    s = start(tmp_path_factory, "debugger-dev", "development")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    s = start(tmp_path_factory, "debugger-prod", "production")
    yield s
    s.stop()


def text_of(html):
    """The page's text: tags dropped, the entities the escaper writes undone."""
    html = re.sub(r"<[^>]*>", "", html)
    return (html.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))


def crash_page(server, path, **kw):
    b = servers.Browser(server)
    mark = server.log_mark()
    r = b.get(server.url + "/cgi-bin/crashapp" + path, **kw)
    return b, r, mark


def test_segfault_page_in_development(dev):
    b = servers.Browser(dev)
    token = b.get(dev.url + "/cgi-bin/crashapp/token").text
    assert token
    mark = dev.log_mark()
    r = b.post(dev.url + "/cgi-bin/crashapp/segv?page=7&api_key=" + SECRET,
               data={"comment": "hello form", "password": SECRET, "csrf_token": token},
               headers={"Authorization": "Bearer " + SECRET, "X-Custom": "visible-header"})
    assert r.status_code == 500
    assert r.headers["Content-Type"].startswith("text/html")
    page = text_of(r.text)
    assert "Internal Server Error" in page
    assert "SIGSEGV" in page and "Segmentation fault" in page
    line, source = marker_line("CRASH-SEGV")
    assert "crashapp.c:%d" % line in page, page[:3000]
    assert "segv_view" in page
    assert source in page                         # the source line itself
    # the request: args, form, headers, cookies
    assert "<th>page</th><td>7</td>" in r.text
    assert "<th>comment</th><td>hello form</td>" in r.text
    assert "<th>X-Custom</th><td>visible-header</td>" in r.text
    assert "<th>password</th><td>********</td>" in r.text
    assert "<th>Authorization</th><td>********</td>" in r.text
    # secrets masked: the value never shown, the mask shown
    assert SECRET not in page
    assert token not in page
    assert "********" in page
    # the session and g the view set before it crashed
    assert '"name": "Alice"' in page
    assert '"user": "dave"' in page
    # the terminal has the same frames
    log = servers.wait_for_log(dev, mark, r"crashapp\.c:%d" % line, timeout=5)
    assert re.search(r"#0 segv_view at \S*crashapp\.c:%d" % line, log), log
    # the program keeps serving (a fresh process)
    for _ in range(3):
        r = b.get(dev.url + "/cgi-bin/crashapp/")
        assert r.status_code == 200 and r.text == "ok"


def test_division_by_zero_page(dev):
    _, r, mark = crash_page(dev, "/divide?q=question")
    assert r.status_code == 500
    page = text_of(r.text)
    assert "SIGFPE" in page
    line, source = marker_line("CRASH-FPE")
    assert "crashapp.c:%d" % line in page
    assert source in page
    # the frame of the division, then its caller
    assert page.index("divide at") < page.index("divide_view at")
    assert "question" in page
    log = servers.wait_for_log(dev, mark, r"#0 divide at", timeout=5)
    assert re.search(r"#0 divide at \S*crashapp\.c:%d" % line, log), log


def test_library_caught_bug_shows_message_and_view_line(dev):
    """fl_app_fail (url_for of an unknown endpoint) is an unhandled error:
    the page names it and the view's line."""
    _, r, _ = crash_page(dev, "/url_for/unknown", allow_redirects=False)
    assert r.status_code == 500
    page = text_of(r.text)
    assert "'login'" in page
    assert "url_for_unknown_view at" in page
    assert re.search(r"crashapp\.c:\d+", page)


def test_abort_500_is_not_the_debugger(dev):
    """abort(500) is an HTTP error, as in Flask: the ordinary page."""
    _, r, _ = crash_page(dev, "/error")
    assert r.status_code == 500
    assert "Flagon Debugger" not in r.text
    assert "Internal Server Error" in r.text


def test_production_shows_the_plain_page(prod):
    _, r, mark = crash_page(prod, "/segv?api_key=" + SECRET)
    assert r.status_code == 500
    assert "Internal Server Error" in r.text
    assert "Flagon Debugger" not in r.text
    assert "crashapp.c" not in r.text and "segv_view" not in r.text
    _, r, _ = crash_page(prod, "/divide")
    assert r.status_code == 500 and "crashapp.c" not in r.text
    _, r, _ = crash_page(prod, "/url_for/unknown", allow_redirects=False)
    assert r.status_code == 500 and "Flagon Debugger" not in r.text
    log = servers.wait_for_log(prod, mark, r"url_for/unknown", timeout=5)
    assert "#0 " not in log


# ---- template errors ----

BROKEN = "<p>one</p>\n<p>two</p>\n<p>{{ who }</p>\n<p>four</p>\n"


def template_root(tmp_path_factory, name):
    """A copy of the checkout's root whose templates/ holds ok.html,
    broken.html (an unclosed {{ on line 3) and uses_broken.html."""
    root = str(tmp_path_factory.mktemp(name))
    for entry in os.listdir(servers.ROOT):
        if entry != "templates":
            os.symlink(os.path.join(servers.ROOT, entry), os.path.join(root, entry))
    t = os.path.join(root, "templates")
    os.mkdir(t)
    with open(os.path.join(t, "ok.html"), "w") as f:
        f.write("<p>Hello, {{ who }}!</p>\n")
    with open(os.path.join(t, "broken.html"), "w") as f:
        f.write(BROKEN)
    with open(os.path.join(t, "uses_broken.html"), "w") as f:
        f.write("{% include 'broken.html' %}\n")
    return root


def test_broken_template_in_development(tmp_path_factory):
    root = template_root(tmp_path_factory, "tpl-dev-root")
    s = start(tmp_path_factory, "tpl-dev", "development", root=root)
    try:
        b = servers.Browser(s)
        r = b.get(s.url + "/cgi-bin/crashapp/render/ok.html")
        assert r.status_code == 200 and "Hello, world!" in r.text
        r = b.get(s.url + "/cgi-bin/crashapp/")
        assert r.status_code == 200
        for page in ("broken.html", "uses_broken.html"):
            r = b.get(s.url + "/cgi-bin/crashapp/render/" + page)
            assert r.status_code == 500, page
            text = text_of(r.text)
            assert re.search(r"broken\.html:3:\d+", text), text[:2000]
            assert "<p>{{ who }</p>" in text          # the failing line
            assert "<p>two</p>" in text and "<p>four</p>" in text
            assert "^" in text                        # the column
        # the start-up warned with file:line:col
        assert re.search(r"template broken\.html:3:\d+", s.log_since({}))
        # fixed, it works without a restart (templates reload in development)
        with open(os.path.join(root, "templates", "broken.html"), "w") as f:
            f.write(BROKEN.replace("{{ who }", "{{ who }}") + "\n")
        r = b.get(s.url + "/cgi-bin/crashapp/render/uses_broken.html")
        assert r.status_code == 200 and "world" in r.text
    finally:
        s.stop()


def test_broken_template_in_production_fails_fast(tmp_path_factory):
    need_crashapp()
    root = template_root(tmp_path_factory, "tpl-prod-root")
    env = servers.base_env({
        "APP_CONFIG": "production", "FLAGON_ROOT": root, "SECRET_KEY": "k",
        "DATABASE_URI": "sqlite:///" + os.path.join(root, "..", "prod.sqlite"),
        "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
        "PATH_INFO": "/render/ok.html", "SCRIPT_NAME": "/cgi-bin/crashapp"})
    p = subprocess.run([servers.CRASHAPP_EXE], env=env, capture_output=True, text=True,
                       timeout=30, stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert re.search(r"template broken\.html:3:\d+: ", p.stderr), p.stderr
    assert "start-up failed" in p.stderr
    assert "Status: 200" not in p.stdout
