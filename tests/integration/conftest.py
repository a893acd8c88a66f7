"""Fixtures for the integration tests: real lighttpd and Apache servers on
free loopback ports, each with its own database, serving the built
blueprints (cgi-bin/main, and the test-only crashapp when it is built).
The `server` fixture runs each test against lighttpd and Apache +
mod_fcgid; a test marked @pytest.mark.proxy_fcgi also against Apache +
mod_proxy_fcgi + spawn-fcgi pools (a representative set: main page, form
and session, path arguments, the API, 404/405/413, static files, crashes).

Environment (set by tests/run.sh):
  FLAGON_ROOT   the checkout (templates/, htdocs/, lighttpd.conf, apache.conf)
  FLAGON_OUT    where cgi-bin/<blueprint> and manage are ("." or build/asan)
  FLAGON_BUILD  where tests/integration/crashapp is (build or build/asan)
  CI            "true" in CI: a test whose server or helper program is missing
                (redis-server, aiosmtpd, crashapp, sessiontool, Chromium)
                fails instead of skipping (servers.missing, the one place
                that decides; the browser tests use it too)
"""
import os

import pytest

import servers
from servers import Browser


def pytest_report_header(config):
    return "flagon: root=%s out=%s build=%s" % (servers.ROOT, servers.OUT, servers.BUILD)


def _require_build():
    missing = [p for p in (servers.MAIN_EXE, servers.MANAGE) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail("not built (run make): %s" % ", ".join(missing), pytrace=False)


@pytest.fixture(scope="session")
def mounts():
    """The blueprints the test servers serve: {name: executable}."""
    _require_build()
    m = {"main": servers.MAIN_EXE}
    # Every other blueprint program the build made (model, relations, ...).
    bindir = os.path.dirname(servers.MAIN_EXE)
    for name in sorted(os.listdir(bindir)):
        exe = os.path.join(bindir, name)
        if "." not in name and os.path.isfile(exe) and os.access(exe, os.X_OK):
            m.setdefault(name, exe)
    if os.access(servers.CRASHAPP_EXE, os.X_OK):
        m["crashapp"] = servers.CRASHAPP_EXE
    if os.access(servers.REQINFO_EXE, os.X_OK):
        m["reqinfo"] = servers.REQINFO_EXE
    return m


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "proxy_fcgi: run this test of the `server` fixture against Apache + "
        "mod_proxy_fcgi + spawn-fcgi too (apache2 -DFLAGON_PROXY_FCGI), not only lighttpd "
        "and Apache + mod_fcgid")


def pytest_generate_tests(metafunc):
    """The `server` fixture's kinds: lighttpd and apache (mod_fcgid) for
    every test, and apache-proxy-fcgi for the tests marked proxy_fcgi."""
    if "server" in metafunc.fixturenames:
        kinds = servers.KINDS
        if metafunc.definition.get_closest_marker("proxy_fcgi"):
            kinds = servers.ALL_KINDS
        metafunc.parametrize("server", sorted(kinds), indirect=True, scope="session")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Each kind of server's tests together, so each `server` starts once:
    pytest's own ordering interleaves kinds when only some tests have the
    third.  A stable sort after pytest's: the tests without `server` first,
    then those of each kind, each group in pytest's order."""
    rank = {k: i for i, k in enumerate(sorted(servers.ALL_KINDS))}

    def key(item):
        callspec = getattr(item, "callspec", None)
        kind = callspec.params.get("server") if callspec else None
        return -1 if kind is None else rank[kind]
    items.sort(key=key)


@pytest.fixture(scope="session")
def server(request, tmp_path_factory, mounts):
    """A running server, once per kind for the session: lighttpd, apache
    (mod_fcgid) and, for the tests marked proxy_fcgi, apache-proxy-fcgi."""
    kind = request.param
    workdir = str(tmp_path_factory.mktemp(kind))
    s = servers.ALL_KINDS[kind](workdir, mounts)
    request.addfinalizer(s.stop)
    s.start()
    return s


@pytest.fixture
def browser(server):
    """A factory of independent clients: each has its own cookie jar."""
    made = []

    def new():
        b = Browser(server)
        made.append(b)
        return b
    yield new
    for b in made:
        b.close()
    server.remember_children()


@pytest.fixture(scope="session")
def cgi_env(tmp_path_factory):
    """Application environment with a migrated database, for running the
    programs directly (plain CGI, manage)."""
    _require_build()
    var = str(tmp_path_factory.mktemp("cgi"))
    env = servers.app_env(var)
    r = servers.run_manage(["db", "upgrade"], env)
    assert r.returncode == 0, r.stderr
    return env


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, attach the tail of the server's error log."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and call.when in ("setup", "call"):
        s = getattr(item, "funcargs", {}).get("server")
        if isinstance(s, servers.Server):
            rep.sections.append(("%s error log" % s.kind, s.logs()))
