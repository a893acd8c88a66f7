/* cmd_seed.c — `./manage seed [--if-empty]`: the application's demo data
 * (its fl_application.seed, Flasky's in app/seed.c).  See cmd_seed.h.
 *
 * This command opens the database, checks its schema against the
 * application's models and runs the seed function in one transaction: a
 * failure leaves the database as it was.
 */
#include "cli.h"
#include "cmd_seed.h"
#include "cache/cache.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/migrate/migrate.h"
#include "data/query.h"

struct seed {
	const fl_application *app;
	const fl_model *const *models;   /* every model: fl_application_all_models */
	const fl_config *cfg;
	fl_db *db;
	fl_arena *arena;
};

/* Every table and column the models declare exists (read with the
 * schema reader of the database's dialect); otherwise one line saying
 * which is missing (the database predates the head revision). */
static int check_schema(struct seed *s)
{
	json_t *schema;
	if (fl_schema_reflect(s->db, s->arena, &schema))
		return fl_cli_fail("%s: %s", s->cfg->database_path, fl_db_errmsg(s->db));
	for (const fl_model *const *m = s->models; m && *m; m++) {
		if ((*m)->abstract)
			continue;
		json_t *table = json_object_get(schema, fl_model_table((*m)));
		if (!table)
			return fl_cli_fail("%s has no table '%s': run ./manage db upgrade first",
				s->cfg->database_path, fl_model_table((*m)));
		for (const fl_column *c = (*m)->columns; c->name; c++) {
			bool found = false;
			size_t i;
			json_t *col;
			json_array_foreach(json_object_get(table, "columns"), i, col)
				found = found || strcmp(json_string_value(json_object_get(col, "name")),
					c->name) == 0;
			if (!found)
				return fl_cli_fail("%s: table '%s' has no column '%s': run ./manage db upgrade first",
					s->cfg->database_path, fl_model_table((*m)), c->name);
		}
	}
	return 0;
}


/* New rows change what the cached list pages must show: drop every cached
 * page, as a POST to those pages does.  Only the shared backends outlive
 * this command; an in-process "simple" cache dies with its processes. */
static void forget_cached_pages(const fl_config *cfg, fl_db *db)
{
	fl_cache *cache = NULL;
	if (fl_cache_new(cfg, fl_db_handle(db), &cache) == FL_OK && cache) {
		fl_cache_delete_prefix(cache, "view/");
		fl_cache_free(cache);
	}
}

static int run(struct seed *s, bool if_empty)
{
	const char *path = s->cfg->database_path;
	if (!s->app->seed)
		return fl_cli_fail("the application '%s' has no demo data", s->app->name);
	/* Do not create an empty database file just to say it is empty. */
	if (fl_command_connect(s->cfg, &s->db))
		return 1;
	char reason[256];
	if (fl_application_all_models(s->app, s->arena, &s->models, reason, sizeof reason))
		return fl_cli_fail("%s", reason);
	if (s->models[0])
		fl_db_set_models(s->db, s->models);
	if (check_schema(s))
		return 1;
	/* BEGIN IMMEDIATE before looking: two seeds at once cannot both add. */
	if (fl_db_begin(s->db))
		return fl_cli_fail("%s: %s", path, fl_db_errmsg(s->db));
	fl_seed data = { .db = s->db, .arena = s->arena, .config = s->cfg, .if_empty = if_empty };
	fl_err err = s->app->seed(&data);
	if (!err && data.had_data) {
		fl_db_rollback(s->db);
		printf("seed: %s already has data; nothing added\n", path);
		return 0;
	}
	if (!err)
		err = fl_db_commit(s->db);
	if (err) {
		const char *why = fl_db_errmsg(s->db);
		int rc = fl_cli_fail("seed failed, nothing added: %s%s", *why ? why : fl_strerror(err),
			err == FL_ENOTABLE ? " (run ./manage db upgrade first)" : "");
		fl_db_rollback(s->db);
		return rc;
	}
	if (data.added)
		forget_cached_pages(s->cfg, s->db);
	printf("seed: %ld rows added, %ld already present (%s config%s)\n", data.added, data.kept,
		fl_config_names[s->cfg->cls],
		s->cfg->cls == FL_CONFIG_DEVELOPMENT ? ", demo password 'cat'" : ", no passwords");
	return 0;
}

int fl_cli_seed(const fl_application *app, const fl_config *cfg, int argc, char **argv)
{
	int if_empty = 0;
	const fl_command_option opts[] = { { "--if-empty", NULL, NULL, &if_empty }, { NULL } };
	const fl_command_spec spec = { .name = "seed", .options = opts };
	if (fl_command_args(&spec, argc, argv, NULL, NULL))
		return 2;
	struct seed s = { .app = app, .cfg = cfg };
	s.arena = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(s.arena);
	int rc = run(&s, if_empty != 0);
	fl_db_close(s.db);
	fl_json_set_arena(old);
	fl_arena_free(s.arena);
	return rc;
}
