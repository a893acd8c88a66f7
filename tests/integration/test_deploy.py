"""Deployment as documented (issue 14): the server configs and the commands
of docs/deploy.md, run as written.

- Apache + mod_proxy_fcgi + spawn-fcgi (apache.conf -DFLAGON_PROXY_FCGI,
  tools/spawn-fcgi-pools.sh) serves every blueprint with the right
  SCRIPT_NAME and PATH_INFO; the tests marked proxy_fcgi elsewhere run
  against it too.
- A body over the default MAX_CONTENT_LENGTH (16 MiB) gets the
  application's 413 (JSON on the API) behind every server, not a server's
  bare 413 or an empty body.
- Paths outside every blueprint get the application's 404 page.
- `/` redirects with 302 everywhere.
- docs/deploy.md's commands run as written: production `db upgrade`
  without SECRET_KEY, the Apache start blocks (migrate first), and the
  programs' logs where the guide says they are.
"""
import os
import re
import signal
import subprocess
import time

import pytest
import requests

import servers
from servers import Browser

GUIDE = os.path.join(servers.ROOT, "docs", "deploy.md")
INDEX = "/cgi-bin/main/"
BIG = 17 * 1024 * 1024      # over the default MAX_CONTENT_LENGTH (16 MiB)


def guide_block(name):
    """The fenced block after `<!-- test: NAME -->` in docs/deploy.md."""
    text = open(GUIDE, encoding="utf-8").read()
    m = re.search(r"<!-- test: %s -->\s*\n```[a-z]*\n(.*?)\n```" % re.escape(name), text, re.S)
    assert m, "docs/deploy.md lost its <!-- test: %s --> block" % name
    return m.group(1)


# ---- Apache + mod_proxy_fcgi: the CGI variables ----

@pytest.mark.proxy_fcgi
def test_blueprints_see_their_mount_point_and_path(browser, server):
    """SCRIPT_NAME is the blueprint's mount point and PATH_INFO the rest
    (decoded): routes with arguments match and url_for builds full URLs."""
    b = browser()
    r = b.get("/cgi-bin/main/user/J%C3%BCrgen%20M")
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert "Hello, Jürgen M!" in r.text
    r, _ = b.index()
    assert 'action="/cgi-bin/main/"' in r.text or 'href="/cgi-bin/main/"' in r.text, r.text[:2000]
    # The mount point alone is the blueprint's root.
    r = b.get("/cgi-bin/main")
    assert r.status_code in (200, 308), r.status_code
    r = b.get("/cgi-bin/api/students/999999")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/json")


# ---- one redirect status for / ----

@pytest.mark.proxy_fcgi
def test_root_redirect_is_302(browser):
    r = browser().get("/")
    assert r.status_code == 302, r.status_code
    assert r.headers["Location"].endswith(INDEX)


# ---- unknown paths outside every blueprint: the application's 404 ----

OUTSIDE = ["/no-such-path.html", "/cgi-bin/no-such-blueprint/x", "/static/no-such-file.css",
           "/cgi-bin/", "/cgi-bin/main.c", "/cgi-bin/mainx/user/a"]


@pytest.mark.proxy_fcgi
@pytest.mark.parametrize("path", OUTSIDE)
def test_unknown_paths_get_the_404_page(browser, path):
    b = browser()
    for method in ("GET", "POST"):
        r = b.request(method, path, data={"a": "b"} if method == "POST" else None)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:300])
        assert "Page Not Found" in r.text, (method, path, r.text[:300])
        assert re.fullmatch(r"text/html; ?charset=utf-8", r.headers.get("Content-Type", ""), re.I)
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
    r = b.head(path)
    assert r.status_code == 404 and not r.content


def run_main_cgi(env, path, extra):
    return servers.run_cgi(env, path=path, extra=extra).stdout.decode("utf-8", "replace")


def test_error_document_requests_answer_their_status(cgi_env):
    """A server's error document request (REDIRECT_STATUS=4xx/5xx, Apache's
    ErrorDocument, lighttpd's error handler) gets the error page of that
    status whatever its path; REDIRECT_STATUS=200 (lighttpd sets it on
    every request) changes nothing."""
    out = run_main_cgi(cgi_env, "/", {"REDIRECT_STATUS": "404"})
    assert out.startswith("Status: 404"), out[:300]
    assert "Page Not Found" in out
    out = run_main_cgi(cgi_env, "/user/dave", {"REDIRECT_STATUS": "403"})
    assert out.startswith("Status: 403"), out[:300]
    assert "Hello, dave" not in out
    for value in ("200", "", "abc", "99", "404x", "600"):
        out = run_main_cgi(cgi_env, "/user/dave", {"REDIRECT_STATUS": value})
        assert out.startswith("Status: 200"), (value, out[:300])
        assert "Hello, dave!" in out


# ---- bodies over the default MAX_CONTENT_LENGTH ----

@pytest.fixture(scope="module", params=sorted(servers.ALL_KINDS))
def default_limit_server(request, tmp_path_factory, mounts):
    """A server of each kind whose programs run with the default
    MAX_CONTENT_LENGTH (16 MiB), its body limits derived from it as the
    guide says; main and api only."""
    kind = request.param
    s = servers.ALL_KINDS[kind](str(tmp_path_factory.mktemp("limit-" + kind)),
                                {bp: mounts[bp] for bp in ("main", "api")},
                                max_content_length=None)
    request.addfinalizer(s.stop)
    s.start()
    return s


def test_api_body_over_the_default_limit_is_json_413(default_limit_server):
    s = default_limit_server
    body = b'{"s_name": "x", "pad": "' + b"y" * BIG + b'"}'
    r = requests.post(s.url + "/cgi-bin/api/students", data=body, timeout=60,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    assert r.json()["message"], r.text


def test_form_body_over_the_default_limit_is_the_413_page(default_limit_server):
    b = Browser(default_limit_server)
    _, token = b.index()
    r = b.post(INDEX, data={"name": "n" * BIG, "csrf_token": token}, timeout=60)
    assert r.status_code == 413, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    assert "<html" in r.text
    # The client can go on; a body under the limit is the application's.
    r, token = b.index()
    r = b.post(INDEX, data={"name": "", "csrf_token": token})
    assert r.status_code == 200 and "This field is required." in r.text


@pytest.mark.parametrize("env, kib", [
    ({}, 20480),                                        # 16 MiB + a quarter
    ({"MAX_CONTENT_LENGTH": "33554432"}, 40960),        # 32 MiB + a quarter
    ({"MAX_CONTENT_LENGTH": "1024"}, 1025),             # + 1 MiB at least
    ({"MAX_CONTENT_LENGTH": "1024", "FLAGON_MAX_REQUEST_BODY": "5000000"}, 4883),
])
def test_lighttpd_request_size_follows_max_content_length(env, kib):
    """lighttpd's own limit (server.max-request-size, KiB) is derived from
    the programs' MAX_CONTENT_LENGTH, not fixed."""
    e = servers.base_env(dict(env, FLAGON_ROOT=servers.ROOT, FLAGON_BIN=servers.OUT))
    r = subprocess.run(["sh", os.path.join(servers.ROOT, "tools", "lighttpd-blueprints.sh")],
                       env=e, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert re.findall(r"(?m)^server\.max-request-size = (\d+)$", r.stdout) == [str(kib)], r.stdout


def test_body_over_the_servers_own_limit_is_413(default_limit_server):
    """Over the server's own limit too (20 MiB here): a 413, never the
    program handed an empty body (mod_fcgid did that: a 401 on the API, "The
    CSRF token is missing." on a form).  Apache answers with the
    blueprint's own page; lighttpd with its own."""
    s = default_limit_server
    body = b'{"s_name": "x", "pad": "' + b"y" * (25 * 1024 * 1024) + b'"}'
    r = requests.post(s.url + "/cgi-bin/api/students", data=body, timeout=60,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (r.status_code, r.text[:300])
    if s.kind != "lighttpd":
        assert r.headers["Content-Type"].startswith("application/json"), r.headers
        assert r.json()["message"], r.text
    r = requests.post(s.url + INDEX, data=body, timeout=60,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413, (r.status_code, r.text[:300])


# ---- docs/deploy.md's commands, as written ----

def production_env(tmp_path):
    """APP_CONFIG=production on a database of its own, and no SECRET_KEY."""
    return {"APP_CONFIG": "production", "FLAGON_ROOT": servers.ROOT,
            "DATABASE_URI": "sqlite:///" + str(tmp_path / "data.sqlite")}


def test_production_db_commands_need_no_secret_key(tmp_path):
    """`APP_CONFIG=production DATABASE_URI=... ./manage db upgrade` as the
    guide writes it: the migrations sign nothing, so they need no
    SECRET_KEY (the programs and runserver still refuse to start without
    one)."""
    env = production_env(tmp_path)
    assert "SECRET_KEY" not in servers.base_env(env)
    for args in (["db", "upgrade"], ["db", "current"], ["db", "check"]):
        r = servers.run_manage(args, env)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    assert os.path.exists(str(tmp_path / "data.sqlite"))
    r = servers.run_manage(["runserver", "-p", str(servers.free_port())], env, timeout=30)
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stderr, r.stderr
    # A program started that way says so too, and does not serve.
    p = subprocess.run([servers.MAIN_EXE], env=servers.base_env(
        dict(env, REQUEST_METHOD="GET", PATH_INFO="/")), stdin=subprocess.DEVNULL,
        capture_output=True, timeout=60, cwd=servers.ROOT)
    assert b"SECRET_KEY" in p.stderr, p.stderr


class GuideRun:
    """A shell running one of the guide's blocks, with the substitutions a
    test needs (a scratch FLAGON_VAR instead of $PWD/var, a free port, a
    secret, the programs of this build).  Stopped by the PIDs it wrote."""

    def __init__(self, script, var, port):
        self.var = var
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        self.log = os.path.join(var + "-shell.log")
        out = open(self.log, "ab")
        env = servers.base_env({})
        if os.path.realpath(servers.OUT) != os.path.realpath(servers.ROOT):
            env["FLAGON_BIN"] = servers.OUT      # lighttpd-blueprints.sh's programs
        try:
            # As pasted into a shell: no -e, so the line after the server
            # (stopping the pools) runs once the server has stopped.
            self.proc = subprocess.Popen(["/bin/sh", "-c", script], env=env,
                                         cwd=servers.ROOT, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        finally:
            out.close()

    def logs(self):
        parts = []
        for path in (self.log, os.path.join(self.var, "apache-error.log"),
                     os.path.join(self.var, "lighttpd-error.log"),
                     os.path.join(self.var, "fastcgi-error.log")):
            t = servers.tail(path)
            if t:
                parts.append("---- %s ----\n%s" % (path, t))
        return "\n".join(parts)

    def wait_ready(self, path):
        deadline = time.monotonic() + servers.READY_TIMEOUT + 30   # the migration too
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("the guide's commands exited with %s:\n%s"
                                     % (self.proc.returncode, self.logs()))
            try:
                r = requests.get(self.url + path, timeout=10, allow_redirects=False)
                if r.status_code != 503 or time.monotonic() > deadline - 5:
                    return r
                last = r.status_code
            except requests.RequestException as e:
                last = e
            time.sleep(0.2)
        raise AssertionError("not ready (%s):\n%s" % (last, self.logs()))

    def stop_server(self, pidfile):
        """SIGTERM to the server (by its pid file); the shell then runs the
        block's remaining commands.  Returns the shell's exit status."""
        try:
            with open(os.path.join(self.var, pidfile)) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """Whatever is left: the shell's process group, and pool processes
        of this FLAGON_VAR (by the PIDs in run/*.pid)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait(timeout=10)
        mark = ("FLAGON_VAR=%s" % self.var).encode()
        rundir = os.path.join(self.var, "run")
        for name in os.listdir(rundir) if os.path.isdir(rundir) else []:
            if not name.endswith(".pid"):
                continue
            try:
                pids = [int(p) for p in open(os.path.join(rundir, name)).read().split()]
            except (OSError, ValueError):
                continue
            for pid in pids:
                try:
                    with open("/proc/%d/environ" % pid, "rb") as f:
                        if mark in f.read().split(b"\0"):
                            os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def substitute(block, var, port):
    """The guide's block for a test run: its runtime directory, port,
    secret and programs replaced."""
    s = block.replace("$PWD/var", var)
    s = s.replace("FLAGON_OUT=$PWD", "FLAGON_OUT=" + servers.OUT)
    s = re.sub(r"FLAGON_LISTEN_PORT=\d+", "FLAGON_LISTEN_PORT=%d" % port, s)
    s = s.replace("SECRET_KEY=…", "SECRET_KEY=guide-test-secret-key")
    s = re.sub(r"(?m)^\./manage ", servers.MANAGE + " ", s)
    assert "…" not in s, s
    return s


def check_site(run):
    """The site the guide started answers: migrated (a page that reads a
    table is not 503), the API and the 404 page."""
    r = run.wait_ready("/cgi-bin/api/students")
    assert r.status_code == 200, (r.status_code, r.text[:300], run.logs())
    assert r.headers["Content-Type"].startswith("application/json")
    r = requests.get(run.url + INDEX, timeout=30)
    assert r.status_code == 200 and "Hello, Stranger!" in r.text, (r.status_code, r.text[:300])
    r = requests.get(run.url + "/no-such-path.html", timeout=30)
    assert r.status_code == 404 and "Page Not Found" in r.text


@pytest.mark.parametrize("variant", ["apache", "apache-proxy-fcgi"])
def test_guide_apache_commands(tmp_path, variant):
    """docs/deploy.md's Apache blocks, run as written: migrate, then Apache
    (mod_fcgid), or the pools and Apache with mod_proxy_fcgi; stopping
    Apache lets the block stop the pools."""
    if not os.access(servers.APACHE, os.X_OK):
        servers.missing("apache2", "make install-deps")
    var = str(tmp_path / "var")
    port = servers.free_port()
    block = guide_block("apache")
    if variant == "apache-proxy-fcgi":
        # The proxy block runs in the same shell, after the environment and
        # the migration: everything of the first block before apache2.
        setup = block[:block.index("/usr/sbin/apache2")]
        block = setup + guide_block("apache-proxy-fcgi")
    run = GuideRun(substitute(block, var, port), var, port)
    try:
        check_site(run)
        rc = run.stop_server("apache2.pid")
        assert rc == 0 or variant == "apache", (rc, run.logs())
        if variant == "apache-proxy-fcgi":
            assert not [n for n in os.listdir(os.path.join(var, "run")) if n.endswith(".pid")]
    finally:
        run.kill()


def test_guide_lighttpd_commands(tmp_path):
    var = str(tmp_path / "var")
    port = servers.free_port()
    run = GuideRun(substitute(guide_block("lighttpd"), var, port), var, port)
    try:
        check_site(run)
        run.stop_server("lighttpd.pid")
    finally:
        run.kill()


def test_runserver_logs_where_the_guide_says(tmp_path):
    """Under `make run` (./manage runserver) a program's log records go to
    the file docs/deploy.md's "Log files" names for lighttpd (before: to
    the terminal, while the guide named lighttpd-error.log)."""
    guide = open(GUIDE, encoding="utf-8").read()
    logs = guide[guide.index("## Log files"):]
    bullet = re.search(r"(?m)^- \*\*lighttpd\*\*.*?(?=^- )", logs, re.S).group(0)
    m = re.search(r"programs' stderr goes\s+to `\$FLAGON_VAR/([\w.-]+)`", bullet)
    assert m, bullet
    logname = m.group(1)
    var = tmp_path / "var"
    port = servers.free_port()
    # An empty database: the model pages answer 503 and log it.
    env = {"APP_CONFIG": "testing", "FLAGON_ROOT": servers.ROOT, "FLAGON_VAR": str(var),
           "DATABASE_URI": "sqlite:///" + str(tmp_path / "empty.sqlite"),
           "FLAGON_BIN": servers.OUT, "FLAGON_PROCS": "1"}
    out = open(str(tmp_path / "runserver.log"), "wb")
    proc = subprocess.Popen([servers.MANAGE, "runserver", "-p", str(port)],
                            env=servers.base_env(env), cwd=servers.ROOT,
                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    out.close()
    try:
        deadline = time.monotonic() + servers.READY_TIMEOUT
        while True:
            assert proc.poll() is None, servers.tail(str(tmp_path / "runserver.log"))
            try:
                r = requests.get("http://127.0.0.1:%d/cgi-bin/model/get_all_student/" % port,
                                 timeout=10)
                if r.status_code == 503:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, servers.tail(str(tmp_path / "runserver.log"))
            time.sleep(0.1)
        log = var / logname
        deadline = time.monotonic() + 5
        while "-> 503" not in servers.tail(str(log), 200) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.search(r"ERROR model\[\d+\]: GET /cgi-bin/model/get_all_student/ -> 503",
                         servers.tail(str(log), 200)), (servers.tail(str(log)),
                                                         servers.tail(str(tmp_path / "runserver.log")))
    finally:
        kids = servers._children_of([proc.pid])
        servers.terminate(proc)
        for pid in kids:
            if servers._alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
