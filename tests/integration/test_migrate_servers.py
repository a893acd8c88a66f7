"""Migrations on each database FLAGON_TEST_DB selects (issue 19): Flasky's
and flaskr's revisions, with their `-- upgrade: mysql|postgresql` parts,
build on an empty MariaDB / PostgreSQL exactly the schema `db create_all`
builds there (compared through information_schema); downgrade, stamp,
history, heads and offline --sql; a broken revision rolls back wholly on
PostgreSQL, and on MariaDB (whose DDL commits at once) is reported with
what already ran, leaves `db current` at the last complete revision, and
continues once the file is fixed."""
import os
import subprocess

import pytest

import dbaccess
import servers

TUTORIAL_MANAGE = os.path.join(servers.BUILD, "tutorial", "manage")
FLASKY_MIGRATIONS = os.path.join(servers.ROOT, "sql", "migrations")
FLASKY_HEAD = "7ac0a6c8cfb1"


def _env(tmp_path, uri, **extra):
    return dict(servers.app_env(str(tmp_path)), FLAGON_VAR=str(tmp_path), DATABASE_URI=uri,
                **extra)


def _manage(tmp_path, uri, *args, manage=servers.MANAGE, **extra):
    return servers.run_manage(list(args), _env(tmp_path, uri, **extra), manage=manage)


def _ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.fixture
def server_uri(db_kind, module_database_uri, database_server):
    """An empty database on db_kind's server (the servers' tests only)."""
    if db_kind == "sqlite":
        pytest.skip("SQLite's migrations: test_manage_db.py, test_migrate.c")
    database_server(db_kind).reset(module_database_uri.rsplit("/", 1)[1])
    return module_database_uri


@pytest.fixture
def second_uri(db_kind, database_server, request):
    """A second empty database on the same server, for create_all's schema."""
    s = database_server(db_kind)
    name = "t_migrate_create_all"
    s.drop_database(name)
    uri = s.create_database(name)
    request.addfinalizer(lambda: s.drop_database(name))
    return uri


def _schema(server, kind, database):
    """The schema of `database` as sorted tuples: columns (type, nullability,
    default, autoincrement), constraints with their columns and targets,
    indexes.  alembic_version is left out."""
    if kind == "mysql":
        q = [
            "SELECT table_name, column_name, ordinal_position, column_type, is_nullable, "
            "column_default, extra FROM information_schema.columns WHERE table_schema = '%s'",
            "SELECT k.table_name, k.constraint_name, k.column_name, k.ordinal_position, "
            "k.referenced_table_name, k.referenced_column_name, r.delete_rule "
            "FROM information_schema.key_column_usage k LEFT JOIN "
            "information_schema.referential_constraints r ON r.constraint_schema = "
            "k.constraint_schema AND r.constraint_name = k.constraint_name "
            "WHERE k.table_schema = '%s'",
            "SELECT table_name, index_name, non_unique, seq_in_index, column_name, index_type "
            "FROM information_schema.statistics WHERE table_schema = '%s'",
        ]
        rows = [server.admin(x % database) for x in q]
    else:
        q = [
            "SELECT table_name, column_name, ordinal_position, data_type, "
            "character_maximum_length, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, "
            "pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n "
            "ON n.oid = c.connamespace WHERE n.nspname = 'public'",
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
            "SELECT sequencename, data_type, increment_by FROM pg_sequences "
            "WHERE schemaname = 'public'",
        ]
        rows = [server.admin(*q[i:i + 1], database=database) for i in range(len(q))]
    return [sorted(tuple(str(v) for v in r) for r in part if "alembic_version" not in str(r))
            for part in rows]


def _dbname(uri):
    return uri.rsplit("/", 1)[1].split("?")[0]


def test_flasky_upgrade_builds_what_create_all_builds(tmp_path, db_kind, server_uri,
                                                      second_uri, database_server):
    r = _ok(_manage(tmp_path, server_uri, "db", "upgrade"))
    assert "Running upgrade <base> -> 3f2a9c1b7d40" in r.stderr
    assert "Running upgrade 3f2a9c1b7d40 -> 7ac0a6c8cfb1" in r.stderr
    assert _ok(_manage(tmp_path, server_uri, "db", "current")).stdout == FLASKY_HEAD + " (head)\n"
    _ok(_manage(tmp_path, second_uri, "db", "create_all"))
    s = database_server(db_kind)
    migrated = _schema(s, db_kind, _dbname(server_uri))
    created = _schema(s, db_kind, _dbname(second_uri))
    assert migrated[0], "no columns read"
    for what, m, c in zip(("columns", "constraints", "indexes", "sequences"), migrated, created):
        assert m == c, (what, sorted(set(m) ^ set(c)))
    # the application works on the migrated database
    _ok(_manage(tmp_path, server_uri, "shell", "-c", "INSERT INTO roles (name) VALUES ('A')"))
    # alembic_version is Alembic's, key name included
    if db_kind == "postgresql":
        names = s.admin("SELECT conname FROM pg_constraint WHERE conrelid = "
                        "'alembic_version'::regclass", database=_dbname(server_uri))
    else:
        names = s.admin("SELECT constraint_name FROM information_schema.table_constraints "
                        "WHERE table_schema = '%s' AND table_name = 'alembic_version'"
                        % _dbname(server_uri))
    assert [n[0] for n in names] == (["alembic_version_pkc"] if db_kind == "postgresql"
                                     else ["PRIMARY"])   # MySQL names every primary key so
    # one step down, then to base: only alembic_version is left
    r = _ok(_manage(tmp_path, server_uri, "db", "downgrade"))
    assert "Running downgrade 7ac0a6c8cfb1 -> 3f2a9c1b7d40" in r.stderr
    assert _manage(tmp_path, server_uri, "db", "current").stdout == "3f2a9c1b7d40\n"
    # down and up again: the second foreign key of users gets the same name
    _ok(_manage(tmp_path, server_uri, "db", "upgrade"))
    _ok(_manage(tmp_path, server_uri, "db", "downgrade", "base"))
    r = _ok(_manage(tmp_path, server_uri, "shell", "-c", ".tables"))
    assert r.stdout.split() == ["alembic_version"] or "alembic_version" in r.stdout, r.stdout
    assert "roles" not in r.stdout and "users" not in r.stdout
    assert _manage(tmp_path, server_uri, "db", "current").stdout == ""


def test_stamp_history_heads(tmp_path, db_kind, server_uri):
    _ok(_manage(tmp_path, server_uri, "db", "create_all"))
    _ok(_manage(tmp_path, server_uri, "db", "stamp", "head"))
    assert _manage(tmp_path, server_uri, "db", "current").stdout == FLASKY_HEAD + " (head)\n"
    _ok(_manage(tmp_path, server_uri, "db", "stamp", "3f2a9c1b7d40"))
    assert _manage(tmp_path, server_uri, "db", "current").stdout == "3f2a9c1b7d40\n"
    assert _ok(_manage(tmp_path, server_uri, "db", "heads")).stdout == FLASKY_HEAD + " (head)\n"
    r = _ok(_manage(tmp_path, server_uri, "db", "history"))
    assert r.stdout.startswith("3f2a9c1b7d40 -> 7ac0a6c8cfb1 (head), ")
    _ok(_manage(tmp_path, server_uri, "db", "stamp", "base"))
    assert _manage(tmp_path, server_uri, "db", "current").stdout == ""


def test_flaskr_upgrade_builds_what_create_all_builds(tmp_path, db_kind, server_uri,
                                                      second_uri, database_server):
    if not os.path.exists(TUTORIAL_MANAGE):
        pytest.fail("build/tutorial/manage is missing: make tutorial")
    _ok(_manage(tmp_path, server_uri, "db", "upgrade", manage=TUTORIAL_MANAGE))
    _ok(_manage(tmp_path, second_uri, "db", "create_all", manage=TUTORIAL_MANAGE))
    s = database_server(db_kind)
    assert _schema(s, db_kind, _dbname(server_uri)) == _schema(s, db_kind, _dbname(second_uri))
    _ok(_manage(tmp_path, server_uri, "db", "downgrade", "base", manage=TUTORIAL_MANAGE))


def _revisions(tmp_path, second_upgrade):
    """A folder of two revisions: t1 (a table), then one whose upgrade is
    `second_upgrade` (its downgrade drops what it may have made)."""
    d = tmp_path / "migrations"
    d.mkdir(exist_ok=True)
    (d / "aaa111_one.sql").write_text(
        "-- revision: aaa111\n-- down_revision: <base>\n-- message: one\n"
        "-- upgrade\nCREATE TABLE t1 (x INTEGER);\n-- downgrade\nDROP TABLE t1;\n")
    (d / "bbb222_two.sql").write_text(
        "-- revision: bbb222\n-- down_revision: aaa111\n-- message: two\n"
        "-- upgrade\n" + second_upgrade +
        "-- downgrade\nDROP TABLE IF EXISTS t3;\nDROP TABLE IF EXISTS t2;\n")
    return str(d)


def _tables(tmp_path, uri):
    r = _ok(_manage(tmp_path, uri, "shell", "-c", ".tables"))
    return set(r.stdout.split()) & {"t1", "t2", "t3"}


def test_broken_revision_on_postgresql_rolls_back_wholly(tmp_path, db_kind, server_uri):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL's transactional DDL")
    mig = _revisions(tmp_path, "CREATE TABLE t2 (y INTEGER);\n\n"
                               "CREATE TABLE t3 (z INTEGER REFERENCES nowhere (id));\n")
    r = _manage(tmp_path, server_uri, "db", "upgrade", MIGRATIONS_DIR=mig)
    assert r.returncode == 1
    assert "bbb222_two.sql:7: upgrade failed:" in r.stderr and "nowhere" in r.stderr, r.stderr
    assert _manage(tmp_path, server_uri, "db", "current", MIGRATIONS_DIR=mig).stdout == "aaa111\n"
    assert _tables(tmp_path, server_uri) == {"t1"}      # t2 rolled back with the revision


def test_a_second_migrator_waits_for_the_first(tmp_path, db_kind, server_uri):
    """Two hosts running `db upgrade` at once: the second waits until the
    first's step ends (PostgreSQL: alembic_version locked in the step's
    transaction; MariaDB: the database's named lock, GET_LOCK), then finds
    the work done or continues from it; here the first migrator is a
    connection holding the same lock."""
    mig = _revisions(tmp_path, "CREATE TABLE t2 (y INTEGER);\n")
    _ok(_manage(tmp_path, server_uri, "db", "upgrade", "aaa111", MIGRATIONS_DIR=mig))
    holder = dbaccess.connect(server_uri)
    try:
        if db_kind == "postgresql":
            holder.raw.autocommit = False
            holder.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
        else:
            assert holder.execute(
                "SELECT GET_LOCK(CONCAT('alembic_version.', DATABASE()), 5)") == [(1,)]
        second = subprocess.Popen(
            [servers.MANAGE, "db", "upgrade"], cwd=servers.ROOT, text=True,
            env=servers.base_env(_env(tmp_path, server_uri, MIGRATIONS_DIR=mig)),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            second.wait(timeout=1.5)
        except subprocess.TimeoutExpired:
            pass
        assert second.returncode is None, second.communicate()     # still waiting
        assert _tables(tmp_path, server_uri) == {"t1"}
    finally:
        if db_kind == "postgresql":
            holder.raw.rollback()
        else:
            holder.execute("SELECT RELEASE_LOCK(CONCAT('alembic_version.', DATABASE()))")
        holder.close()
    out, err = second.communicate(timeout=30)
    assert second.returncode == 0, out + err
    assert _manage(tmp_path, server_uri, "db", "current", MIGRATIONS_DIR=mig).stdout == \
        "bbb222 (head)\n"
    assert _tables(tmp_path, server_uri) == {"t1", "t2"}


def test_broken_revision_on_mariadb_says_what_ran_and_continues(tmp_path, db_kind, server_uri):
    if db_kind != "mysql":
        pytest.skip("MySQL's implicit commits")
    mig = _revisions(tmp_path, "CREATE TABLE t2 (y INTEGER);\n"
                               "CREATE TABLE t3 (z INTEGER, FOREIGN KEY (z) REFERENCES nowhere (id));\n")
    r = _manage(tmp_path, server_uri, "db", "upgrade", MIGRATIONS_DIR=mig)
    assert r.returncode == 1
    err = r.stderr
    assert "bbb222_two.sql:6: upgrade failed:" in err, err
    assert "CREATE TABLE t3 (z INTEGER, FOREIGN KEY (z) REFERENCES nowhere (id));" in err
    assert "1 of its statements ran before it" in err and "line 5: CREATE TABLE t2" in err
    assert "still at revision aaa111" in err
    assert _manage(tmp_path, server_uri, "db", "current", MIGRATIONS_DIR=mig).stdout == "aaa111\n"
    assert _tables(tmp_path, server_uri) == {"t1", "t2"}
    # fix the file: the first statement repeatable, the second right
    _revisions(tmp_path, "CREATE TABLE IF NOT EXISTS t2 (y INTEGER);\n"
                         "CREATE TABLE t3 (z INTEGER);\n")
    _ok(_manage(tmp_path, server_uri, "db", "upgrade", MIGRATIONS_DIR=mig))
    assert _manage(tmp_path, server_uri, "db", "current", MIGRATIONS_DIR=mig).stdout == \
        "bbb222 (head)\n"
    assert _tables(tmp_path, server_uri) == {"t1", "t2", "t3"}


@pytest.mark.parametrize("dialect", ["sqlite", "mysql", "postgresql"])
def test_offline_sql_per_dialect(tmp_path, dialect):
    uri = "sqlite:///" + str(tmp_path / "none.sqlite")
    r = _ok(_manage(tmp_path, uri, "db", "upgrade", "--sql", "--dialect", dialect))
    out = r.stdout
    assert not (tmp_path / "none.sqlite").exists()
    if dialect == "sqlite":
        assert "BEGIN TRANSACTION;" in out and "AUTOINCREMENT" in out
        assert "CONSTRAINT alembic_version_pkc" not in out
    else:
        assert "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)" in out
        assert "AUTOINCREMENT" not in out and "users_new" not in out
    if dialect == "postgresql":
        assert out.count("BEGIN;") == 2 and out.count("COMMIT;") == 2 and "SERIAL" in out
    if dialect == "mysql":
        assert "BEGIN" not in out and "COMMIT" not in out and "AUTO_INCREMENT" in out
        assert "commits each DDL statement at once" in out
        assert "SET SESSION sql_mode = 'ANSI_QUOTES" in out
    # downgrade --sql too, and the configured database's dialect by default
    r = _ok(_manage(tmp_path, "postgresql://u@127.0.0.1:1/x", "db", "downgrade", "--sql",
                    "head:base"))
    assert "DROP TABLE alembic_version;" in r.stdout and "BEGIN;" in r.stdout


def test_offline_sql_bad_dialect(tmp_path):
    uri = "sqlite:///" + str(tmp_path / "none.sqlite")
    r = _manage(tmp_path, uri, "db", "upgrade", "--sql", "--dialect", "oracle")
    assert r.returncode == 1 and "unknown dialect 'oracle'" in r.stderr
    r = _manage(tmp_path, uri, "db", "upgrade", "--dialect", "mysql")
    assert r.returncode == 1 and "--dialect goes with --sql" in r.stderr
