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
  FLAGON_TEST_DB  the databases: sqlite (default; make test: all), mysql, postgresql, a
                comma-separated list, or all (dbservers.selected(); read once
                at start-up, a bad value stops the run).  MariaDB and
                PostgreSQL are private servers on loopback, one of each per
                session, started only when a test asks (dbservers.py)
  CI            "true" in CI: a test whose server or helper program is missing
                (redis-server, aiosmtpd, crashapp, sessiontool, Chromium)
                fails instead of skipping (servers.missing, the one place
                that decides; the browser tests use it too)

Databases.  Every server the `server` fixture starts is one of a (web
server, database) pair: pytest_generate_tests parametrizes `server` over
servers.matrix(kinds) -- "lighttpd-sqlite", "lighttpd-mysql",
"apache-postgresql", ... for the databases FLAGON_TEST_DB selects -- so a
test's id names both (test_x[lighttpd-postgresql]).  A MariaDB or
PostgreSQL server's database is a new one on the session's private server
(servers.new_database, installed here), made when the web server is
made; Server.migrate creates its tables.  The test modules that build
their own servers take their params from servers.matrix() too.  Also:
  db_kind              parametrizes a test over the selected databases
                       (session scope: each kind's tests run together)
  database_uri(kind)   session fixture, a function: the URI of a fresh SQLite
                       file (kind "sqlite"), or of the tests' database on the
                       session's MariaDB ("mysql") or PostgreSQL
                       ("postgresql") server, started on first use
  database_server(kind)  the running dbservers.MariaDB / PostgreSQL (reset(),
                       create_database(), host, port, user, password)
  module_database_uri  a database of the test module's own on db_kind's
                       server (a file for SQLite), dropped after the module
  empty_database_uri   the same, emptied for each test (a new SQLite file)
A missing server program or driver: servers.missing() (skip; fail under
CI=true).
"""
import os

import pytest

import dbservers
import servers
from servers import Browser

# The databases FLAGON_TEST_DB selects (pytest_configure reads it once).
TEST_DBS = ()


def pytest_report_header(config):
    return "flagon: root=%s out=%s build=%s databases=%s" % (
        servers.ROOT, servers.OUT, servers.BUILD, ",".join(TEST_DBS))


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
    global TEST_DBS
    try:
        TEST_DBS = dbservers.selected()
    except ValueError as e:
        raise pytest.UsageError(str(e))
    config.addinivalue_line(
        "markers", "proxy_fcgi: run this test of the `server` fixture against Apache + "
        "mod_proxy_fcgi + spawn-fcgi too (apache2 -DFLAGON_PROXY_FCGI), not only lighttpd "
        "and Apache + mod_fcgid")


def pytest_generate_tests(metafunc):
    """The `server` fixture's pairs: lighttpd and apache (mod_fcgid) for
    every test, and apache-proxy-fcgi for the tests marked proxy_fcgi, each
    with every database FLAGON_TEST_DB selects (servers.matrix)."""
    if "server" in metafunc.fixturenames:
        kinds = servers.KINDS
        if metafunc.definition.get_closest_marker("proxy_fcgi"):
            kinds = servers.ALL_KINDS
        metafunc.parametrize("server", servers.matrix(kinds), indirect=True, scope="session")
    if "db_kind" in metafunc.fixturenames:
        metafunc.parametrize("db_kind", TEST_DBS, indirect=True, scope="session")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Each pair's tests together, so each `server` starts once:
    pytest's own ordering interleaves pairs when only some tests have the
    third web server.  A stable sort after pytest's: the tests without
    `server` first, then those of each pair, each group in pytest's order."""
    rank = {k: i for i, k in enumerate(servers.matrix(servers.ALL_KINDS))}

    def key(item):
        callspec = getattr(item, "callspec", None)
        kind = callspec.params.get("server") if callspec else None
        return -1 if kind is None else rank[kind]
    items.sort(key=key)


@pytest.fixture(scope="session")
def server(request, tmp_path_factory, mounts):
    """A running server, once per pair for the session: lighttpd, apache
    (mod_fcgid) and, for the tests marked proxy_fcgi, apache-proxy-fcgi,
    each on each selected database (request.param: "lighttpd-mysql")."""
    kind = request.param
    workdir = str(tmp_path_factory.mktemp(kind))
    s = servers.make(kind, workdir, mounts)
    request.addfinalizer(s.stop)
    s.start()
    return s


@pytest.fixture(scope="session")
def db_kind(request):
    """One of the databases FLAGON_TEST_DB selects: sqlite, mysql, postgresql."""
    return request.param


@pytest.fixture(scope="session")
def database_server(request, tmp_path_factory):
    """A function: database_server(kind) is the session's running
    dbservers.MariaDB ("mysql") or PostgreSQL ("postgresql"), started on
    first use and stopped at the end of the session; servers.missing()
    when it is not installed."""
    running = {}

    def get(kind):
        if kind not in running:
            s = dbservers.KINDS[kind](str(tmp_path_factory.mktemp(kind)))
            try:
                s.start()
            except dbservers.Missing as e:
                servers.missing(str(e), e.hint)
            request.addfinalizer(s.stop)
            request.config.stash.setdefault(_STARTUPS, []).append(
                (kind, s.startup_seconds))
            running[kind] = s
        return running[kind]
    return get


@pytest.fixture(scope="session", autouse=True)
def _database_provider(database_server):
    """servers.new_database for the session: a database of its own on the
    session's server of the kind asked for, for each test web server."""
    made = [0]

    def new(kind, label):
        made[0] += 1
        # At most 40 characters: MySQL's limit is 64, and the schema reader
        # makes <name>_scratch beside it.
        name = ("w%d_%s" % (made[0], "".join(c if c.isalnum() else "_" for c in label)))[:40]
        s = database_server(kind)
        s.drop_database(name)
        return s.create_database(name)
    servers.DATABASE_PROVIDER = new
    yield
    servers.DATABASE_PROVIDER = None


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory, database_server):
    """A function: database_uri(kind) is, for "sqlite", the URI of a new
    SQLite file (sqlite:////tmp/...); for "mysql" and "postgresql", the
    URI of the tests' database on the session's server (mysql://...,
    postgresql://...; the same database for every call: reset() it, or use
    module_database_uri, for an empty one)."""
    def uri(kind):
        if kind == "sqlite":
            return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite")
        return database_server(kind).uri
    return uri


@pytest.fixture(scope="module")
def module_database_uri(request, db_kind, database_uri, database_server):
    """A database of the test module's own on db_kind's server (named
    t_<module>), dropped after the module; for SQLite a new file."""
    if db_kind == "sqlite":
        return database_uri("sqlite")
    s = database_server(db_kind)
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.module.__name__)[:60]
    s.drop_database(name)
    uri = s.create_database(name)
    request.addfinalizer(lambda: s.drop_database(name))
    return uri


@pytest.fixture
def empty_database_uri(db_kind, module_database_uri, database_server, tmp_path):
    """An empty database of db_kind's: a new SQLite file per test, or the
    module's database on the server, emptied (reset) for the test."""
    if db_kind == "sqlite":
        return "sqlite:///" + str(tmp_path / "test.sqlite")
    database_server(db_kind).reset(module_database_uri.rsplit("/", 1)[1])
    return module_database_uri


_STARTUPS = pytest.StashKey()


def pytest_terminal_summary(terminalreporter, config):
    """How long each database server took to start (initialisation
    included): the figure that bounds adding databases to the run."""
    for kind, seconds in config.stash.get(_STARTUPS, []):
        terminalreporter.write_line("database server %s started in %.2f s" % (kind, seconds))


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
