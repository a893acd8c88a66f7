"""`./manage db upgrade` + `./manage seed` (SPEC §5, §7): the demo data
loads once, idempotently, into the schema the migrations build, with the
development password only in the development config -- on each database
FLAGON_TEST_DB selects (db_kind)."""
import os
import subprocess

import pytest

import dbaccess
import servers


@pytest.fixture
def env(tmp_path, db_kind, empty_database_uri):
    for p in (servers.MANAGE,):
        if not os.access(p, os.X_OK):
            pytest.fail("not built (run make): %s" % p, pytrace=False)
    e = servers.app_env(str(tmp_path))
    e["APP_CONFIG"] = "development"
    e["DATABASE_URI"] = empty_database_uri
    e["FLAGON_VAR"] = str(tmp_path)
    return e


def manage(env, *args):
    return servers.run_manage(list(args), env)


def upgrade(env):
    """The application's tables (db upgrade)."""
    return manage(env, "db", "upgrade")


def rows(env, sql):
    return dbaccess.query(env["DATABASE_URI"], sql)


def counts(env):
    return {t: rows(env, 'SELECT count(*) FROM "%s"' % t)[0][0]
            for t in ("roles", "users", "idents", "articles", "student", "course",
                      "student_course", "dog", "cat")}


def test_seed_needs_upgrade_first(env, db_kind):
    r = manage(env, "seed")
    assert r.returncode == 1
    assert "run ./manage db upgrade first" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    if db_kind == "sqlite":                  # no empty file left behind
        assert not os.path.exists(dbaccess.sqlite_path(env["DATABASE_URI"]))
    # A database at the first revision only lacks the relations tables.
    assert manage(env, "db", "upgrade", "3f2a9c1b7d40").returncode == 0
    r = manage(env, "seed")
    assert r.returncode == 1
    assert "run ./manage db upgrade first" in r.stderr


def test_seed_demo_data(env):
    assert upgrade(env).returncode == 0
    r = manage(env, "seed")
    assert r.returncode == 0, r.stderr
    assert rows(env, "SELECT name FROM roles ORDER BY id") == [("Admin",), ("Moderator",),
                                                              ("User",)]
    users = rows(env, "SELECT u.username, r.name, i.address, u.password_hash, u.member_since "
                      "FROM users u JOIN roles r ON r.id = u.role_id "
                      "JOIN idents i ON i.id = u.ident_id ORDER BY u.id")
    assert [(u[0], u[1]) for u in users] == [("john", "Admin"), ("susan", "User"),
                                             ("david", "User")]
    for name, _, address, pwhash, since in users:
        since = dbaccess.as_text(since)
        assert address == name + "@example.com"
        assert pwhash.startswith("pbkdf2:sha256:260000$")
        assert len(since) == 19 and since[4] == "-" and since[10] == " "
    # Werkzeug (Flasky's password check) accepts the development password.
    check = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import sys; from werkzeug.security import check_password_hash as c; "
         "sys.exit(0 if c(sys.argv[1], 'cat') and not c(sys.argv[1], 'dog') else 1)",
         users[0][3]])
    assert check.returncode == 0

    assert rows(env, "SELECT id, s_name, s_age, s_score FROM student WHERE id = 1") == \
        [(1, "小明", 16, 80.0)]
    c = counts(env)
    assert c["student"] >= 4 and c["course"] >= 4 and c["cat"] == 2 and c["dog"] == 2
    assert c["student_course"] >= 4
    assert rows(env, "SELECT count(*) FROM course WHERE id = 1") == [(1,)]
    assert rows(env, "SELECT count(*) FROM articles WHERE id = 1") == [(1,)]
    per_user = dict(rows(env, "SELECT u.username, count(*) FROM articles a "
                              "JOIN users u ON u.id = a.user_id GROUP BY u.username"))
    assert all(n >= 2 for n in per_user.values()) and len(per_user) == 3
    assert rows(env, "SELECT u.username FROM articles a JOIN users u ON u.id = a.user_id "
                     "WHERE a.isdelete = TRUE") == [("david",)]
    assert len(set(r[0] for r in rows(env, "SELECT date(rdatetime) FROM articles"))) > 3
    if dbaccess.kind_of(env["DATABASE_URI"]) == "sqlite":   # the servers enforce them
        assert rows(env, "PRAGMA foreign_key_check") == []

    # Idempotent: a second seed adds nothing and changes nothing.
    before = rows(env, "SELECT * FROM users ORDER BY id")
    r = manage(env, "seed")
    assert r.returncode == 0, r.stderr
    assert counts(env) == c
    assert rows(env, "SELECT * FROM users ORDER BY id") == before

    # --if-empty (make run) leaves a database that has roles alone ...
    dbaccess.execute(env["DATABASE_URI"], "DELETE FROM cat")
    r = manage(env, "seed", "--if-empty")
    assert r.returncode == 0, r.stderr
    assert counts(env)["cat"] == 0
    # ... while a plain seed puts back what is missing.
    assert manage(env, "seed").returncode == 0
    assert counts(env)["cat"] == 2


def test_seed_if_empty_on_new_database(env):
    assert upgrade(env).returncode == 0
    r = manage(env, "seed", "--if-empty")
    assert r.returncode == 0, r.stderr
    assert counts(env)["roles"] == 3


@pytest.mark.parametrize("config", ["testing", "production"])
def test_no_password_outside_development(env, config):
    env["APP_CONFIG"] = config
    env["SECRET_KEY"] = "not-the-dev-key-0123456789"
    assert upgrade(env).returncode == 0
    r = manage(env, "seed")
    assert r.returncode == 0, r.stderr
    assert rows(env, "SELECT username, password_hash FROM users ORDER BY id") == [
        ("john", None), ("susan", None), ("david", None)]


def test_seed_bad_argument(env):
    r = manage(env, "seed", "--frobnicate")
    assert r.returncode == 2
    assert r.stderr == "manage seed: unknown option '--frobnicate' (see manage seed --help)\n"


def test_model_add_student_conflicts_with_seed(env):
    """/add_student/ adds 小明: seeded data makes it a 409 (SPEC §3), which
    relies on s_name being UNIQUE in the migrated schema."""
    assert upgrade(env).returncode == 0
    assert manage(env, "seed").returncode == 0
    with pytest.raises(dbaccess.IntegrityError):
        dbaccess.execute(env["DATABASE_URI"],
                         "INSERT INTO student (s_name, s_age, s_score) VALUES ('小明', 16, 80)")
