"""`manage runserver -d` / `-r` as a developer uses it (issue 18): edit a
view while the server runs and see the change; break the build and see the
compiler's message in the browser and the terminal; fix it; edit a template
without any rebuild; -r without -d leaves DEBUG alone.

The application is built in a temporary folder OUTSIDE the checkout, against
the tree's $FLAGON_BUILD/libflagon.a and libmanage.a, with its own Makefile,
lighttpd.conf (the tree's, following runserver's environment contract) and
templates: runserver must work for any application root.  Nothing in the
checkout is edited.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

import servers

from servers import (BUILD, LIGHTTPD, ROOT, SECRET_KEY, base_env, free_port, missing,
                     terminate, _children_of, kill_stragglers)

POLL = 60.0     # seconds for a rebuild and restart to show

APP_H = r'''
#ifndef DEMO_H
#define DEMO_H
#include "flagon.h"
extern const fl_application demo_app;
extern const fl_blueprint hello_blueprint, other_blueprint;
#endif
'''

APP_C = r'''#include "demo.h"
static const fl_blueprint *const blueprints[] = { &hello_blueprint, &other_blueprint, NULL };
const fl_application demo_app = { .name = "demo", .blueprints = blueprints };
'''

# A blueprint whose page tells which build and which start of the process
# answered: `word` changes with the edits, `started` with every (re)start.
BP_C = r'''#include "../demo.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long started;
static int debug;

static int setup(fl_app *app)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	started = t.tv_sec * 1000000000LL + t.tv_nsec;
	debug = fl_app_config(app)->debug;
	return 0;
}

static int index_view(fl_ctx *c)
{
	char b[256];
	const char *reload = getenv("FLAGON_RELOAD");
	snprintf(b, sizeof b, "NAME WORD pid=%d started=%lld debug=%d reload=%s\n", (int)getpid(),
		started, debug, reload ? reload : "0");
	return fl_text(c, 200, "text/plain", b);
}

static int page_view(fl_ctx *c)
{
	return fl_render(c, 200, "NAME.html", NULL);
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	{ "/page", "page", FL_M_GET, page_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint NAME_blueprint = {
	.name = "NAME", .routes = routes, .app = &demo_app, .setup = setup,
};
'''

MAIN_C = r'''#include "../demo.h"
int main(void) { return fl_run(&NAME_blueprint); }
'''

MANAGE_C = r'''#include "demo.h"
#include "cli/manage.h"
int main(int argc, char **argv) { return fl_manage_main(&demo_app, argc, argv); }
'''

MAKEFILE = r'''# The test application's own Makefile: each program links every
# blueprint (as the tree's do) and its own main/<name>.c.
CFLAGS = -std=gnu11 -g -O0 -Wall -Werror -I{tree}/lib -I{tree} -I. -D_GNU_SOURCE -MMD -MP {san}
LIBS = {build}/libflagon.a {ldlibs}
SHARED = build/app.o build/hello.o build/other.o

all: cgi-bin/hello cgi-bin/other manage

cgi-bin/%: build/main_%.o $(SHARED) {build}/libflagon.a
	@mkdir -p cgi-bin
	$(CC) {san} build/main_$*.o $(SHARED) $(LIBS) -o $@

manage: build/manage.o $(SHARED) {build}/libmanage.a {build}/libflagon.a
	$(CC) {san} build/manage.o $(SHARED) {build}/libmanage.a $(LIBS) {managelibs} -o $@

build/main_%.o: main/%.c
	@mkdir -p build
	$(CC) $(CFLAGS) -c $< -o $@
build/%.o: bp/%.c
	@mkdir -p build
	$(CC) $(CFLAGS) -c $< -o $@
build/%.o: %.c
	@mkdir -p build
	$(CC) $(CFLAGS) -c $< -o $@

-include build/*.d
'''


def _make_var(name):
    """A variable's value in the tree's Makefile (LDLIBS, MANAGE_LIBS)."""
    with open(os.path.join(ROOT, "Makefile")) as f:
        m = re.search(r"^%s\s*=\s*(.*)$" % name, f.read(), re.M)
    return m.group(1).strip() if m else ""


def _sanitized():
    """The -fsanitize flags the tree's library was built with (make check)."""
    out = subprocess.run(["nm", os.path.join(BUILD, "libflagon.a")], capture_output=True,
                         text=True).stdout
    return "-fsanitize=address,undefined" if "__asan_" in out else ""


def _write(path, text):
    """Write a file the way an editor saves it (complete, then closed)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    for lib in ("libflagon.a", "libmanage.a"):
        if not os.path.exists(os.path.join(BUILD, lib)):
            missing("%s is not built" % lib, "make all")
    if not os.access(LIGHTTPD, os.X_OK):
        missing("lighttpd is not installed", "make install-deps")
    d = str(tmp_path_factory.mktemp("devloop-app"))
    _write(os.path.join(d, "demo.h"), APP_H)
    _write(os.path.join(d, "app.c"), APP_C)
    _write(os.path.join(d, "manage.c"), MANAGE_C)
    for name in ("hello", "other"):
        _write(os.path.join(d, "bp", name + ".c"), BP_C.replace("NAME", name).replace(
            "WORD", "v1"))
        _write(os.path.join(d, "main", name + ".c"), MAIN_C.replace("NAME", name))
        _write(os.path.join(d, "templates", name + ".html"), "%s page T1\n" % name)
    san = _sanitized()
    _write(os.path.join(d, "Makefile"), MAKEFILE.format(
        tree=ROOT, build=BUILD, san=san, ldlibs=_make_var("LDLIBS"),
        managelibs=_make_var("MANAGE_LIBS")))
    os.makedirs(os.path.join(d, "htdocs"))
    os.makedirs(os.path.join(d, "tools"))
    shutil.copy(os.path.join(ROOT, "lighttpd.conf"), d)
    shutil.copy(os.path.join(ROOT, "tools", "lighttpd-blueprints.sh"), os.path.join(d, "tools"))
    r = subprocess.run(["make", "-j2"], cwd=d, capture_output=True, text=True,
                       env=base_env({}), timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return d


class Runserver:
    """`<app>/manage runserver ARGS -p PORT`, started in its own session and
    stopped by PID (SIGTERM: it stops its lighttpd and the programs)."""

    def __init__(self, app, args, extra_env=None):
        self.app = app
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = os.path.join(app, "runserver-%d.log" % self.port)
        # A runtime folder of its own: two servers must not share sockets.
        self.var = os.path.join(app, "var-%d" % self.port)
        env = {"FLAGON_ROOT": app, "FLAGON_VAR": self.var,
               "DATABASE_URI": "sqlite:///" + os.path.join(app, "var", "demo.sqlite"),
               "SECRET_KEY": SECRET_KEY, "FLAGON_PROCS": "1"}
        env.update(extra_env or {})
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [os.path.join(app, "manage"), "runserver"] + args + ["-p", str(self.port)],
                env=base_env(env), cwd=app, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.wait(lambda: self.get("/cgi-bin/hello/").status_code == 200, "start")
        self.wait(lambda: self.get("/cgi-bin/other/").status_code == 200, "start")

    def get(self, path):
        try:
            return requests.get(self.url + path, timeout=10)
        except requests.RequestException:
            return requests.Response()   # status_code None

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait(self, cond, what, timeout=POLL):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("runserver exited (%s):\n%s" % (self.proc.returncode,
                                                                      self.output()))
            if cond():
                return
            time.sleep(0.2)
        raise AssertionError("%s: not seen after %.0f s; runserver said:\n%s" % (
            what, timeout, self.output()[-4000:]))

    def stop(self):
        pids = _children_of([self.proc.pid])
        terminate(self.proc, timeout=15)
        kill_stragglers(pids)


def _page(rs, name):
    """(text, pid, started) of /cgi-bin/<name>/."""
    r = rs.get("/cgi-bin/%s/" % name)
    m = re.search(r"pid=(\d+) started=(\d+)", r.text or "")
    return (r.text or ""), (int(m.group(1)) if m else None), (m.group(2) if m else None)


def _edit(app, rel, old, new):
    path = os.path.join(app, rel)
    with open(path) as f:
        text = f.read()
    assert old in text
    _write(path, text.replace(old, new, 1))


@pytest.fixture(scope="module")
def devserver(app_dir):
    rs = Runserver(app_dir, ["-d"])
    yield rs
    rs.stop()


def test_edit_view_is_served_after_rebuild(devserver, app_dir):
    text, pid, _ = _page(devserver, "hello")
    assert text.startswith("hello v1") and "debug=1" in text and "reload=1" in text
    _edit(app_dir, "bp/hello.c", '"NAME WORD'.replace("NAME", "hello").replace("WORD", "v1"),
          '"hello v2')
    devserver.wait(lambda: _page(devserver, "hello")[0].startswith("hello v2"), "hello v2")
    # Re-executed in place: lighttpd never saw the process go.
    assert _page(devserver, "hello")[1] == pid
    assert "Restarted hello (1 process)" in devserver.output()


def test_only_the_changed_program_restarts(devserver, app_dir):
    _, hello_pid, hello_started = _page(devserver, "hello")
    _, other_pid, other_started = _page(devserver, "other")
    mark = len(devserver.output())
    # main/other.c is linked into cgi-bin/other only.
    _edit(app_dir, "main/other.c", "int main", "/* edited */\nint main")
    devserver.wait(lambda: _page(devserver, "other")[2] not in (None, other_started),
                "other restarted")
    assert _page(devserver, "other")[1] == other_pid
    assert _page(devserver, "hello")[1:] == (hello_pid, hello_started)
    said = devserver.output()[mark:]
    assert "Restarted other (1 process)" in said and "Restarted hello" not in said


def test_build_error_in_browser_and_terminal_then_fixed(devserver, app_dir):
    _edit(app_dir, "bp/hello.c", '#include "../demo.h"\n',
          '#include "../demo.h"\nint broken = ;\n')
    devserver.wait(lambda: "Build failed" in (devserver.get("/cgi-bin/hello/").text or ""),
                "the build error page")
    r = devserver.get("/cgi-bin/hello/")
    assert r.status_code == 500
    assert r.headers["Content-Type"].startswith("text/html")
    # The compiler's message, escaped, its location in bold.
    assert re.search(r"<b>bp/hello\.c:2:\d+:</b> error:", r.text), r.text
    assert "still runs the last good build" in r.text
    assert "int broken = ;" in r.text
    # The other program shows it too (the whole application failed to build).
    assert "bp/hello.c:2:" in devserver.get("/cgi-bin/other/").text
    assert re.search(r"bp/hello\.c:2:\d+: error:", devserver.output())
    assert "Build failed" in devserver.output()

    _edit(app_dir, "bp/hello.c", "int broken = ;\n", "")
    _edit(app_dir, "bp/hello.c", '"hello v2', '"hello v3')
    devserver.wait(lambda: _page(devserver, "hello")[0].startswith("hello v3"), "hello v3")
    assert devserver.get("/cgi-bin/other/").status_code == 200
    assert not os.path.exists(os.path.join(devserver.var, "run", "build-error.txt"))


def test_template_edit_needs_no_rebuild(devserver, app_dir):
    assert devserver.get("/cgi-bin/hello/page").text.startswith("hello page T1")
    _, pid, started = _page(devserver, "hello")
    mark = len(devserver.output())
    _write(os.path.join(app_dir, "templates", "hello.html"), "hello page T2\n")
    devserver.wait(lambda: devserver.get("/cgi-bin/hello/page").text.startswith("hello page T2"),
                "the edited template")
    time.sleep(0.5)   # past the reloader's debounce
    assert "rebuilding" not in devserver.output()[mark:]
    assert _page(devserver, "hello")[1:] == (pid, started)


@pytest.mark.parametrize("args,debug,reload", [
    (["-r"], "0", "1"),                  # the reloader alone: DEBUG as configured
    (["-d", "--no-reload"], "1", "0"),   # debug without the reloader
])
def test_reload_and_debug_flags(app_dir, args, debug, reload):
    rs = Runserver(app_dir, args, {"APP_CONFIG": "testing"})   # testing: DEBUG off
    try:
        text = _page(rs, "other")[0]
        assert "debug=%s " % debug in text and "reload=%s" % reload in text, text
    finally:
        rs.stop()


def test_runserver_help_and_bad_options(app_dir):
    env = base_env({"FLAGON_ROOT": app_dir, "SECRET_KEY": SECRET_KEY})
    manage = os.path.join(app_dir, "manage")
    r = subprocess.run([manage, "runserver", "--help"], env=env, capture_output=True, text=True)
    assert r.returncode == 0
    for flag in ("-d, --debug", "-r, --reload", "--no-reload", "-h HOST", "-p PORT"):
        assert flag in r.stdout
    r = subprocess.run([manage, "runserver", "--bogus"], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "'--bogus'" in r.stderr
    r = subprocess.run([manage, "runserver", "-d", "extra"], env=env, capture_output=True,
                       text=True)
    assert r.returncode != 0 and "'extra'" in r.stderr


def test_stopping_runserver_stops_every_program(app_dir):
    """SIGTERM (or Ctrl-C) to runserver -r ends lighttpd and the programs it
    started: a program waiting for a request under the reloader still
    honours libfcgi's SIGTERM, and none is left behind."""
    rs = Runserver(app_dir, ["-r"])
    _, pid, _ = _page(rs, "hello")
    programs = [p for p in servers._children_of([rs.proc.pid]) if p != pid] + [pid]
    assert pid in servers._children_of([rs.proc.pid])
    servers.terminate(rs.proc, timeout=15)
    deadline = time.monotonic() + 10
    while any(servers._alive(p) for p in programs) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in programs if servers._alive(p)]
    servers.kill_stragglers(left)
    assert not left, "still running after runserver stopped: %s" % left
