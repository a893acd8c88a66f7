"""DATABASE_URI in SQLAlchemy's forms (issue 19, base/db_uri.h), as an
operator meets it: a program or ./manage started with a bad URI stops and
its log names the part that is wrong, never the password; a MySQL or
PostgreSQL URI is accepted by the configuration and named with its password
masked (until the drivers land, the database layer then says the dialect is
not available yet)."""
import servers

PASSWORD = "Zq7SeCrEt"


def _start(tmp_path, **env):
    """The program main run once as plain CGI with `env` over the test
    configuration (its SQLite database in tmp_path)."""
    return servers.run_cgi(dict(servers.app_env(str(tmp_path)), **env))


def _assert_no_password(text):
    for piece in (PASSWORD, PASSWORD[:6], PASSWORD[3:]):
        assert piece not in text, text


def test_bad_uri_stops_start_up_naming_the_part(tmp_path):
    cases = [
        ("mysql://flasky:" + PASSWORD + "@db:33o6/flasky",
         "configuration: DATABASE_URI: port '33o6' is not a number"),
        ("oracle://flasky:" + PASSWORD + "@db/flasky",
         "configuration: DATABASE_URI: unknown database 'oracle' "
         "(sqlite, mysql, mariadb, postgresql)"),
        ("postgresql://flasky:" + PASSWORD[:4] + "@" + PASSWORD[4:] + "@db/flasky",
         "an '@' follows the password: write an '@' inside the password as %40"),
        ("sqlite://var/data.sqlite", "sqlite takes a file path, not a host ('var')"),
    ]
    for uri, said in cases:
        p = _start(tmp_path, DATABASE_URI=uri)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode != 0, (uri, err)
        assert said in err, (uri, err)
        _assert_no_password(err + p.stdout.decode("utf-8", "replace"))


def test_server_uri_is_accepted_and_masked(tmp_path):
    """The configuration takes a MySQL/PostgreSQL URI (a Flask config's
    mysql+pymysql:// included); what stops the program is the database
    layer (no server listens there, or no driver is built in), which names
    the URI with its password masked."""
    for uri, dialect in (("mysql+pymysql://flasky:" + PASSWORD + "@127.0.0.1:3306/my_flask"
                          "?charset=utf8mb4", "mysql"),
                         ("postgres://flasky:" + PASSWORD + "@[::1]/flasky", "postgresql")):
        p = _start(tmp_path, DATABASE_URI=uri)
        err = p.stderr.decode("utf-8", "replace")
        assert "]: configuration:" not in err, err   # the configuration took it
        assert "flasky:********@" in err, err
        assert p.returncode != 0, err
        assert "]: database " + uri.split("://")[0] + "://flasky:********@" in err, err
        assert ("this build has no " + dialect + " driver" in err
                or "database connection lost" in err or "I/O error" in err), err
        _assert_no_password(err)


def test_manage_names_the_part_too(tmp_path):
    env = {"FLAGON_ROOT": servers.ROOT, "SECRET_KEY": "x",
           "DATABASE_URI": "postgresql://flasky:" + PASSWORD + "@db:99999/flasky"}
    r = servers.run_manage(["db", "current"], env)
    assert r.returncode != 0
    assert "DATABASE_URI: port 99999 is out of range (1-65535)" in r.stderr, r.stderr
    _assert_no_password(r.stdout + r.stderr)


def test_pool_settings_are_checked(tmp_path):
    p = _start(tmp_path, SQLALCHEMY_POOL_RECYCLE="8h")
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode != 0 and "SQLALCHEMY_POOL_RECYCLE: expected an integer" in err, err
    # a Flask config's settings start (FLAGON_ROUTES: stop after the configuration)
    p = _start(tmp_path, SQLALCHEMY_POOL_SIZE="10", SQLALCHEMY_POOL_RECYCLE="3600",
               SQLALCHEMY_POOL_TIMEOUT="5", FLAGON_ROUTES="1")
    assert p.returncode == 0 and b"main.index" in p.stdout, p.stderr
