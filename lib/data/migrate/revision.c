/* revision.c — parse one revision file.  See migrate.h.
 *
 * The parser is strict on purpose: a typo in a header ("down-revision")
 * must not silently turn a revision into a second base. */
#include "data/migrate/migrate.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"

enum section { HEADER, UPGRADE, DOWNGRADE, PART };

/* Sections: 0 upgrade, 1 downgrade, then 2 + 2 * dialect + (downgrade). */
#define NSECTIONS (2 + 2 * FL_DIALECT__MAX)

struct parser {
	fl_arena *arena;
	const char *path;
	fl_revision *rev;
	fl_buf sql[NSECTIONS];
	int sql_line[NSECTIONS];  /* line of the section's marker; 0: not given */
	enum section section;
	int at;               /* the section SQL lines go to */
	int line;
	int fk_line;          /* line of the "-- foreign_keys:" header */
	const char *fk;       /* its value, checked by check_headers */
	const char *error;
};

static fl_err failf(struct parser *p, int line, const char *reason)
{
	p->error = fl_arena_printf(p->arena, "%s:%d: %s", p->path, line, reason);
	return FL_EMIGRATE;
}

/* NUL bytes and invalid UTF-8 are refused with the line they are on. */
static fl_err check_bytes(struct parser *p, const char *text, size_t len)
{
	int line = 1;
	for (size_t i = 0; i < len;) {
		if (text[i] == '\0')
			return failf(p, line, "NUL byte in file");
		size_t n = fl_utf8_decode(text + i, len - i, NULL);
		if (!n)
			return failf(p, line, "file is not valid UTF-8");
		line += text[i] == '\n';
		i += n;
	}
	return FL_OK;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FL_REVISION_MAX)
		return false;
	return strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") == n;
}

/* Header value: "-- key: value" → the slot for key, or NULL if unknown. */
static const char **header_slot(struct parser *p, const char *key, size_t n)
{
	fl_revision *r = p->rev;
	static const char *const keys[] = { "revision", "down_revision", "message", "date",
		"foreign_keys" };
	const char **slots[] = { &r->id, &r->down_revision, &r->message, &r->date, &p->fk };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], key, n) == 0)
			return slots[i];
	return NULL;
}

static fl_err header_line(struct parser *p, const char *s, size_t n)
{
	if (n < 3 || memcmp(s, "-- ", 3) != 0)
		return failf(p, p->line, "expected a '-- key: value' header line or '-- upgrade'");
	const char *key = s + 3, *end = s + n;
	const char *colon = memchr(key, ':', (size_t)(end - key));
	const char **slot = colon ? header_slot(p, key, (size_t)(colon - key)) : NULL;
	if (!slot)
		return failf(p, p->line, "unknown header; expected revision, down_revision, message, "
			"date or foreign_keys");
	if (*slot)
		return failf(p, p->line, "header given twice");
	const char *v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	*slot = fl_arena_strndup(p->arena, v, (size_t)(end - v));
	if (slot == &p->fk)
		p->fk_line = p->line;
	return FL_OK;
}

static bool is_marker(const char *s, size_t n, const char *marker)
{
	return n == strlen(marker) && memcmp(s, marker, n) == 0;
}

fl_dialect_id fl_revision_dialect(const char *name)
{
	for (int d = 0; name && d < FL_DIALECT__MAX; d++)
		if (strcmp(name, fl_dialect_id_name((fl_dialect_id)d)) == 0)
			return (fl_dialect_id)d;
	return FL_DIALECT__MAX;
}

const char *fl_revision_sql(const fl_revision *r, const char *dialect, bool up, int *line)
{
	fl_dialect_id d = fl_revision_dialect(dialect);
	const fl_revision_part *p = d < FL_DIALECT__MAX ? &r->parts[d] : NULL;
	const char *sql = p ? (up ? p->upgrade : p->downgrade) : NULL;
	if (line)
		*line = sql ? (up ? p->upgrade_line : p->downgrade_line) :
			(up ? r->upgrade_line : r->downgrade_line);
	if (!sql)
		sql = up ? r->upgrade : r->downgrade;
	return sql;
}

/* "-- upgrade: DIALECT" or "-- downgrade: DIALECT" (`n` bytes): the
 * section it opens, 0 when the line is no such marker, -1 after an error. */
static int dialect_marker(struct parser *p, const char *s, size_t n)
{
	bool up = n >= 11 && memcmp(s, "-- upgrade:", 11) == 0;
	bool down = n >= 13 && memcmp(s, "-- downgrade:", 13) == 0;
	if (!up && !down)
		return 0;
	const char *v = s + (up ? 11 : 13), *end = s + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	const char *name = fl_arena_strndup(p->arena, v, (size_t)(end - v));
	const char *dir = up ? "upgrade" : "downgrade";
	fl_dialect_id d = fl_revision_dialect(name);
	if (d == FL_DIALECT__MAX) {
		failf(p, p->line, fl_arena_printf(p->arena, "unknown dialect '%s' in '-- %s:'; "
			"expected sqlite, mysql or postgresql", name, dir));
		return -1;
	}
	int at = 2 + 2 * (int)d + down;
	if (p->section != DOWNGRADE && p->section != PART) {
		failf(p, p->line, fl_arena_printf(p->arena, "'-- %s: %s' before the plain "
			"'-- upgrade' and '-- downgrade' parts", dir, name));
		return -1;
	}
	if (p->sql_line[at]) {
		failf(p, p->line, fl_arena_printf(p->arena, "'-- %s: %s' given twice (first on "
			"line %d)", dir, name, p->sql_line[at]));
		return -1;
	}
	p->section = PART;
	p->at = at;
	p->sql_line[at] = p->line;
	return 1;
}

/* One line: `n` bytes without trailing blanks (for markers and headers),
 * `raw` bytes without the trailing CR (kept as is in the SQL). */
static fl_err body_line(struct parser *p, const char *s, size_t n, size_t raw)
{
	bool up = is_marker(s, n, "-- upgrade"), down = is_marker(s, n, "-- downgrade");
	if (up && p->section != HEADER)
		return failf(p, p->line, "'-- upgrade' given twice");
	if (down && p->section != UPGRADE)
		return failf(p, p->line, p->section == HEADER ? "'-- downgrade' before '-- upgrade'" :
			"'-- downgrade' given twice");
	if (up || down) {
		p->section = up ? UPGRADE : DOWNGRADE;
		p->at = up ? 0 : 1;
		p->sql_line[p->at] = p->line;
		return FL_OK;
	}
	int part = dialect_marker(p, s, n);
	if (part)
		return part < 0 ? FL_EMIGRATE : FL_OK;
	if (p->section == HEADER)
		return n == 0 ? FL_OK : header_line(p, s, n);
	fl_buf *b = &p->sql[p->at];
	fl_buf_append(b, s, raw);
	fl_buf_putc(b, '\n');
	return FL_OK;
}

/* Is there anything but whitespace and "--" comment lines? */
static bool has_sql(const char *s)
{
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (s[0] == '-' && s[1] == '-')
			s += strcspn(s, "\n");
		else
			return *s != '\0';
	}
	return false;
}

/* Does every statement of a server dialect's part end with ';'? */
static bool complete(fl_arena *a, const char *sql, fl_dialect_id d)
{
	const char *end;
	while ((end = fl_sql_statement_end(a, sql, d, false)))
		sql = end;
	return !fl_sql_has_statement(sql, d);
}

static fl_err check_section(struct parser *p, int i)
{
	const char *sql = fl_buf_cstr(&p->sql[i]);
	const char *name = i % 2 ? "downgrade" : "upgrade";
	const char *dialect = i < 2 ? "" : fl_arena_printf(p->arena, ": %s",
		fl_dialect_id_name((fl_dialect_id)((i - 2) / 2)));
	fl_dialect_id d = i < 2 ? FL_DIALECT_SQLITE : (fl_dialect_id)((i - 2) / 2);
	if (d == FL_DIALECT_SQLITE ? has_sql(sql) && !sqlite3_complete(sql) : !complete(p->arena, sql, d))
		return failf(p, p->sql_line[i], fl_arena_printf(p->arena,
			"the %s%s section does not end with a complete statement (missing ';'?)",
			name, dialect));
	return FL_OK;
}

/* The parsed sections into *out (after success). */
static void fill(struct parser *p, fl_revision *out)
{
	out->upgrade_line = p->sql_line[0] + 1;
	out->downgrade_line = p->sql_line[1] + 1;
	out->upgrade = fl_buf_cstr(&p->sql[0]);
	out->downgrade = fl_buf_cstr(&p->sql[1]);
	for (int d = 0; d < FL_DIALECT__MAX; d++) {
		fl_revision_part *part = &out->parts[d];
		int u = 2 + 2 * d, w = u + 1;
		if (p->sql_line[u]) {
			part->upgrade = fl_buf_cstr(&p->sql[u]);
			part->upgrade_line = p->sql_line[u] + 1;
		}
		if (p->sql_line[w]) {
			part->downgrade = fl_buf_cstr(&p->sql[w]);
			part->downgrade_line = p->sql_line[w] + 1;
		}
	}
}

static fl_err check_headers(struct parser *p)
{
	fl_revision *r = p->rev;
	int at = p->sql_line[0];
	if (!r->id)
		return failf(p, at, "missing '-- revision:' header");
	if (!r->down_revision)
		return failf(p, at, "missing '-- down_revision:' header (use <base> for the first)");
	if (!valid_id(r->id))
		return failf(p, at, "revision id must be 1-32 characters of [0-9A-Za-z_]");
	if (strcmp(r->down_revision, "<base>") == 0)
		r->down_revision = NULL;
	else if (!valid_id(r->down_revision))
		return failf(p, at, "down_revision must be <base> or a revision id");
	else if (strcmp(r->down_revision, r->id) == 0)
		return failf(p, at, "a revision cannot be its own down_revision");
	if (p->fk && strcmp(p->fk, "off") != 0 && strcmp(p->fk, "on") != 0)
		return failf(p, p->fk_line, "foreign_keys must be 'on' or 'off'");
	r->foreign_keys_off = p->fk && strcmp(p->fk, "off") == 0;
	if (!r->message)
		r->message = "";
	if (!r->date)
		r->date = "";
	return FL_OK;
}

static fl_err parse_lines(struct parser *p, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *s = text + i;
		const char *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		i += n + (nl != NULL);
		p->line++;
		size_t raw = n && s[n - 1] == '\r' ? n - 1 : n;
		size_t t = raw;
		while (t && (s[t - 1] == ' ' || s[t - 1] == '\t'))
			t--;
		fl_err err = body_line(p, s, t, raw);
		if (err)
			return err;
	}
	if (p->section == HEADER)
		return failf(p, p->line, "missing '-- upgrade' line");
	if (p->section == UPGRADE)
		return failf(p, p->line, "missing '-- downgrade' line");
	return FL_OK;
}

fl_err fl_revision_parse(fl_arena *a, const char *path, const char *text, size_t len,
	fl_revision *out, const char **error)
{
	struct parser p = { .arena = a, .path = path ? path : "(revision)", .rev = out };
	memset(out, 0, sizeof *out);
	for (int i = 0; i < NSECTIONS; i++)
		fl_buf_init(&p.sql[i], a);
	fl_err err = check_bytes(&p, text, len);
	if (!err)
		err = parse_lines(&p, text, len);
	if (!err)
		err = check_headers(&p);
	for (int i = 0; !err && i < NSECTIONS; i++)
		err = check_section(&p, i);
	if (err) {
		memset(out, 0, sizeof *out);
		*error = p.error;
		return err;
	}
	fill(&p, out);
	out->path = fl_arena_strdup(a, p.path);
	*error = NULL;
	return FL_OK;
}
