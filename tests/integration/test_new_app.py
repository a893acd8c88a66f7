"""`flagon new` and `./manage new`: a fresh application that builds, runs
and tests against the installed Flagon (Kore's `kodev create`).

`make install PREFIX=<tmp>` (installed.py), then `<tmp>/bin/flagon new
<tmp2>/notes`; in the new application, with nothing but pkg-config on that
prefix: `make` (its Makefile compiles with -Werror), `./manage db upgrade`
and `db check`, `make run PORT=<free>` in the background (lighttpd serving
the blueprint: the form, a note added by a POST with the CSRF token, the
redirect, the note shown), and `make test` (its cmocka tests through
Flagon's test client).  The application runs with an environment of its
own: none of the checkout's FLAGON_ROOT or configuration.
"""
import os
import re
import signal
import socket
import subprocess
import time
import types

import pytest

import servers
from installed import make_env, pkg_config, pkg_config_env, prefix, run, sanitizer_flags  # noqa: F401
from servers import Browser, csrf_token

SKELETON_FILES = [
    ".flagonenv", ".gitignore", "Makefile", "README.md", "apache.conf", "lighttpd.conf",
    "manage.c", "app/notes.c", "app/notes.h", "cgi-bin/main.c", "htdocs/static/style.css",
    "migrations/4e0a5c1d2b3f_create_note.sql", "templates/base.html",
    "templates/error.html", "templates/index.html", "tests/test_notes.c",
]


def files_under(d):
    return sorted(os.path.relpath(os.path.join(p, f), d)
                  for p, _, fs in os.walk(d) for f in fs)


def app_env(prefix):
    """An application's own environment: pkg-config finds the installed
    Flagon; nothing of the checkout's test configuration."""
    env = servers.base_env({})
    env.update({k: v for k, v in pkg_config_env(prefix).items() if k.startswith("PKG_CONFIG")})
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "DEV_DATABASE_URI",
              "TEST_DATABASE_URI", "MIGRATIONS_DIR", "HOST", "PORT", "CACHE_TYPE",
              "SESSION_TYPE", "TEST_PATTERN"):
        env.pop(k, None)
    return env


def make_flags(prefix):
    """CFLAGS/LDFLAGS for the application: the sanitizers when the
    installed library has them (make check)."""
    san = " ".join(sanitizer_flags(os.path.join(prefix, "lib", "libflagon.a")))
    return ["CFLAGS=-O1 -g " + san, "LDFLAGS=" + san] if san else []


def flagon(prefix, *args, **kwargs):
    return subprocess.run([os.path.join(prefix, "bin", "flagon")] + list(args),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, **kwargs)


def manage_new(*args, cwd):
    """The checkout's ./manage new, run from a folder that is no
    application (no templates/, no FLAGON_ROOT): new needs none."""
    return subprocess.run([servers.MANAGE, "new"] + list(args), cwd=cwd,
                          env=servers.base_env({}), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def notes(prefix, tmp_path_factory):
    """`flagon new .../notes`, built with its own `make`; returns its folder."""
    top = str(tmp_path_factory.mktemp("apps"))
    appdir = os.path.join(top, "notes")
    r = flagon(prefix, "new", appdir)
    assert r.returncode == 0, r.stderr
    r = run(["make"] + make_flags(prefix), "make in the new application", cwd=appdir,
            env=app_env(prefix), timeout=300)
    assert "-Werror" in r.stdout
    return appdir


# ---- the commands ----

def test_flagon_help_and_version(prefix):
    r = flagon(prefix, "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: flagon COMMAND")
    assert "new PATH" in r.stdout
    r = flagon(prefix, "--version")
    assert r.returncode == 0
    assert r.stdout.strip() == "flagon " + pkg_config(prefix, "--modversion").strip()
    for h in ("--help", "-h"):
        r = flagon(prefix, "new", h)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("usage: flagon new PATH [--name NAME] [--blueprint BP] [--force]")
    r = flagon(prefix, "bogus")
    assert r.returncode == 2 and "unknown command 'bogus'" in r.stderr
    r = flagon(prefix)
    assert r.returncode == 2 and "usage: flagon" in r.stderr


def test_manage_new_help(tmp_path):
    for h in ("--help", "-h"):
        r = manage_new(h, cwd=str(tmp_path))
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("usage: manage new PATH")
        assert "--blueprint BP" in r.stdout
    r = subprocess.run([servers.MANAGE, "--help"], capture_output=True, text=True,
                       env=servers.base_env({}), cwd=str(tmp_path))
    assert "new PATH" in r.stdout
    assert os.listdir(str(tmp_path)) == []


def test_manage_new_writes_the_skeleton(tmp_path):
    """Run where there is no application at all, with another name and
    blueprint: every placeholder filled in, names and texts."""
    r = manage_new("shop", "--name", "my_shop", "--blueprint=store", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    d = str(tmp_path / "shop")
    files = files_under(d)
    assert "app/my_shop.c" in files and "cgi-bin/store.c" in files
    assert "tests/test_my_shop.c" in files
    for f in files:
        with open(os.path.join(d, f)) as fh:
            text = fh.read()
        assert not re.search(r"@(APP|APP_UPPER|BLUEPRINT)@", text), f
    with open(os.path.join(d, "app", "my_shop.h")) as fh:
        text = fh.read()
    assert "#ifndef MY_SHOP_H" in text and "extern const fl_application my_shop_app;" in text
    with open(os.path.join(d, "lighttpd.conf")) as fh:
        assert '"/cgi-bin/store" => ((' in fh.read()
    assert "created %s/cgi-bin/store.c" % "shop" in r.stdout
    assert "cd shop" in r.stdout and "make run" in r.stdout


def test_new_refuses_a_folder_that_is_not_empty(prefix, tmp_path):
    d = tmp_path / "busy"
    d.mkdir()
    (d / "Makefile").write_text("mine\n")
    r = flagon(prefix, "new", str(d))
    assert r.returncode == 1
    assert "is not empty; nothing written" in r.stderr
    assert files_under(str(d)) == ["Makefile"]
    # --force writes beside what is there, but never over a file: the
    # Makefile is one of the skeleton's, so nothing at all is written.
    r = flagon(prefix, "new", str(d), "--force")
    assert r.returncode == 1
    assert "Makefile exists already; nothing written" in r.stderr
    assert files_under(str(d)) == ["Makefile"]
    assert (d / "Makefile").read_text() == "mine\n"
    # --force with no clash: the other files join the folder's.
    e = tmp_path / "notes"
    e.mkdir()
    (e / "NOTES.txt").write_text("keep\n")
    r = flagon(prefix, "new", str(e), "--force")
    assert r.returncode == 0, r.stderr
    assert files_under(str(e)) == sorted(SKELETON_FILES + ["NOTES.txt"])
    assert (e / "NOTES.txt").read_text() == "keep\n"


def test_new_bad_arguments(prefix, tmp_path):
    cases = [
        (["new"], 2, "PATH is missing"),
        (["new", str(tmp_path / "a"), "--frobnicate"], 2, "unknown option '--frobnicate'"),
        (["new", str(tmp_path / "a"), str(tmp_path / "b")], 2, "extra argument '%s'" % (tmp_path / "b")),
        (["new", str(tmp_path / "a"), "--name"], 2, "--name needs a value"),
        (["new", str(tmp_path / "my-app")], 1, "'my-app' is not a C identifier"),
        (["new", str(tmp_path / "a"), "--name", "9lives"], 1, "'9lives' is not a C identifier"),
        (["new", str(tmp_path / "a"), "--blueprint", "x/y"], 1, "blueprint 'x/y' is not a C identifier"),
        (["new", str(tmp_path / "flagon")], 1, "may not be named 'flagon'"),
    ]
    for args, status, message in cases:
        r = flagon(prefix, *args)
        assert r.returncode == status, (args, r.stderr)
        assert r.stderr.startswith("flagon: new: ") and message in r.stderr, (args, r.stderr)
        assert r.stderr.count("\n") == 1
    assert os.listdir(str(tmp_path)) == []
    r = flagon(prefix, "new", str(tmp_path / "my-app"), "--name", "my_app")
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(str(tmp_path / "my-app" / "app" / "my_app.c"))


# ---- the new application ----

def test_new_application_files(notes):
    built = {"manage", "cgi-bin/main"}
    assert built <= set(files_under(notes))
    assert set(SKELETON_FILES) <= set(files_under(notes))


def test_db_upgrade_then_check(prefix, notes):
    env = app_env(prefix)
    r = run(["./manage", "db", "upgrade"], "manage db upgrade", cwd=notes, env=env)
    assert "create note" in r.stdout + r.stderr
    run(["./manage", "db", "check"], "manage db check", cwd=notes, env=env)
    assert os.path.isfile(os.path.join(notes, "var", "data-dev.sqlite"))


def wait_for_port(port, proc, log, timeout=servers.READY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("make run exited (%d):\n%s" % (proc.returncode, servers.tail(log)),
                        pytrace=False)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail("make run did not listen on %d:\n%s" % (port, servers.tail(log)), pytrace=False)


def test_make_run_serves_the_application(prefix, notes, tmp_path):
    port = servers.free_port()
    log = str(tmp_path / "make-run.log")
    with open(log, "w") as out:
        proc = subprocess.Popen(["make", "run", "PORT=%d" % port] + make_flags(prefix),
                                cwd=notes, env=app_env(prefix), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, log)
        b = Browser(types.SimpleNamespace(url="http://127.0.0.1:%d" % port))
        r = b.get("/")
        assert r.status_code == 302 and r.headers["Location"].endswith("/cgi-bin/main/")
        r = b.get("/cgi-bin/main/")
        assert r.status_code == 200, r.text[:500] + servers.tail(os.path.join(notes, "var", "fastcgi-error.log"))
        assert "<title>Notes - notes</title>" in r.text
        assert 'name="title"' in r.text and "No notes yet." in r.text
        token = csrf_token(r.text)
        assert token
        r = b.post("/cgi-bin/main/", data={"title": "Buy <milk>", "body": "two",
                                           "csrf_token": token})
        assert r.status_code == 303, r.text[:500]
        assert r.headers["Location"].endswith("/cgi-bin/main/")
        r = b.get("/cgi-bin/main/")
        assert '<p class="flash message">Note added.</p>' in r.text
        assert "<h2>Buy &lt;milk&gt;</h2>" in r.text
        # The same title again: a flashed error on the form, not a 500.
        r = b.post("/cgi-bin/main/", data={"title": "Buy <milk>", "csrf_token": token})
        assert r.status_code == 200
        assert "There is a note with that title already." in r.text
        r = b.post("/cgi-bin/main/", data={"title": "", "csrf_token": token})
        assert r.status_code == 200 and "This field is required." in r.text
        r = b.post("/cgi-bin/main/", data={"title": "x"})
        assert r.status_code == 400 and "The CSRF token is missing." in r.text
        assert b.get("/static/style.css").status_code == 200
        r = b.get("/cgi-bin/main/nowhere")
        assert r.status_code == 404 and "<h1>Page Not Found</h1>" in r.text
    finally:
        # make, ./manage (exec'd into lighttpd) and the FastCGI programs
        # share the process group started here.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_make_test_passes(prefix, notes):
    """The application's own tests, through Flagon's test client
    (web/testing.h)."""
    env = app_env(prefix)
    r = run(["make", "test"] + make_flags(prefix), "make test in the new application",
            cwd=notes, env=env, timeout=300)
    last = r.stdout.strip().splitlines()[-1]
    assert re.match(r"^[1-9][0-9]* passed, 0 failed$", last), r.stdout
    # ./manage test -k WORD: make test with TEST_PATTERN, only the tests
    # whose name holds WORD.
    r = run(["./manage", "test", "-k", "required"], "manage test -k required",
            cwd=notes, env=env, timeout=300)
    assert r.stdout.strip().splitlines()[-1] == "1 passed, 0 failed", r.stdout


def test_installed_for_an_application_of_its_own(prefix):
    """What `make install` adds for a new application's ./manage."""
    assert os.access(os.path.join(prefix, "bin", "flagon"), os.X_OK)
    assert os.path.isfile(os.path.join(prefix, "lib", "libflagon-manage.a"))
    assert os.path.isfile(os.path.join(prefix, "include", "flagon", "cli", "manage.h"))
    libs = pkg_config(prefix, "--libs", package="flagon-manage").split()
    # Its own library before Flagon's (which it uses), then editline.
    assert libs.index("-lflagon-manage") < libs.index("-lflagon")
    assert "-ledit" in libs
