"""`db check` and `db migrate` on each database FLAGON_TEST_DB selects
(issue 19): the schema is read from the live database's own catalogue
(SQLite's pragmas, MariaDB's information_schema, PostgreSQL's pg_catalog)
and compared with the models built the same way on the same server; a
generated revision holds SQLite's plain parts and MySQL's and
PostgreSQL's parts, each runs on its database, and one generated against
one database upgrades the others."""
import os

import pytest

import dbservers
import servers

FLASKY_MIGRATIONS = os.path.join(servers.ROOT, "sql", "migrations")


def _env(tmp_path, uri, migrations):
    return dict(servers.app_env(str(tmp_path)), FLAGON_VAR=str(tmp_path), DATABASE_URI=uri,
                MIGRATIONS_DIR=str(migrations))


def _manage(tmp_path, uri, migrations, *args):
    return servers.run_manage(list(args), _env(tmp_path, uri, migrations))


def _ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.fixture
def uri(empty_database_uri):
    """An empty database of db_kind's (conftest.empty_database_uri)."""
    return empty_database_uri


def _sql(db_kind, database_server, uri, *statements):
    """Run statements as the server's administrator, on uri's database."""
    database_server(db_kind).admin(*statements, database=uri.rsplit("/", 1)[1])


def _parts(text):
    """The sections of a revision file: {"upgrade": sql, "downgrade: mysql": sql, ...}."""
    out, name = {}, None
    for line in text.splitlines(True):
        if line.startswith("-- upgrade") or line.startswith("-- downgrade"):
            name = line[3:].strip()
            out[name] = ""
        elif name:
            out[name] += line
    return out


def _generated(migrations):
    files = sorted(p for p in os.listdir(migrations) if p.endswith(".sql"))
    with open(os.path.join(migrations, files[-1])) as f:
        return f.read()


def test_flasky_head_checks_clean(tmp_path, uri):
    """Flasky's revisions upgrade each database to a schema db check finds
    equal to the models'; create_all's is equal too."""
    _ok(_manage(tmp_path, uri, FLASKY_MIGRATIONS, "db", "upgrade"))
    r = _ok(_manage(tmp_path, uri, FLASKY_MIGRATIONS, "db", "check"))
    assert r.stdout.strip() == "No new upgrade operations detected."


def test_check_lists_each_kind_of_difference(tmp_path, uri, db_kind, database_server):
    if db_kind == "sqlite":
        pytest.skip("SQLite's db check: test_manage_db.py")
    empty = tmp_path / "migrations"
    empty.mkdir()
    _ok(_manage(tmp_path, uri, empty, "db", "create_all"))
    r = _ok(_manage(tmp_path, uri, empty, "db", "check"))
    assert r.stdout.strip() == "No new upgrade operations detected."
    drop_idx = ("DROP INDEX ix_users_username ON users" if db_kind == "mysql"
                else "DROP INDEX ix_users_username")
    retype = ("ALTER TABLE users MODIFY COLUMN password_hash VARCHAR(100)" if db_kind == "mysql"
              else "ALTER TABLE users ALTER COLUMN password_hash TYPE VARCHAR(100)")
    _sql(db_kind, database_server, uri, "ALTER TABLE users ADD COLUMN extra INTEGER",
         drop_idx, retype, "DROP TABLE student_course")
    r = _manage(tmp_path, uri, empty, "db", "check")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert "add_table student_course" in lines, r.stdout
    assert any(l.startswith("drop_column users.extra: ") for l in lines), r.stdout
    assert any(l.startswith("modify_type users.password_hash: ") and "100" in l
               for l in lines), r.stdout
    assert "add_index users: ix_users_username UNIQUE (username)" in lines, r.stdout
    assert "run db migrate" in r.stderr
    assert dbservers.PASSWORD not in r.stdout + r.stderr


def test_migrate_writes_every_dialect_and_upgrades(tmp_path, uri, db_kind, database_server):
    """A model change found on a server: the revision's part for that
    server upgrades it to a clean db check, and downgrades it back."""
    if db_kind == "sqlite":
        pytest.skip("SQLite's db migrate: test_autogen.c, test_manage_db.py")
    mig = tmp_path / "migrations"
    mig.mkdir()
    _ok(_manage(tmp_path, uri, mig, "db", "create_all"))
    drop_idx = ("DROP INDEX ix_users_username ON users" if db_kind == "mysql"
                else "DROP INDEX ix_users_username")
    _sql(db_kind, database_server, uri, "ALTER TABLE users ADD COLUMN extra INTEGER",
         "ALTER TABLE users ADD CONSTRAINT extra_fk FOREIGN KEY (extra) REFERENCES roles (id)",
         "ALTER TABLE users DROP COLUMN member_since", drop_idx)
    r = _ok(_manage(tmp_path, uri, mig, "db", "migrate", "-m", "catch up"))
    assert "Generating" in r.stdout
    parts = _parts(_generated(mig))
    assert set(parts) == {"upgrade", "downgrade", "upgrade: mysql", "downgrade: mysql",
                          "upgrade: postgresql", "downgrade: postgresql"}, parts.keys()
    assert 'ALTER TABLE "users" ADD COLUMN "member_since" DATETIME(6);' in parts["upgrade: mysql"]
    assert ('ALTER TABLE "users" ADD COLUMN "member_since" TIMESTAMP WITHOUT TIME ZONE;'
            in parts["upgrade: postgresql"])
    assert 'DROP INDEX "ix_users_username" ON "users";' in parts["downgrade: mysql"]
    assert 'DROP INDEX "ix_users_username";' in parts["downgrade: postgresql"]
    # a constraint is dropped by the name the live database gave it
    drop_fk = {"mysql": 'ALTER TABLE "users" DROP FOREIGN KEY "extra_fk";',
               "postgresql": 'ALTER TABLE "users" DROP CONSTRAINT "extra_fk";'}[db_kind]
    assert drop_fk in parts["upgrade: " + db_kind]
    assert 'ALTER TABLE "users" DROP COLUMN "extra";' in parts["upgrade"]   # SQLite's
    _ok(_manage(tmp_path, uri, mig, "db", "upgrade"))
    r = _ok(_manage(tmp_path, uri, mig, "db", "check"))
    assert r.stdout.strip() == "No new upgrade operations detected."
    _ok(_manage(tmp_path, uri, mig, "db", "downgrade", "base"))
    _ok(_manage(tmp_path, uri, mig, "db", "stamp", "head"))
    r = _manage(tmp_path, uri, mig, "db", "check")
    assert r.returncode == 1 and "drop_column users.extra" in r.stdout, r.stdout


KINDS = ("sqlite", "mysql", "postgresql")


@pytest.mark.parametrize("source", KINDS)
def test_a_revision_from_one_database_upgrades_the_others(tmp_path, uri, db_kind, source,
                                                           database_uri, database_server):
    """The initial revision generated against `source` (every table new)
    builds on db_kind what create_all builds: db check is clean."""
    if source == db_kind:
        pytest.skip("the same database: test_migrate_writes_every_dialect_and_upgrades")
    if source not in dbservers.selected():
        pytest.skip("%s is not selected (FLAGON_TEST_DB)" % source)
    if source == "sqlite":
        src = "sqlite:///" + str(tmp_path / "source.sqlite")
    else:
        s = database_server(source)
        name = "t_cross_" + db_kind
        s.drop_database(name)
        src = s.create_database(name)
    mig = tmp_path / "migrations"
    mig.mkdir()
    try:
        _ok(_manage(tmp_path, src, mig, "db", "migrate", "-m", "initial"))
    finally:
        if source != "sqlite":
            database_server(source).drop_database("t_cross_" + db_kind)
    _ok(_manage(tmp_path, uri, mig, "db", "upgrade"))
    r = _ok(_manage(tmp_path, uri, mig, "db", "check"))
    assert r.stdout.strip() == "No new upgrade operations detected."
    _ok(_manage(tmp_path, uri, mig, "db", "downgrade", "base"))
    r = _ok(_manage(tmp_path, uri, mig, "shell", "-c", ".tables"))
    assert "users" not in r.stdout.split(), r.stdout
