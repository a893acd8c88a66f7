"""`./manage shell` (issue 18): an SQL prompt on the configured database,
the models listed, create_all/drop_all/seed at hand.  Driven with piped
standard input, as a script would -- on each database FLAGON_TEST_DB
selects (db_kind; the database's own words in its error messages)."""
import subprocess

import pytest

import servers

NO_SUCH_COLUMN = {"sqlite": "no such column: nope", "mysql": "Unknown column 'nope'",
                  "postgresql": 'column "nope" does not exist'}
NO_SUCH_TABLE = {"sqlite": "no such table", "mysql": "doesn't exist",
                 "postgresql": 'relation "nowhere" does not exist'}


@pytest.fixture
def uri(empty_database_uri):
    return empty_database_uri


def _env(tmp_path, uri):
    return dict(servers.app_env(str(tmp_path)), FLAGON_VAR=str(tmp_path), DATABASE_URI=uri)


def _shell(tmp_path, uri, script, args=()):
    return subprocess.run([servers.MANAGE, "shell"] + list(args), input=script,
                          env=servers.base_env(_env(tmp_path, uri)), cwd=servers.ROOT,
                          capture_output=True, text=True, timeout=60)


def _upgraded(tmp_path, uri, db_kind):
    r = servers.run_manage(["db", "upgrade"], _env(tmp_path, uri))
    assert r.returncode == 0, r.stderr


def test_banner_lists_models_and_relationships(tmp_path, uri, db_kind):
    _upgraded(tmp_path, uri, db_kind)
    r = _shell(tmp_path, uri, "")
    assert r.returncode == 0, r.stderr
    assert "Role (table roles)" in r.stdout
    assert "User (table users)" in r.stdout
    assert "role_id Integer -> roles.id" in r.stdout
    assert "users: relationship -> User (list, backref role)" in r.stdout
    assert "secondary student_course" in r.stdout


def test_seed_then_count_and_errors_do_not_stop_it(tmp_path, uri, db_kind):
    _upgraded(tmp_path, uri, db_kind)
    r = _shell(tmp_path, uri, ".seed\nSELECT count(*) AS n\n  FROM roles;\n"
                         "SELECT nope FROM roles;\nSELECT name FROM roles ORDER BY id;\n")
    assert "rows added" in r.stdout
    assert "n\n-\n3\n(1 row)" in r.stdout, r.stdout
    assert NO_SUCH_COLUMN[db_kind] in r.stderr
    assert "Administrator" in r.stdout or "Admin" in r.stdout
    assert "(3 rows)" in r.stdout
    assert r.returncode == 1          # a script whose statement failed


def test_drop_all_then_create_all(tmp_path, uri, db_kind):
    _upgraded(tmp_path, uri, db_kind)
    r = _shell(tmp_path, uri, ".drop_all\n.tables\n.create_all\n.tables\n")
    assert r.returncode == 0, r.stderr
    assert "Dropped table roles" in r.stdout and "Created table roles" in r.stdout
    out = r.stdout.split("Created table roles")
    assert "roles" not in out[0].split("Dropped table cat")[-1]   # gone after drop_all
    assert "\nroles\n" in out[1]


def test_c_runs_one_command(tmp_path, uri, db_kind):
    _upgraded(tmp_path, uri, db_kind)
    r = _shell(tmp_path, uri, "", ["-c", "SELECT 40 + 2 AS answer"])
    assert r.returncode == 0 and r.stdout == "answer\n------\n42\n(1 row)\n", r.stdout
    r = _shell(tmp_path, uri, "", ["-c", ".schema roles"])
    if db_kind == "sqlite":
        assert 'CREATE TABLE "roles"' in r.stdout
    else:   # .schema is SQLite's catalogue: on a server it says where to look instead
        assert "manage shell --client" in r.stdout
    r = _shell(tmp_path, uri, "", ["-c", "SELECT * FROM nowhere"])
    assert r.returncode == 1 and NO_SUCH_TABLE[db_kind] in r.stderr


def test_help_and_bad_options(tmp_path):
    # No database is opened: SQLite's URI stands for any.
    uri = "sqlite:///" + str(tmp_path / "test.sqlite")
    r = servers.run_manage(["shell", "--help"], _env(tmp_path, uri))
    assert r.returncode == 0 and r.stdout.startswith("usage: manage shell")
    assert ".create_all" in r.stdout and "--sqlite3" in r.stdout
    r = servers.run_manage(["shell", "--bogus"], _env(tmp_path, uri))
    assert r.returncode == 2 and "unknown option '--bogus'" in r.stderr
    r = servers.run_manage(["shell", "-c"], _env(tmp_path, uri))
    assert r.returncode == 2 and "needs a value" in r.stderr
