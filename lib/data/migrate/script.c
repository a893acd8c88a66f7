/* script.c — revision files as a user sees them: writing a new one (`db
 * revision`, and `db migrate` through fl_revision_write) and showing one
 * (`db show`).  See migrate.h. */
#include "data/migrate/internal.h"
#include "base/fileio.h"
#include "base/hex.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define failf fl_migrate_fail

static bool id_taken(const fl_migrations *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->chain[i]->id, id) == 0)
			return true;
	return false;
}

/* A new 12 hex digit id (Alembic's uuid4().hex[-12:]) the chain lacks. */
static fl_err new_id(fl_migrations *m, char out[13])
{
	unsigned char r[6];
	do {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return failf(m, FL_EIO, "no random bytes for a revision id");
		fl_hex_encode(out, r, sizeof r);
	} while (id_taken(m, out));
	return FL_OK;
}

/* Alembic's file name slug: lower-case words joined by '_', at most 40. */
static const char *slug(fl_arena *a, const char *message)
{
	fl_buf b;
	fl_buf_init(&b, a);
	for (const char *p = message; *p && b.len < 40; p++) {
		if (isalnum((unsigned char)*p))
			fl_buf_putc(&b, (char)tolower((unsigned char)*p));
		else if (b.len && b.data[b.len - 1] != '_')
			fl_buf_putc(&b, '_');
	}
	while (b.len && b.data[b.len - 1] == '_')
		b.data[--b.len] = '\0';
	return fl_buf_cstr(&b);
}

/* A header value on one line: control characters become spaces. */
static const char *one_line(fl_arena *a, const char *s)
{
	char *v = fl_arena_strdup(a, s ? s : "");
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	size_t n = strlen(v);
	while (n && v[n - 1] == ' ')
		v[--n] = '\0';
	while (*v == ' ')
		v++;
	return v;
}

/* Each line of `lines` as "<prefix><line>\n". */
static void put_lines(fl_buf *b, const char *prefix, const char *lines)
{
	for (const char *p = lines ? lines : ""; *p;) {
		size_t n = strcspn(p, "\n");
		fl_buf_printf(b, "%s%.*s\n", prefix, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* The dialect parts that are not NULL, in fl_dialect_id order, upgrade
 * before downgrade. */
static void put_parts(fl_buf *b, const fl_revision_part *parts)
{
	for (int d = 0; d < FL_DIALECT__MAX; d++) {
		const char *name = fl_dialect_id_name((fl_dialect_id)d);
		if (parts[d].upgrade)
			fl_buf_printf(b, "-- upgrade: %s\n%s", name, parts[d].upgrade);
		if (parts[d].downgrade)
			fl_buf_printf(b, "-- downgrade: %s\n%s", name, parts[d].downgrade);
	}
}

static const char *file_text(fl_arena *a, const char *id, const char *parent, const char *message,
	const fl_revision_body *body)
{
	fl_buf b;
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	fl_buf_init(&b, a);
	fl_buf_printf(&b, "-- revision: %s\n-- down_revision: %s\n-- message: %s\n-- date: %s\n",
		id, parent ? parent : "<base>", message, date);
	if (body->foreign_keys_off)
		fl_buf_puts(&b, "-- foreign_keys: off\n");
	fl_buf_puts(&b, "-- upgrade\n");
	put_lines(&b, "-- ", body->comment);
	put_lines(&b, "-- WARNING: ", body->warnings);
	fl_buf_puts(&b, body->upgrade ? body->upgrade : "");
	fl_buf_puts(&b, "-- downgrade\n");
	fl_buf_puts(&b, body->downgrade ? body->downgrade : "");
	put_parts(&b, body->parts);
	return fl_buf_cstr(&b);
}

fl_err fl_revision_write(fl_migrations *m, const char *message, const fl_revision_body *body,
	char **path_out)
{
	fl_arena *a = m->arena;
	char id[13];
	*path_out = NULL;
	fl_err err = new_id(m, id);
	if (err)
		return err;
	const char *msg = one_line(a, message);
	const char *text = file_text(a, id, fl_migrations_head(m), msg, body);
	fl_revision check;
	const char *why;
	if (fl_revision_parse(a, "(generated)", text, strlen(text), &check, &why))
		return failf(m, FL_EMIGRATE, "generated an unreadable revision: %s", why);
	const char *s = slug(a, msg);
	char *path = fl_arena_printf(a, "%s/%s%s%s.sql", m->dir, id, *s ? "_" : "", s);
	fl_err e = fl_write_file(AT_FDCWD, path, text, strlen(text), 0644,
		FL_WRITE_NOREPLACE | FL_WRITE_SYNC);
	if (e)   /* FL_WRITE_NOREPLACE: never replace an existing revision */
		return failf(m, FL_EIO, "cannot write %s: %s", path,
			e == FL_EEXISTS ? "it exists already" : strerror(errno));
	*path_out = path;
	return FL_OK;
}

fl_err fl_migrate_revision(fl_migrations *m, const char *message, char **path_out)
{
	const fl_revision_body empty = {
		.comment = "Written by ./manage db revision: put the SQL of this revision under\n"
			"-- upgrade and the SQL that undoes it under -- downgrade, each statement\n"
			"ending with ';'.  Add \"-- foreign_keys: off\" to the header before\n"
			"rebuilding a table (see the migrations folder's README).",
	};
	return fl_revision_write(m, message, &empty, path_out);
}

fl_err fl_migrate_show(fl_migrations *m, const char *target, fl_buf *out)
{
	const fl_revision *r = NULL;
	size_t at = 0;
	if (!target || !*target)
		return failf(m, FL_EMIGRATE, "show needs a revision");
	if (strcmp(target, "head") == 0 || strcmp(target, "heads") == 0) {
		if (!m->n)
			return failf(m, FL_EMIGRATE, "no revisions: %s is empty", m->dir);
		at = m->n - 1;
		r = m->chain[at];
	}
	size_t len = strlen(target);
	for (size_t i = 0; !r && i < m->n; i++) {
		if (strncmp(m->chain[i]->id, target, len) != 0)
			continue;
		if (strcmp(m->chain[i]->id, target) != 0)
			for (size_t j = i + 1; j < m->n; j++)
				if (strncmp(m->chain[j]->id, target, len) == 0)
					return failf(m, FL_EMIGRATE, "revision prefix '%s' is ambiguous", target);
		at = i;
		r = m->chain[i];
	}
	if (!r)
		return failf(m, FL_EMIGRATE, "can't locate revision identified by '%s'", target);
	/* Alembic's Script.log_entry, the docstring being its template's */
	fl_buf_printf(out, "Rev: %s%s\nParent: %s\nPath: %s\n\n", r->id,
		at == m->n - 1 ? " (head)" : "", r->down_revision ? r->down_revision : "<base>",
		r->path);
	fl_buf_printf(out, "    %s\n    \n    Revision ID: %s\n    Revises: %s\n    Create Date: %s\n\n",
		r->message, r->id, r->down_revision ? r->down_revision : "", r->date);
	fl_buf_printf(out, "-- upgrade\n%s-- downgrade\n%s", r->upgrade, r->downgrade);
	put_parts(out, r->parts);
	return FL_OK;
}
