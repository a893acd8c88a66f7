/* testing.c — the test client (testing.h): every blueprint of an
 * application started in this process (fl_app_start, one fl_app each) with
 * an in-process I/O seam (app->io) instead of FastCGI, on a fresh database
 * in a temporary directory; Flask-Mail's record_messages through lib/mail's
 * dispatch hook; a request context of its own for the session and the CSRF
 * token.  The requests themselves are testing_request.c. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web/testing_internal.h"
#include "data/migrate/migrate.h"
#include "mail/mail.h"

/* ---- environment ---- */

static int set_env(fl_test_client *tc, const char *name, const char *value)
{
	saved_env *e = realloc(tc->env, (tc->nenv + 1) * sizeof *e);
	if (!e)
		return -1;
	tc->env = e;
	const char *old = getenv(name);
	e[tc->nenv].name = strdup(name);
	e[tc->nenv].old = old ? strdup(old) : NULL;
	tc->nenv++;
	return setenv(name, value, 1);
}

/* Undo set_env, last first (a name set twice gets its first old value). */
static void restore_env(fl_test_client *tc)
{
	for (size_t i = tc->nenv; i-- > 0;) {
		if (tc->env[i].old)
			setenv(tc->env[i].name, tc->env[i].old, 1);
		else
			unsetenv(tc->env[i].name);
		free(tc->env[i].name);
		free(tc->env[i].old);
	}
	free(tc->env);
	tc->env = NULL;
	tc->nenv = 0;
}

static int given(const fl_test_options *opt, const char *key)
{
	for (const char *const *kv = opt ? opt->config : NULL; kv && kv[0] && kv[1]; kv += 2)
		if (!strcmp(kv[0], key))
			return 1;
	return 0;
}

static int unlink_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* ---- the database: create_all or the migrations ---- */

static int prepare_db(const fl_application *app, const fl_test_options *opt, const fl_config *cfg,
	const char *root)
{
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	fl_db *db = NULL;
	char why[512] = "";
	int rc = -1;
	fl_err e = fl_db_connect(cfg, &db);
	if (e) {
		snprintf(why, sizeof why, "database %s: %s", cfg->database_path,
			db && *fl_db_errmsg(db) ? fl_db_errmsg(db) : fl_strerror(e));
	} else if (opt && opt->migrate && cfg->db_uri.dialect != FL_DIALECT_SQLITE) {
		snprintf(why, sizeof why, "migrations run on SQLite only for now (DATABASE_URI names "
			"a %s database): leave fl_test_options.migrate off",
			fl_dialect_id_name(cfg->db_uri.dialect));
	} else if (opt && opt->migrate) {
		const char *dir = getenv("MIGRATIONS_DIR");
		if (!dir || !*dir)
			dir = app->migrations_directory ? app->migrations_directory : "migrations";
		const char *full = dir[0] == '/' ? dir : fl_arena_printf(a, "%s/%s", root, dir);
		fl_migrations *m = NULL;
		e = fl_migrations_load(a, full, &m);
		if (!e)
			e = fl_migrate_upgrade(m, db, "head");
		if (e)
			snprintf(why, sizeof why, "migrations %s: %s", full,
				m && m->error ? m->error : fl_strerror(e));
		else
			rc = 0;
	} else {
		const fl_model *const *models;
		if (fl_application_all_models(app, a, &models, why, sizeof why))
			;
		else if ((e = fl_create_all(db, a, models)))
			snprintf(why, sizeof why, "create_all: %s (%s)", fl_strerror(e),
				fl_db_errmsg(db));
		else
			rc = 0;
	}
	if (rc)
		fprintf(stderr, "fl_test_client_new: %s\n", why);
	fl_db_close(db);
	fl_json_set_arena(old);
	fl_arena_free(a);
	return rc;
}

/* ---- mail (record_messages) ---- */

static const char *keep(fl_test_client *tc, const char *s)
{
	return s ? fl_arena_strdup(tc->mail_arena, s) : NULL;
}

static void record_mail(const fl_message *m, const char *raw, size_t len, void *ud)
{
	fl_test_client *tc = ud;
	if (tc->nmail == tc->capmail) {
		size_t cap = tc->capmail ? tc->capmail * 2 : 8;
		fl_test_mail *bigger = realloc(tc->mail, cap * sizeof *bigger);
		if (!bigger)
			return;
		tc->mail = bigger;
		tc->capmail = cap;
	}
	const fl_mail_list *lists[3] = { &m->recipients, &m->cc, &m->bcc };
	size_t n = m->recipients.len + m->cc.len + m->bcc.len, k = 0;
	const char **to = fl_arena_alloc(tc->mail_arena, (n + 1) * sizeof *to);
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->len; i++)
			to[k++] = keep(tc, lists[l]->items[i]);
	to[k] = NULL;
	char *copy = fl_arena_alloc(tc->mail_arena, len + 1);
	memcpy(copy, raw, len);
	copy[len] = '\0';
	tc->mail[tc->nmail++] = (fl_test_mail){
		.subject = keep(tc, m->subject), .sender = keep(tc, m->sender),
		.recipients = to, .body = keep(tc, m->body), .html = keep(tc, m->html),
		.raw = copy,
	};
}

/* ---- start and stop ---- */

fl_test_client *fl_test_client_new(const fl_application *app, const fl_test_options *opt)
{
	if (!app || !app->blueprints || !app->blueprints[0]) {
		fprintf(stderr, "fl_test_client_new: the application lists no blueprints\n");
		return NULL;
	}
	fl_test_client *tc = calloc(1, sizeof *tc);
	if (!tc)
		return NULL;
	tc->app = app;
	const char *tmp = getenv("TMPDIR");
	snprintf(tc->tmpdir, sizeof tc->tmpdir, "%s/flagon-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tc->tmpdir)) {
		fprintf(stderr, "fl_test_client_new: mkdtemp %s: %s\n", tc->tmpdir, strerror(errno));
		free(tc);
		return NULL;
	}
	tc->arena = fl_arena_new(0);
	tc->mail_arena = fl_arena_new(0);
	char dbpath[300], uri[320];
	snprintf(dbpath, sizeof dbpath, "%s/test.sqlite", tc->tmpdir);
	snprintf(uri, sizeof uri, "sqlite:///%s", dbpath);
	int bad = 0;
	if (!given(opt, "APP_CONFIG"))
		bad |= set_env(tc, "APP_CONFIG", "testing");
	if (!given(opt, "DATABASE_URI"))
		bad |= set_env(tc, "DATABASE_URI", uri);
	bad |= set_env(tc, "FLAGON_VAR", tc->tmpdir);
	if (!given(opt, "MAIL_SUPPRESS_SEND"))
		bad |= set_env(tc, "MAIL_SUPPRESS_SEND", "1");
	if (opt && opt->root)
		bad |= set_env(tc, "FLAGON_ROOT", opt->root);
	for (const char *const *kv = opt ? opt->config : NULL; kv && kv[0] && kv[1]; kv += 2)
		bad |= set_env(tc, kv[0], kv[1]);
	if (bad) {
		fprintf(stderr, "fl_test_client_new: cannot set the environment\n");
		fl_test_client_free(tc);
		return NULL;
	}
	/* The configured database (DATABASE_URI may be given) is prepared
	 * before any program opens it. */
	char *root = fl_find_root();
	fl_config cfg;
	char why[512];
	fl_err e = root ? fl_application_load_config(app, &cfg, root, why, sizeof why) : FL_ECONFIG;
	if (!root)
		snprintf(why, sizeof why, "cannot find the project root; set FLAGON_ROOT");
	int failed = e || prepare_db(app, opt, &cfg, root);
	if (e)
		fprintf(stderr, "fl_test_client_new: configuration: %s\n", why);
	if (root)
		fl_config_free(&cfg);
	free(root);
	if (failed) {
		fl_test_client_free(tc);
		return NULL;
	}
	size_t n = 0;
	while (app->blueprints[n])
		n++;
	tc->apps = calloc(n, sizeof *tc->apps);
	for (size_t i = 0; tc->apps && i < n; i++) {
		fl_app *a = calloc(1, sizeof *a);
		if (!a)
			break;
		tc->apps[tc->napps++] = a;
		if (fl_app_start(a, app->blueprints[i])) {
			fprintf(stderr, "fl_test_client_new: blueprint '%s' did not start (see above)\n",
				app->blueprints[i]->name);
			fl_test_client_free(tc);
			return NULL;
		}
	}
	if (tc->napps != n) {
		fl_test_client_free(tc);
		return NULL;
	}
	fl_mail_set_dispatch_hook(record_mail, tc);
	return tc;
}

void fl_test_client_free(fl_test_client *tc)
{
	if (!tc)
		return;
	fl_mail_set_dispatch_hook(NULL, NULL);
	for (size_t i = 0; i < tc->napps; i++) {
		fl_app_stop(tc->apps[i]);
		free(tc->apps[i]);
	}
	free(tc->apps);
	restore_env(tc);
	nftw(tc->tmpdir, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < tc->njar; i++) {
		free(tc->jar[i].name);
		free(tc->jar[i].value);
		free(tc->jar[i].path);
	}
	free(tc->jar);
	for (size_t i = 0; i < tc->nheaders; i++) {
		free(tc->headers[i].name);
		free(tc->headers[i].value);
	}
	free(tc->headers);
	json_decref(tc->resp.pub.json);
	json_decref(tc->session);
	free(tc->csrf);
	free(tc->mail);
	fl_arena_free(tc->mail_arena);
	fl_arena_free(tc->arena);
	free(tc);
}

void fl_test_follow_redirects(fl_test_client *tc, int follow)
{
	tc->follow = follow;
}

const char *fl_test_tmpdir(fl_test_client *tc)
{
	return tc->tmpdir;
}

fl_app *fl_test_app_named(fl_test_client *tc, const char *name, size_t len)
{
	for (size_t i = 0; i < tc->napps; i++)
		if (strlen(tc->apps[i]->bp->name) == len && !strncmp(tc->apps[i]->bp->name, name, len))
			return tc->apps[i];
	return NULL;
}

fl_db *fl_test_db(fl_test_client *tc, const char *blueprint)
{
	fl_app *a = blueprint ? fl_test_app_named(tc, blueprint, strlen(blueprint)) : NULL;
	return a ? a->db : NULL;
}

const fl_test_mail *fl_test_outbox(fl_test_client *tc, size_t *n)
{
	*n = tc->nmail;
	return tc->mail;
}

void fl_test_outbox_clear(fl_test_client *tc)
{
	tc->nmail = 0;
	fl_arena_reset(tc->mail_arena);
}
