/* split.c — find where one SQL statement of a revision ends, in the
 * quoting of the dialect it runs on.  See fl_sql_statement_end in
 * migrate.h. */
#include "data/migrate/migrate.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* After the opening quote at s[0]: the character after the closing one
 * (a doubled quote stands for itself; with `backslash`, '\' escapes the
 * next character), or NULL when the text ends first. */
static const char *skip_quoted(const char *s, bool backslash)
{
	char q = *s++;
	for (; *s; s++) {
		if (backslash && *s == '\\' && s[1])
			s++;
		else if (*s == q && s[1] == q)
			s++;
		else if (*s == q)
			return s + 1;
	}
	return NULL;
}

/* PostgreSQL's dollar quote starting at s[0] == '$': its closing tag's
 * end, `s` itself when s is no opening tag ($1, a$b), NULL when the body
 * runs to the end of the text. */
static const char *skip_dollar(const char *s)
{
	size_t n = 1;
	if (s[1] >= '0' && s[1] <= '9')
		return s;
	while (s[n] && s[n] != '$' && ident_char(s[n]))
		n++;
	if (s[n] != '$')
		return s;
	n++;                              /* the tag, "$" ... "$", is n bytes */
	for (const char *p = s + n; (p = strchr(p, '$')); p++)
		if (strncmp(p, s, n) == 0)
			return p + n;
	return NULL;
}

/* "/ *" comments: PostgreSQL's nest, MySQL's do not.  NULL: unclosed. */
static const char *skip_block_comment(const char *s, bool nested)
{
	int depth = 1;
	for (s += 2; *s; s++) {
		if (nested && s[0] == '/' && s[1] == '*') {
			depth++;
			s++;
		} else if (s[0] == '*' && s[1] == '/') {
			s++;
			if (--depth == 0)
				return s + 1;
		}
	}
	return NULL;
}

/* Is s[0] the start of a line comment?  MySQL wants "-- " followed by a
 * blank or control character ("1--1" is arithmetic there) and also takes
 * '#'. */
static bool line_comment(const char *s, fl_dialect_id d)
{
	if (d == FL_DIALECT_MYSQL)
		return *s == '#' || (s[0] == '-' && s[1] == '-' && (unsigned char)s[2] <= ' ');
	return s[0] == '-' && s[1] == '-';
}

/* SQLite: the text up to a ';' that sqlite3_complete() calls complete
 * (strings, comments and CREATE TRIGGER ... BEGIN ... END; bodies). */
static const char *sqlite_end(fl_arena *a, const char *sql)
{
	for (const char *p = sql; (p = strchr(p, ';')); p++) {
		char *stmt = fl_arena_strndup(a, sql, (size_t)(p + 1 - sql));
		if (sqlite3_complete(stmt))
			return p + 1;
	}
	return NULL;
}

const char *fl_sql_statement_end(fl_arena *a, const char *sql, fl_dialect_id dialect,
	bool backslash_escapes)
{
	if (dialect == FL_DIALECT_SQLITE)
		return sqlite_end(a, sql);
	bool pg = dialect == FL_DIALECT_POSTGRESQL;
	for (const char *p = sql; p && *p;) {
		char c = *p;
		bool word_start = p == sql || !ident_char(p[-1]);
		if (c == ';')
			return p + 1;
		if (line_comment(p, dialect))
			p += strcspn(p, "\n");
		else if (c == '/' && p[1] == '*')
			p = skip_block_comment(p, pg);
		else if (c == '\'')
			p = skip_quoted(p, !pg && backslash_escapes);
		else if (pg && (c == 'E' || c == 'e') && p[1] == '\'' && word_start)
			p = skip_quoted(p + 1, true);
		else if (c == '"' || (!pg && c == '`'))
			p = skip_quoted(p, false);
		else if (pg && c == '$' && word_start) {
			const char *q = skip_dollar(p);
			p = q == p ? p + 1 : q;
		} else
			p++;
	}
	return NULL;
}

bool fl_sql_has_statement(const char *sql, fl_dialect_id dialect)
{
	for (const char *s = sql; *s;) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';')
			s++;
		else if (line_comment(s, dialect == FL_DIALECT_SQLITE ? FL_DIALECT_POSTGRESQL : dialect))
			s += strcspn(s, "\n");
		else if (s[0] == '/' && s[1] == '*') {
			s = skip_block_comment(s, dialect == FL_DIALECT_POSTGRESQL);
			if (!s)
				return false;
		} else
			return true;
	}
	return false;
}
