"""The tests' own look into an application's database, whichever it is:
SQLite (python's sqlite3), MariaDB (pymysql) or PostgreSQL (psycopg2),
found by its DATABASE_URI (SQLAlchemy's form, as the application reads it).

    rows = dbaccess.query(uri, "SELECT id FROM users WHERE username = ?", name)
    dbaccess.execute(uri, "DELETE FROM users WHERE id = ?", uid)     # rowcount
    new_id = dbaccess.insert(uri, "INSERT INTO roles (name) VALUES (?)", "x")
    with dbaccess.connect(uri) as db: db.execute(...); db.executemany(...)
    dbaccess.tables(uri)                                  # {"users", ...}

SQL is written once, as the tests wrote it for SQLite: `?` placeholders
(turned into %s outside quoted text for the other two), "double-quoted"
identifiers (MariaDB's session runs with ANSI_QUOTES, as Flagon's driver
does).  Every statement commits at once (autocommit): what a test writes
is what the application's next request reads.  Rows are tuples; values
come back as each driver gives them (MariaDB and PostgreSQL: datetime,
Decimal; SQLite: text) -- as_text() and as_datetime() even them out.
NOW_SECONDS[kind] is the SQL of the current Unix time in seconds.
"""
import contextlib
import datetime
import sqlite3
import urllib.parse

NOW_SECONDS = {
    "sqlite": "CAST(strftime('%s','now') AS INTEGER)",
    "mysql": "UNIX_TIMESTAMP()",
    "postgresql": "CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)",
}

_SCHEMES = {"sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql",
            "postgresql": "postgresql", "postgres": "postgresql"}


def kind_of(uri):
    """"sqlite", "mysql" or "postgresql": the database `uri` names (the
    driver part of mysql+pymysql:// is ignored, as Flagon does)."""
    scheme = uri.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in _SCHEMES:
        raise ValueError("not a database URI the tests know: %r" % uri.split(":", 1)[0])
    return _SCHEMES[scheme]


def sqlite_path(uri):
    """The file of a sqlite:/// URI."""
    assert kind_of(uri) == "sqlite", uri
    return uri[len("sqlite:///"):].split("?", 1)[0]


def to_format_params(sql):
    """`sql` with each `?` outside quotes as %s and each % doubled (the
    paramstyle of pymysql and psycopg2)."""
    out, quote = [], None
    for c in sql:
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif c == "?":
            out.append("%s")
            continue
        if c == "%":
            out.append("%%")
            continue
        out.append(c)
    return "".join(out)


class IntegrityError(Exception):
    """A unique, not-null or foreign-key violation, whichever driver
    reported it (the driver's own exception is its __cause__)."""


def _integrity_errors(kind):
    if kind == "sqlite":
        return (sqlite3.IntegrityError,)
    if kind == "mysql":
        import pymysql
        return (pymysql.err.IntegrityError,)
    import psycopg2
    return (psycopg2.IntegrityError,)


class Connection:
    """One autocommit connection; execute() returns the cursor's rows
    (a list of tuples, [] for a statement without)."""

    def __init__(self, uri):
        self.kind = kind_of(uri)
        if self.kind == "sqlite":
            self.raw = sqlite3.connect(sqlite_path(uri), timeout=10, isolation_level=None)
            return
        u = urllib.parse.urlsplit(uri)
        user = urllib.parse.unquote(u.username or "")
        password = urllib.parse.unquote(u.password or "")
        database = urllib.parse.unquote(u.path.lstrip("/"))
        if self.kind == "mysql":
            import pymysql
            self.raw = pymysql.connect(host=u.hostname, port=u.port or 3306, user=user,
                                       password=password, database=database,
                                       autocommit=True, connect_timeout=10, charset="utf8mb4")
            with self.raw.cursor() as cur:
                cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
        else:
            import psycopg2
            self.raw = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=user,
                                        password=password, dbname=database, connect_timeout=10)
            self.raw.autocommit = True
        self.lastrowid = None

    def _sql(self, sql):
        return sql if self.kind == "sqlite" else to_format_params(sql)

    def execute(self, sql, args=()):
        """Run one statement with `args` for its `?`s; its rows."""
        cur = self.raw.cursor()
        try:
            try:
                cur.execute(self._sql(sql), tuple(args))
            except _integrity_errors(self.kind) as e:
                raise IntegrityError(str(e)) from e
            self.rowcount = cur.rowcount
            self.lastrowid = getattr(cur, "lastrowid", None)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        finally:
            cur.close()

    def executemany(self, sql, seq):
        cur = self.raw.cursor()
        try:
            cur.executemany(self._sql(sql), [tuple(a) for a in seq])
        finally:
            cur.close()

    def insert(self, sql, args=()):
        """An INSERT into a table whose key is `id`; the new row's id."""
        if self.kind == "postgresql":
            return self.execute(sql + " RETURNING id", args)[0][0]
        self.execute(sql, args)
        return self.lastrowid

    def close(self):
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(uri):
    """A Connection to the database `uri` names (close it, or use `with`)."""
    return Connection(uri)


def query(uri, sql, *args):
    """The rows (tuples) of one statement on `uri`'s database."""
    with contextlib.closing(Connection(uri)) as db:
        return db.execute(sql, args)


def execute(uri, sql, *args):
    """Run one write on `uri`'s database; how many rows it touched."""
    with contextlib.closing(Connection(uri)) as db:
        db.execute(sql, args)
        return db.rowcount


def insert(uri, sql, *args):
    """One INSERT on `uri`'s database; the new row's id."""
    with contextlib.closing(Connection(uri)) as db:
        return db.insert(sql, args)


TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' "
              "AND name NOT LIKE 'sqlite_%'",
    "mysql": "SELECT table_name FROM information_schema.tables "
             "WHERE table_schema = DATABASE()",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


def tables(uri):
    """The names of the tables in `uri`'s database (a set)."""
    return {r[0] for r in query(uri, TABLES_SQL[kind_of(uri)])}


def as_text(value):
    """A value as SQLite gives it back: str for text and numbers' text
    form is left alone; bytes/memoryview decoded; datetime as
    'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    return value


def as_datetime(value):
    """A DateTime column's value as a datetime (SQLite's text parsed)."""
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(value)
