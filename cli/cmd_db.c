/* cmd_db.c — `./manage db ...`: the migrations runner on the command line.
 * See cmd_db.h. */
#include "cli.h"
#include "cmd_db.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/migrate/migrate.h"

static const char readme[] =
	"Flagon migrations (Alembic-style), applied by ./manage db upgrade.\n"
	"\n"
	"One file per revision, named <revision>_<slug>.sql:\n"
	"\n"
	"  -- revision: 1a2b3c4d5e6f\n"
	"  -- down_revision: <base>        (or the parent revision id)\n"
	"  -- message: initial migration\n"
	"  -- date: 2026-11-22 05:40:00\n"
	"  -- upgrade\n"
	"  CREATE TABLE ...;\n"
	"  -- downgrade\n"
	"  DROP TABLE ...;\n"
	"\n"
	"Revisions are chained by down_revision, not by file name.  Each one runs\n"
	"in its own transaction; the current revision is kept in alembic_version.\n"
	"A header line \"-- foreign_keys: off\" (before \"-- upgrade\") runs the\n"
	"revision with foreign keys off, as SQLite's table rebuild needs; the\n"
	"runner runs PRAGMA foreign_key_check before COMMIT.\n"
	"\n"
	"After the plain sections, optional parts for one database each:\n"
	"\"-- upgrade: mysql\", \"-- downgrade: mysql\", the same for postgresql and\n"
	"sqlite.  A database runs its own part, else the plain one.  PostgreSQL runs\n"
	"a revision in one transaction; MySQL/MariaDB commits each DDL statement at\n"
	"once, so a failed revision there is reported with the statements that\n"
	"already ran: undo them (or make them repeatable), fix the file, upgrade.\n"
	"\n"
	"Commands: db migrate -m MSG (autogenerate from the models), db revision\n"
	"-m MSG (an empty revision to fill in), db check, db upgrade [REV|+N],\n"
	"db downgrade [REV|-N], db upgrade --sql [FROM:]TO (print the SQL),\n"
	"db current, db history, db heads, db show REV, db stamp REV.\n"
	"MIGRATIONS_DIR in the environment names another folder.\n";

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;
	if (!d)
		return true;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* Flask-Migrate refuses to init over an existing, non-empty folder. */
static int cmd_init(const char *dir)
{
	if (!dir_is_empty(dir))
		return fl_cli_fail("directory %s already exists and is not empty", dir);
	if (make_dirs(dir) != 0)
		return fl_cli_fail("cannot create %s: %s", dir, strerror(errno));
	char path[4200];
	snprintf(path, sizeof path, "%s/README", dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(readme, f) == EOF || fclose(f) != 0)
		return fl_cli_fail("cannot write %s: %s", path, strerror(errno));
	printf("Creating directory %s ...  done\n", dir);
	return 0;
}

const char fl_cli_db_usage[] =
	"usage: manage db SUBCOMMAND [ARGS]   database migrations (Flask-Migrate)\n"
	"  init                  create the migrations directory\n"
	"  revision -m MSG       write an empty revision to fill in (parent: head)\n"
	"  migrate [-m MSG] [--drop-unknown]\n"
	"                        write a revision from the models' differences with the\n"
	"                        database (tables no model declares are kept unless\n"
	"                        --drop-unknown)\n"
	"  upgrade [REV|+N]      apply revisions up to REV (default: head)\n"
	"  upgrade --sql [FROM:]TO   print the SQL instead (no database is opened)\n"
	"  downgrade [REV|-N]    revert revisions down to REV (default: -1)\n"
	"  downgrade --sql FROM:TO   print the SQL instead (no database is opened)\n"
	"  current               print the database's revision\n"
	"  history               print the revision chain, newest first\n"
	"  heads                 print the head revision\n"
	"  show REV              print a revision: its header and its SQL\n"
	"  stamp REV             set the database's revision without running anything\n"
	"  check                 exit 1 when the models and the database differ\n"
	"  create_all            create the tables of every model (db.create_all())\n"
	"  drop_all              drop the tables of every model (db.drop_all())\n"
	"Every subcommand takes -d DIR (the migrations folder) and --help.\n"
	"The models are the application's and its blueprints'; the folder is the\n"
	"application's (MIGRATIONS_DIR overrides it); APP_CONFIG/DATABASE_URI choose\n"
	"the database.\n";

/* Options a subcommand accepts. */
enum {
	OPT_MESSAGE = 1,        /* -m MSG, --message MSG, --message=MSG */
	OPT_SQL = 2,            /* --sql */
	OPT_DROP_UNKNOWN = 4,   /* --drop-unknown */
	OPT_AUTOGENERATE = 8,   /* --autogenerate (revision) */
	OPT_DIALECT = 16,       /* --dialect NAME (with --sql) */
};

/* One subcommand: its usage, options and how many REV arguments. */
struct sub {
	const char *name;
	const char *usage;
	unsigned opts;
	int min_args, max_args;
};

static const struct sub subs[] = {
	{ "init", "usage: manage db init [-d DIR]\n"
	  "  create the migrations directory with a README (refused when it exists\n"
	  "  and is not empty)\n", 0, 0, 0 },
	{ "revision", "usage: manage db revision -m MSG [--autogenerate] [-d DIR]\n"
	  "  write a new, empty revision file whose parent is the head: fill in its\n"
	  "  -- upgrade and -- downgrade sections by hand.  No database is opened.\n"
	  "  --autogenerate   the same as db migrate -m MSG\n", OPT_MESSAGE | OPT_AUTOGENERATE, 0, 0 },
	{ "migrate", "usage: manage db migrate [-m MSG] [--drop-unknown] [-d DIR]\n"
	  "  write a revision from the differences between the models (the\n"
	  "  application's and every blueprint's) and the database, which must be at\n"
	  "  the head revision; \"No changes in schema detected.\" when none.\n"
	  "  A table in the database that no model declares is not dropped: the\n"
	  "  revision carries its DROP TABLE commented out under a WARNING.\n"
	  "  --drop-unknown   drop such tables (their data is lost)\n",
	  OPT_MESSAGE | OPT_DROP_UNKNOWN, 0, 0 },
	{ "upgrade", "usage: manage db upgrade [--sql] [-d DIR] [REV]\n"
	  "  apply the revisions after the database's up to REV: head (default), an\n"
	  "  id or unique prefix, or +N (N revisions ahead)\n"
	  "  --sql   print the SQL instead of running it; REV is [FROM:]TO (FROM\n"
	  "          defaults to base); the database is not opened\n"
	  "  --dialect NAME   with --sql: the SQL for sqlite, mysql or postgresql\n"
	  "          (default: DATABASE_URI's database)\n", OPT_SQL | OPT_DIALECT, 0, 1 },
	{ "downgrade", "usage: manage db downgrade [--sql] [-d DIR] [REV]\n"
	  "  revert revisions down to REV: -1 (default), -N, base, an id or prefix\n"
	  "  --sql   print the SQL instead of running it; REV is FROM:TO; the\n"
	  "          database is not opened\n"
	  "  --dialect NAME   with --sql: the SQL for sqlite, mysql or postgresql\n"
	  "          (default: DATABASE_URI's database)\n", OPT_SQL | OPT_DIALECT, 0, 1 },
	{ "current", "usage: manage db current [-d DIR]\n"
	  "  print the database's revision (\"<id> (head)\" at the head)\n", 0, 0, 0 },
	{ "history", "usage: manage db history [-d DIR]\n"
	  "  print the revision chain, newest first: \"<parent> -> <id>, <message>\"\n", 0, 0, 0 },
	{ "heads", "usage: manage db heads [-d DIR]\n"
	  "  print the head revision: \"<id> (head)\"\n", 0, 0, 0 },
	{ "show", "usage: manage db show [-d DIR] REV\n"
	  "  print revision REV (head, an id or unique prefix): Rev, Parent, Path,\n"
	  "  its message, then its upgrade and downgrade SQL\n", 0, 1, 1 },
	{ "stamp", "usage: manage db stamp [-d DIR] REV\n"
	  "  set the database's revision to REV (head, base, an id) without running\n"
	  "  any SQL\n", 0, 1, 1 },
	{ "check", "usage: manage db check [-d DIR]\n"
	  "  exit 1 listing the differences when the database is not at the head\n"
	  "  revision or its schema differs from the models (alembic check); a table\n"
	  "  no model declares counts as a difference\n", 0, 0, 0 },
	{ "create_all", "usage: manage db create_all\n"
	  "  create the missing tables of every model (Flask-SQLAlchemy's\n"
	  "  db.create_all()) and print them; alembic_version is not touched\n"
	  "  (db stamp head records the revision)\n", 0, 0, 0 },
	{ "drop_all", "usage: manage db drop_all\n"
	  "  drop the tables of every model that exist (db.drop_all()), children\n"
	  "  first, and print them; other tables are left alone\n", 0, 0, 0 },
};

#define NSUBS (sizeof subs / sizeof subs[0])

static const struct sub *find_sub(const char *name)
{
	for (size_t i = 0; i < NSUBS; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* argv without a leading "db". */
static void skip_db(int *argc, char ***argv)
{
	if (*argc > 0 && strcmp((*argv)[0], "db") == 0) {
		(*argc)--;
		(*argv)++;
	}
}

const char *fl_cli_db_help(int argc, char **argv)
{
	skip_db(&argc, &argv);
	if (argc > 0 && is_help(argv[0]))
		return fl_cli_db_usage;
	const struct sub *s = argc > 0 ? find_sub(argv[0]) : NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (is_help(argv[i]))
			return s ? s->usage : fl_cli_db_usage;
	}
	return NULL;
}

/* What the command line asked for. */
struct db_args {
	const struct sub *sub;
	const char *message, *rev, *dir;
	const char *dialect;    /* --dialect NAME, or NULL */
	const fl_config *cfg;
	bool sql, drop_unknown, autogenerate;
	const fl_model *const *models;
};

/* "-1", "-12": a relative revision, not an option. */
static bool is_relative(const char *arg)
{
	return arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9';
}

/* argv[1..] of subcommand x->sub into x; a one-line error otherwise. */
static int parse_args(struct db_args *x, int argc, char **argv)
{
	const struct sub *s = x->sub;
	int nargs = 0;
	bool rest = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;
		if (rest || arg[0] != '-' || is_relative(arg) || !arg[1]) {
			if (nargs++ >= s->max_args)
				return fl_cli_fail("db %s: unexpected argument '%s' (see db %s --help)",
					s->name, arg, s->name);
			x->rev = arg;
		} else if (strcmp(arg, "--") == 0)
			rest = true;
		else if ((s->opts & OPT_MESSAGE) && (!strcmp(arg, "-m") || !strcmp(arg, "--message"))) {
			if (!has_value)
				return fl_cli_fail("db %s: %s needs a message", s->name, arg);
			x->message = argv[++i];
		} else if ((s->opts & OPT_MESSAGE) && !strncmp(arg, "--message=", 10))
			x->message = arg + 10;
		else if ((s->opts & OPT_SQL) && !strcmp(arg, "--sql"))
			x->sql = true;
		else if ((s->opts & OPT_DIALECT) && !strcmp(arg, "--dialect")) {
			if (!has_value)
				return fl_cli_fail("db %s: --dialect needs a name (sqlite, mysql or "
					"postgresql)", s->name);
			x->dialect = argv[++i];
		} else if ((s->opts & OPT_DIALECT) && !strncmp(arg, "--dialect=", 10))
			x->dialect = arg + 10;
		else if ((s->opts & OPT_DROP_UNKNOWN) && !strcmp(arg, "--drop-unknown"))
			x->drop_unknown = true;
		else if ((s->opts & OPT_AUTOGENERATE) && !strcmp(arg, "--autogenerate"))
			x->autogenerate = true;
		else if (!strcmp(arg, "-d") || !strcmp(arg, "--directory")) {
			if (!has_value)
				return fl_cli_fail("db %s: %s needs a directory", s->name, arg);
			x->dir = argv[++i];
		} else if (!strncmp(arg, "--directory=", 12))
			x->dir = arg + 12;
		else
			return fl_cli_fail("db %s: unknown option '%s' (see db %s --help)", s->name, arg,
				s->name);
	}
	if (nargs < s->min_args)
		return fl_cli_fail("db %s: missing REV (%s)", s->name, "see db --help");
	if (x->dialect && !x->sql)
		return fl_cli_fail("db %s: --dialect goes with --sql", s->name);
	if (x->dialect && fl_revision_dialect(x->dialect) == FL_DIALECT__MAX)
		return fl_cli_fail("db %s: unknown dialect '%s'; expected sqlite, mysql or postgresql",
			s->name, x->dialect);
	if (!strcmp(s->name, "revision") && !x->message && !x->autogenerate)
		return fl_cli_fail("db revision: -m MSG is required (the revision's message)");
	return 0;
}

static int cmd_current(fl_migrations *m, fl_db *db)
{
	const char *rev;
	if (fl_migrate_current(m, db, &rev))
		return fl_cli_fail("%s", m->error);
	if (rev)
		printf("%s%s\n", rev, strcmp(rev, fl_migrations_head(m)) == 0 ? " (head)" : "");
	return 0;
}

/* `db migrate [-m MSG] [--drop-unknown]`: write a revision, or say there
 * is nothing to do. */
static int cmd_migrate(fl_db *db, fl_arena *a, const struct db_args *x)
{
	char *path, *warnings;
	fl_err err = fl_autogenerate_ex(db, x->models, x->dir, x->message ? x->message : "",
		x->drop_unknown ? FL_AUTOGEN_DROP_UNKNOWN : 0, a, &path, &warnings);
	if (warnings)
		for (const char *p = warnings; *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(stderr, "WARNING: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	if (err)
		return fl_cli_fail("%s", fl_db_errmsg(db));
	if (!path)
		printf("No changes in schema detected.\n");
	else
		printf("Generating %s ...  done\n", path);
	return 0;
}

/* `db check`: like alembic check, for CI.  A table no model declares is a
 * difference (alembic check reports remove_table); the message says how
 * to resolve it. */
static int cmd_check(fl_migrations *m, fl_db *db, fl_arena *a, const fl_model *const *models)
{
	const char *rev, *head = fl_migrations_head(m);
	json_t *diffs, *d;
	size_t i, unknown = 0;
	if (fl_migrate_current(m, db, &rev))
		return fl_cli_fail("%s", m->error);
	if ((rev == NULL) != (head == NULL) || (rev && strcmp(rev, head) != 0))
		return fl_cli_fail("target database is not up to date: it is at %s, head is %s",
			rev ? rev : "<base>", head);
	if (fl_schema_diff(db, models, a, &diffs))
		return fl_cli_fail("%s", fl_db_errmsg(db));
	if (json_array_size(diffs) == 0) {
		printf("No new upgrade operations detected.\n");
		return 0;
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_schema_diff_format(diffs, &b);
	fputs(fl_buf_cstr(&b), stdout);
	json_array_foreach(diffs, i, d)
		unknown += strcmp(json_string_value(json_object_get(d, "op")), "drop_table") == 0;
	if (unknown)
		return fl_cli_fail("new upgrade operations detected: the models and the database differ "
			"in %zu ways (listed on stdout); %zu table(s) no model declares: declare a model "
			"for each (the application's or a blueprint's .models), or drop them with db "
			"migrate --drop-unknown and db upgrade", json_array_size(diffs), unknown);
	return fl_cli_fail("new upgrade operations detected: the models and the database differ "
		"in %zu ways (listed on stdout); run db migrate", json_array_size(diffs));
}

/* Does the database hold table `name` (among `tables`, from
 * fl_db_table_names)? */
static int in_tables(json_t *tables, const char *name)
{
	size_t i;
	json_t *t;
	json_array_foreach(tables, i, t)
		if (strcmp(json_string_value(t), name) == 0)
			return 1;
	return 0;
}

/* `db create_all` / `db drop_all`: print each table created or dropped. */
static int cmd_create_drop(fl_db *db, fl_arena *a, const fl_model *const *models, bool create)
{
	size_t n = 0;
	for (const fl_model *const *m = models; *m; m++)
		n++;
	int *had = fl_arena_calloc(a, n + 1, sizeof *had);
	json_t *tables;
	if (fl_db_table_names(db, &tables))
		return fl_cli_fail("%s", fl_db_errmsg(db));
	for (size_t i = 0; i < n; i++)
		had[i] = !models[i]->abstract && in_tables(tables, fl_model_table(models[i]));
	if ((create ? fl_create_all : fl_drop_all)(db, a, models))
		return fl_cli_fail("%s", fl_db_errmsg(db));
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		if (models[i]->abstract || had[i] == create)
			continue;
		printf("%s table %s\n", create ? "Created" : "Dropped", fl_model_table(models[i]));
		done++;
	}
	if (!done)
		printf("%s\n", create ? "Every table exists already." : "No table to drop.");
	return 0;
}

/* Subcommands that need no database: history, heads, show, revision,
 * upgrade/downgrade --sql.  -1 when the subcommand needs one. */
static int run_offline(fl_migrations *m, fl_arena *a, const struct db_args *x)
{
	const char *cmd = x->sub->name;
	fl_buf b;
	fl_buf_init(&b, a);
	if (strcmp(cmd, "history") == 0)
		fl_migrate_history(m, &b);
	else if (strcmp(cmd, "heads") == 0) {
		if (fl_migrations_head(m))
			fl_buf_printf(&b, "%s (head)\n", fl_migrations_head(m));
	} else if (strcmp(cmd, "show") == 0) {
		if (fl_migrate_show(m, x->rev, &b))
			return fl_cli_fail("%s", m->error);
	} else if (strcmp(cmd, "revision") == 0) {
		char *path;
		if (fl_migrate_revision(m, x->message, &path))
			return fl_cli_fail("%s", m->error);
		fl_buf_printf(&b, "Generating %s ...  done\n", path);
	} else if (x->sql) {
		fl_dialect_id d = x->dialect ? fl_revision_dialect(x->dialect) : x->cfg->db_uri.dialect;
		if (fl_migrate_offline(m, x->rev, strcmp(cmd, "upgrade") == 0, d, &b))
			return fl_cli_fail("%s", m->error);
	} else
		return -1;
	fputs(fl_buf_cstr(&b), stdout);
	return 0;
}

/* The folder of the database file, made if missing (one level, like the
 * var/ of a fresh checkout): only for a subcommand that opens the
 * database, so offline ones create nothing. */
static void make_database_dir(const char *dbpath)
{
	char dir[4096];
	const char *slash = strrchr(dbpath, '/');
	if (!slash || slash == dbpath || (size_t)(slash - dbpath) >= sizeof dir)
		return;
	memcpy(dir, dbpath, (size_t)(slash - dbpath));
	dir[slash - dbpath] = '\0';
	mkdir(dir, 0775);
}

/* Subcommands that need the database and the revisions. */
static int run_with_db(fl_arena *a, const struct db_args *x)
{
	fl_migrations *m = NULL;
	fl_db *db = NULL;
	const char *cmd = x->sub->name, *arg = x->rev;
	int rc;
	bool plain = strcmp(cmd, "create_all") == 0 || strcmp(cmd, "drop_all") == 0;
	if (!plain) {
		if (fl_migrations_load(a, x->dir, &m))
			return fl_cli_fail("%s", m->error);
		m->progress = stderr;   /* like Alembic's INFO log lines */
		if ((rc = run_offline(m, a, x)) >= 0)
			return rc;
	}
	const fl_config *cfg = x->cfg;
	if (cfg->db_uri.dialect == FL_DIALECT_SQLITE)
		make_database_dir(cfg->database_path);
	if (fl_db_connect(cfg, &db)) {
		rc = fl_cli_fail("database %s: %s", cfg->database_path, fl_db_errmsg(db));
		fl_db_close(db);
		return rc;
	}
	fl_err err = FL_OK;
	if (plain)
		rc = cmd_create_drop(db, a, x->models, strcmp(cmd, "create_all") == 0);
	else if (strcmp(cmd, "current") == 0)
		rc = cmd_current(m, db);
	else if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(db, a, x);
	else if (strcmp(cmd, "check") == 0)
		rc = cmd_check(m, db, a, x->models);
	else {
		if (strcmp(cmd, "upgrade") == 0)
			err = fl_migrate_upgrade(m, db, arg ? arg : "head");
		else if (strcmp(cmd, "downgrade") == 0)
			err = fl_migrate_downgrade(m, db, arg ? arg : "-1");
		else
			err = fl_migrate_stamp(m, db, arg);
		rc = err ? fl_cli_fail("%s", m->error ? m->error : fl_strerror(err)) : 0;
	}
	fl_db_close(db);
	return rc;
}

int fl_cli_db(int argc, char **argv, const fl_config *cfg, const char *migrations_dir,
	const fl_model *const *models)
{
	skip_db(&argc, &argv);
	const char *help = fl_cli_db_help(argc, argv);
	if (help) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 1)
		return fl_cli_fail("db: missing subcommand (see db --help)");
	const char *env = getenv("MIGRATIONS_DIR");
	struct db_args x = { .sub = find_sub(argv[0]), .cfg = cfg,
		.dir = env && *env ? env : migrations_dir, .models = models };
	if (!x.sub)
		return fl_cli_fail("db: unknown subcommand '%s' (see db --help)", argv[0]);
	if (parse_args(&x, argc, argv))
		return 1;
	if (x.autogenerate)   /* revision --autogenerate is migrate */
		x.sub = find_sub("migrate");
	const char *cmd = x.sub->name;
	if (strcmp(cmd, "init") == 0)
		return cmd_init(x.dir);
	if (strcmp(cmd, "downgrade") == 0 && x.sql && (!x.rev || !strchr(x.rev, ':')))
		return fl_cli_fail("db downgrade --sql needs FROM:TO (the database is not read)");
	bool needs_models = !strcmp(cmd, "migrate") || !strcmp(cmd, "check") ||
		!strcmp(cmd, "create_all") || !strcmp(cmd, "drop_all");
	if (!models && needs_models)
		return fl_cli_fail("db %s needs the application's models", cmd);
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	int rc = run_with_db(a, &x);
	fl_json_set_arena(old);
	fl_arena_free(a);
	return rc;
}
