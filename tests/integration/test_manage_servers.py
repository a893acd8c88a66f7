"""`./manage` on the database DATABASE_URI names (issue 19): db create_all
/ drop_all / current, seed, shell -c and shell --client work the same on
SQLite, a real MariaDB and a real PostgreSQL (FLAGON_TEST_DB selects them:
dbservers.py starts them on loopback).  Migrations on the servers:
test_migrate_servers.py."""
import os
import shutil

import pytest

import servers


def _env(tmp_path, uri):
    return dict(servers.app_env(str(tmp_path)), FLAGON_VAR=str(tmp_path), DATABASE_URI=uri)


def _manage(tmp_path, uri, *args):
    return servers.run_manage(list(args), _env(tmp_path, uri))


@pytest.fixture
def uri(empty_database_uri):
    """An empty database of db_kind's (conftest.empty_database_uri)."""
    return empty_database_uri


def _create_all(tmp_path, uri):
    r = _manage(tmp_path, uri, "db", "create_all")
    assert r.returncode == 0, r.stderr
    return r


def test_create_all_seed_query_drop_all(tmp_path, uri, db_kind):
    r = _create_all(tmp_path, uri)
    assert "Created table roles" in r.stdout and "Created table users" in r.stdout
    r = _manage(tmp_path, uri, "seed")
    assert r.returncode == 0, r.stderr
    assert "rows added" in r.stdout
    r = _manage(tmp_path, uri, "seed", "--if-empty")
    assert r.returncode == 0 and "already has data" in r.stdout, r.stdout + r.stderr
    r = _manage(tmp_path, uri, "shell", "-c", "SELECT name FROM roles ORDER BY name")
    assert r.returncode == 0, r.stderr
    assert "Admin" in r.stdout and "(3 rows)" in r.stdout, r.stdout
    r = _manage(tmp_path, uri, "shell", "-c", ".tables")
    assert r.returncode == 0 and "\nroles\n" in r.stdout and "\nusers\n" in r.stdout, r.stdout
    r = _manage(tmp_path, uri, "db", "current")     # no alembic_version: nothing, no error
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr
    r = _manage(tmp_path, uri, "db", "drop_all")
    assert r.returncode == 0, r.stderr
    assert "Dropped table roles" in r.stdout
    r = _manage(tmp_path, uri, "shell", "-c", "SELECT count(*) AS n FROM roles")
    assert r.returncode != 0


def test_unreachable_server_names_it_without_password(tmp_path, db_kind):
    if db_kind == "sqlite":
        pytest.skip("a file is always reachable")
    scheme = "mysql+pymysql" if db_kind == "mysql" else "postgresql"
    bad = "%s://flagon:s3cr%%40t@127.0.0.1:1/nowhere" % scheme
    for args in (["seed"], ["db", "create_all"], ["shell", "-c", "SELECT 1"]):
        r = _manage(tmp_path, bad, *args)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert "database " + scheme + "://flagon:********@127.0.0.1:1/nowhere" in r.stderr, \
            r.stderr
        assert "s3cr" not in r.stderr


CLIENT = {"sqlite": "sqlite3", "mysql": "mariadb", "postgresql": "psql"}


def test_shell_client_runs_the_databases_own_client(tmp_path, uri, db_kind):
    if not shutil.which(CLIENT[db_kind]):
        servers.missing(CLIENT[db_kind] + " is not installed",
                        "apt-get install sqlite3 mariadb-client postgresql-client")
    _create_all(tmp_path, uri)
    r = _manage(tmp_path, uri, "shell", "--client", "-c",
                "INSERT INTO roles (name) VALUES ('Tester')")
    assert r.returncode == 0, r.stderr
    r = _manage(tmp_path, uri, "shell", "-c", "SELECT name FROM roles")
    assert "Tester" in r.stdout, r.stdout + r.stderr
    if db_kind == "sqlite":
        r = _manage(tmp_path, uri, "shell", "--sqlite3", "-c", "SELECT name FROM roles")
        assert r.returncode == 0 and "Tester" in r.stdout
    else:
        r = _manage(tmp_path, uri, "shell", "--sqlite3")
        assert r.returncode == 1 and "use --client" in r.stderr


def test_shell_client_keeps_the_password_off_the_command_line(tmp_path, db_kind):
    """The client's argv (what ps shows) has the URI's parts, not the
    password: a fake client on PATH records argv and the environment."""
    if db_kind == "sqlite":
        pytest.skip("no password")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("mariadb", "psql"):
        p = bindir / name
        p.write_text('#!/bin/sh\nprintf "%s\\n" "$0" "$@" > "$OUT/argv"\n'
                     'env > "$OUT/env"\n')
        p.chmod(0o755)
    scheme = "mariadb" if db_kind == "mysql" else "postgres"
    uri = scheme + "://fl%40user:p%40ss:w0rd@db.example:4242/flasky?sslmode=require&charset=utf8mb4"
    env = dict(_env(tmp_path, uri), OUT=str(tmp_path),
               PATH=str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    r = servers.run_manage(["shell", "--client"], env)
    assert r.returncode == 0, r.stderr
    argv = (tmp_path / "argv").read_text().split("\n")
    envs = (tmp_path / "env").read_text()
    assert not any("p@ss" in a for a in argv), argv
    if db_kind == "mysql":
        assert argv[1:9] == ["-h", "db.example", "-P", "4242", "-u", "fl@user",
                             "--default-character-set=utf8mb4", "--connect-timeout=" +
                             argv[8].split("=")[-1]], argv
        assert argv[-2] == "flasky" and "MYSQL_PWD=p@ss:w0rd\n" in envs
    else:
        assert argv[1:9] == ["-h", "db.example", "-p", "4242", "-U", "fl@user",
                             "-d", "flasky"], argv
        assert "PGPASSWORD=p@ss:w0rd\n" in envs and "PGSSLMODE=require\n" in envs


def test_session_purge_on_the_configured_database(tmp_path, uri, db_kind):
    """SESSION_TYPE=sqlalchemy (Flask-Session's name) keeps sessions in the
    flagon_sessions table of whichever database DATABASE_URI names, and
    `./manage session purge` sweeps the expired ones there."""
    env = dict(_env(tmp_path, uri), SESSION_TYPE="sqlalchemy")
    _create_all(tmp_path, uri)                              # the SQLite file exists
    r = servers.run_manage(["session", "purge"], env)      # makes the table
    assert r.returncode == 0 and "removed 0 expired sessions" in r.stdout, r.stdout + r.stderr
    r = servers.run_manage(["shell", "-c", "INSERT INTO flagon_sessions (id, data, expiry) "
                            "VALUES ('old', '{}', 1), ('live', '{}', 99999999999)"], env)
    assert r.returncode == 0, r.stderr
    r = servers.run_manage(["session", "purge"], env)
    assert r.returncode == 0 and "removed 1 expired session\n" in r.stdout, r.stdout + r.stderr
    r = servers.run_manage(["shell", "-c", "SELECT id FROM flagon_sessions"], env)
    assert r.returncode == 0 and "live" in r.stdout and "old" not in r.stdout, r.stdout
