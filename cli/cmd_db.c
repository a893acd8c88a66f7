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
	"Commands: db migrate -m MSG (autogenerate from the models), db check,\n"
	"db upgrade [REV], db downgrade [REV], db current, db history,\n"
	"db stamp REV.  MIGRATIONS_DIR in the environment names another folder.\n";

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

static int cmd_current(fl_migrations *m, fl_db *db)
{
	const char *rev;
	if (fl_migrate_current(m, db, &rev))
		return fl_cli_fail("%s", m->error);
	if (rev)
		printf("%s%s\n", rev, strcmp(rev, fl_migrations_head(m)) == 0 ? " (head)" : "");
	return 0;
}

static int cmd_history(fl_migrations *m, fl_arena *a)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_migrate_history(m, &b);
	fputs(fl_buf_cstr(&b), stdout);
	return 0;
}

/* `db migrate [-m MSG]`: write a revision, or say there is nothing to do. */
static int cmd_migrate(fl_db *db, fl_arena *a, const char *dir, const char *message,
	const fl_model *const *models)
{
	char *path, *warnings;
	fl_err err = fl_autogenerate(db, models, dir, message, a, &path, &warnings);
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

/* `db check`: like alembic check, for CI. */
static int cmd_check(fl_migrations *m, fl_db *db, fl_arena *a, const fl_model *const *models)
{
	const char *rev, *head = fl_migrations_head(m);
	json_t *diffs;
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
	return fl_cli_fail("new upgrade operations detected: the models and the database differ "
		"in %zu ways (listed on stdout); run db migrate", json_array_size(diffs));
}

struct db_args {
	const char *cmd, *arg, *dbpath, *dir;
	const fl_model *const *models;
};

/* Subcommands that need the database and the revisions. */
static int run_with_db(fl_arena *a, const struct db_args *x)
{
	fl_migrations *m;
	fl_db *db = NULL;
	const char *cmd = x->cmd, *arg = x->arg;
	int rc;
	if (fl_migrations_load(a, x->dir, &m))
		return fl_cli_fail("%s", m->error);
	m->progress = stderr;   /* like Alembic's INFO log lines */
	if (strcmp(cmd, "history") == 0)
		return cmd_history(m, a);
	if (fl_db_open(x->dbpath, &db)) {
		rc = fl_cli_fail("%s", fl_db_errmsg(db));
		fl_db_close(db);
		return rc;
	}
	fl_err err = FL_OK;
	if (strcmp(cmd, "current") == 0)
		rc = cmd_current(m, db);
	else if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(db, a, x->dir, arg ? arg : "", x->models);
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

static int usage(void)
{
	return fl_cli_fail("usage: db init|migrate [-m MSG]|check|upgrade [REV]|downgrade [REV]|"
		"current|history|stamp REV");
}

/* `migrate [-m MSG | --message MSG | --message=MSG]` → the message, or
 * false for anything else. */
static bool migrate_message(int argc, char **argv, const char **message)
{
	*message = NULL;
	if (argc == 1)
		return true;
	if (argc == 3 && (strcmp(argv[1], "-m") == 0 || strcmp(argv[1], "--message") == 0)) {
		*message = argv[2];
		return true;
	}
	if (argc == 2 && strncmp(argv[1], "--message=", 10) == 0) {
		*message = argv[1] + 10;
		return true;
	}
	return false;
}

int fl_cli_db(int argc, char **argv, const char *database_path, const char *migrations_dir,
	const fl_model *const *models)
{
	if (argc > 0 && strcmp(argv[0], "db") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage();
	const char *env = getenv("MIGRATIONS_DIR");
	if (env && *env)
		migrations_dir = env;
	struct db_args x = { .cmd = argv[0], .arg = argc > 1 ? argv[1] : NULL,
		.dbpath = database_path, .dir = migrations_dir, .models = models };
	const char *cmd = x.cmd;
	if (strcmp(cmd, "init") == 0 && argc == 1)
		return cmd_init(migrations_dir);
	bool ok = ((strcmp(cmd, "upgrade") == 0 || strcmp(cmd, "downgrade") == 0) && argc <= 2) ||
		(strcmp(cmd, "stamp") == 0 && argc == 2) ||
		((strcmp(cmd, "current") == 0 || strcmp(cmd, "history") == 0 ||
		  strcmp(cmd, "check") == 0) && argc == 1) ||
		(strcmp(cmd, "migrate") == 0 && migrate_message(argc, argv, &x.arg));
	if (!ok)
		return usage();
	if (!models && (strcmp(cmd, "migrate") == 0 || strcmp(cmd, "check") == 0))
		return fl_cli_fail("db %s needs the application's models", cmd);
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	int rc = run_with_db(a, &x);
	fl_json_set_arena(old);
	fl_arena_free(a);
	return rc;
}
