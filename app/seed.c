/* seed.c — Flasky's demo data (SPEC §7), added by `./manage seed`.  See
 * seed.h.
 *
 * Everything goes in through the model layer (fl_db_add, fl_query_*), so
 * every value is bound and validated like the application's own writes,
 * inside the transaction `manage seed` opened: a failure leaves the
 * database as it was.  Each row is first looked up by what names it (a
 * unique column, or the natural key of rows that have none), so running
 * seed twice adds nothing the second time.
 */
#include "app/seed.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/models.h"
#include "auth/auth.h"
#include "data/query.h"

/* The development password of every demo user (Flasky's tests use "cat"). */
#define DEMO_PASSWORD "cat"

/* UTC "YYYY-MM-DD HH:MM:SS" of now minus `days` days and `hours` hours
 * (datetime.utcnow() as SQLAlchemy stores it). */
static json_t *utc_datetime(time_t now, int days, int hours)
{
	time_t t = now - (time_t)days * 86400 - (time_t)hours * 3600;
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	return json_string(buf);
}

/* The row of `m` whose columns `keys` (NULL-terminated) equal those of
 * `row`, added from `row` if there is none.  *out is the stored row (with
 * its id).  Errors: as fl_query_first and fl_db_add. */
static fl_err find_or_add(fl_seed *s, const fl_model *m, json_t *row,
	const char *const *keys, json_t **out)
{
	if (!row)
		return fl_db_set_error(s->db, FL_ENOMEM, fl_model_table(m), NULL, "out of memory");
	fl_query *q = fl_query_new(s->db, s->arena, m);
	for (const char *const *k = keys; *k; k++)
		fl_query_filter_by(q, *k, json_object_get(row, *k));
	fl_query_order_by(q, "id", false);
	json_t *found;
	fl_err err = fl_query_first(q, &found);
	if (err)
		return err;
	if (found) {
		s->kept++;
		*out = found;
		return FL_OK;
	}
	if ((err = fl_db_add(s->db, m, row)))
		return err;
	s->added++;
	*out = row;
	return FL_OK;
}

static const char *const by_name[] = { "name", NULL };

/* The id of the stored row. */
static json_t *id_of(json_t *row)
{
	return json_object_get(row, "id");
}

static fl_err seed_users(fl_seed *s)
{
	static const char *const roles[] = { "Admin", "Moderator", "User" };
	static const struct { const char *username, *role, *address; } users[] = {
		{ "john", "Admin", "john@example.com" },
		{ "susan", "User", "susan@example.com" },
		{ "david", "User", "david@example.com" },
	};
	/* Two or three articles each, days apart; one of david's is logically
	 * deleted, to show the isdelete filter on his page. */
	static const struct {
		const char *author, *title, *body;
		int days_ago;
		bool deleted;
	} articles[] = {
		{ "john", "Hello, Flasky", "The first article of the demo.", 9, false },
		{ "john", "One-to-many relationships",
		  "user.articles is a dynamic relationship; article.user is its backref.", 6, false },
		{ "john", "Migrations with Alembic", "./manage db upgrade builds the schema.", 2, false },
		{ "susan", "Many-to-many in practice",
		  "Students and courses meet in the student_course table.", 7, false },
		{ "susan", "Caching whole pages", "The cats and dogs pages are cached for 50 s.", 3,
		  false },
		{ "david", "Cats or dogs?", "Both, obviously.", 8, false },
		{ "david", "An old draft", "This article was logically deleted (isdelete = 1).", 5,
		  true },
		{ "david", "Notes on FastCGI", "One process serves many requests.", 1, false },
	};
	static const char *const user_article_key[] = { "user_id", "title", NULL };
	static const char *const by_username[] = { "username", NULL };
	static const char *const by_address[] = { "address", NULL };
	/* One clock for the run: member_since and the article dates count
	 * back from it. */
	const time_t now = time(NULL);
	json_t *role_ids = json_object(), *user_ids = json_object();
	fl_err err;
	json_t *row;

	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
		if ((err = find_or_add(s, &Role, json_pack("{s:s}", "name", roles[i]), by_name,
				&row)))
			return err;
		json_object_set(role_ids, roles[i], id_of(row));
	}

	/* The password hash only in development: demo credentials must never
	 * open a testing or production database. */
	bool with_password = s->config->cls == FL_CONFIG_DEVELOPMENT;
	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		json_t *user;
		fl_query *q = fl_query_new(s->db, s->arena, &User);
		fl_query_filter_by(q, "username", json_string(users[i].username));
		if ((err = fl_query_first(q, &user)))
			return err;
		if (!user) {
			json_t *ident;
			if ((err = find_or_add(s, &Ident,
					json_pack("{s:s}", "address", users[i].address), by_address, &ident)))
				return err;
			const char *hash = NULL;
			if (with_password &&
					!(hash = fl_generate_password_hash(s->arena, DEMO_PASSWORD, NULL)))
				return fl_db_set_error(s->db, FL_EINVAL, "users", "password_hash",
					"cannot hash the demo password (OpenSSL failed)");
			user = json_pack("{s:s, s:O, s:O, s:s?, s:o}", "username", users[i].username,
				"role_id", json_object_get(role_ids, users[i].role), "ident_id", id_of(ident),
				"password_hash", hash, "member_since", utc_datetime(now, 0, 0));
			if ((err = find_or_add(s, &User, user, by_username, &user)))
				return err;
		} else
			s->kept++;
		json_object_set(user_ids, users[i].username, id_of(user));
	}

	for (size_t i = 0; i < sizeof articles / sizeof *articles; i++) {
		row = json_pack("{s:s, s:s, s:O, s:o, s:b}", "title", articles[i].title,
			"body", articles[i].body, "user_id", json_object_get(user_ids, articles[i].author),
			"rdatetime", utc_datetime(now, articles[i].days_ago, (int)i),
			"isdelete", articles[i].deleted);
		if ((err = find_or_add(s, &Article, row, user_article_key, &row)))
			return err;
	}
	return FL_OK;
}

static fl_err seed_students(fl_seed *s)
{
	/* 小明 first, so he is student 1 (the model blueprint's /add_student/
	 * then answers 409: he exists). */
	static const struct { const char *name; int age; double score; } students[] = {
		{ "小明", 16, 80.0 },
		{ "小红", 17, 92.5 },
		{ "小刚", 18, 67.0 },
		{ "小丽", 16, 88.5 },
	};
	static const struct { const char *name; int score; } courses[] = {
		{ "语文", 5 }, { "数学", 5 }, { "英语", 4 }, { "物理", 3 },
	};
	/* Enrolments: every student takes some courses and has one left to
	 * enroll in from the relations page. */
	static const struct { int student, course; } enrolments[] = {
		{ 0, 0 }, { 0, 1 }, { 1, 1 }, { 1, 2 }, { 1, 3 }, { 2, 0 }, { 2, 3 }, { 3, 2 },
	};
	static const char *const by_s_name[] = { "s_name", NULL };
	static const char *const by_cname[] = { "cname", NULL };
	static const char *const by_pair[] = { "stu_id", "cou_id", NULL };
	json_t *sid[sizeof students / sizeof *students], *cid[sizeof courses / sizeof *courses];
	json_t *row;
	fl_err err;

	for (size_t i = 0; i < sizeof students / sizeof *students; i++) {
		row = json_pack("{s:s, s:i, s:f}", "s_name", students[i].name, "s_age",
			students[i].age, "s_score", students[i].score);
		if ((err = find_or_add(s, &Student, row, by_s_name, &row)))
			return err;
		sid[i] = id_of(row);
	}
	for (size_t i = 0; i < sizeof courses / sizeof *courses; i++) {
		row = json_pack("{s:s, s:i}", "cname", courses[i].name, "score", courses[i].score);
		if ((err = find_or_add(s, &Course, row, by_cname, &row)))
			return err;
		cid[i] = id_of(row);
	}
	for (size_t i = 0; i < sizeof enrolments / sizeof *enrolments; i++) {
		row = json_pack("{s:O, s:O}", "stu_id", sid[enrolments[i].student],
			"cou_id", cid[enrolments[i].course]);
		if ((err = find_or_add(s, &StudentCourse, row, by_pair, &row)))
			return err;
	}
	return FL_OK;
}

static fl_err seed_animals(fl_seed *s)
{
	static const struct { const fl_model *m; const char *name; int age; } animals[] = {
		{ &Cat, "Tom", 3 }, { &Cat, "Kitty", 1 },
		{ &Dog, "Snoopy", 5 }, { &Dog, "Spike", 2 },
	};
	json_t *row;
	fl_err err;
	for (size_t i = 0; i < sizeof animals / sizeof *animals; i++) {
		row = json_pack("{s:s, s:i}", "name", animals[i].name, "age", animals[i].age);
		if ((err = find_or_add(s, animals[i].m, row, by_name, &row)))
			return err;
	}
	return FL_OK;
}

fl_err flasky_seed(fl_seed *s)
{
	if (s->if_empty) {
		/* Roles are the root of the demo data: a database with any has
		 * been seeded (or filled by hand) already. */
		long roles;
		fl_err err = fl_query_count(fl_query_new(s->db, s->arena, &Role), &roles);
		if (err)
			return err;
		if (roles > 0) {
			s->had_data = 1;
			return FL_OK;
		}
	}
	fl_err err = seed_users(s);
	if (!err)
		err = seed_students(s);
	if (!err)
		err = seed_animals(s);
	return err;
}
