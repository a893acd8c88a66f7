/* dotenv.c — python-dotenv's .env syntax and Flask's load_dotenv (see
 * dotenv.h).  Each read_* below is one regular expression of python-dotenv's
 * parser.py, named after it, reading at the cursor or failing. */
#include "base/dotenv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
	const char *s;
	size_t len, pos;
	int line;
} reader;

/* Python's \s on ASCII (str.isspace: also the separators 0x1c-0x1f). */
static int is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* [^\S\r\n]: whitespace but a line break. */
static int is_hspace(unsigned char c)
{
	return is_ws(c) && c != '\r' && c != '\n';
}

static int peek(const reader *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

/* Move the cursor to `to`, counting line breaks (\r\n, \n, \r). */
static void advance(reader *r, size_t to)
{
	for (; r->pos < to; r->pos++)
		if (r->s[r->pos] == '\n' || (r->s[r->pos] == '\r' &&
		    (r->pos + 1 >= r->len || r->s[r->pos + 1] != '\n')))
			r->line++;
}

static void skip_while(reader *r, int (*keep)(unsigned char))
{
	size_t p = r->pos;
	while (p < r->len && keep((unsigned char)r->s[p]))
		p++;
	advance(r, p);
}

/* _rest_of_line: [^\r\n]*(?:\r|\n|\r\n)? */
static void read_rest_of_line(reader *r)
{
	size_t p = r->pos;
	while (p < r->len && r->s[p] != '\r' && r->s[p] != '\n')
		p++;
	if (p < r->len)
		p++;
	advance(r, p);
}

/* _export: (?:export[^\S\r\n]+)? */
static void read_export(reader *r)
{
	if (r->len - r->pos > 6 && !memcmp(r->s + r->pos, "export", 6) &&
	    is_hspace((unsigned char)r->s[r->pos + 6])) {
		advance(r, r->pos + 6);
		skip_while(r, is_hspace);
	}
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* python-dotenv's decode_escapes: each backslash followed by one of
 * `set` is replaced by what it stands for; other backslashes stay.  In
 * place (the result is never longer). */
static void decode_escapes(char *v, const char *set)
{
	static const char from[] = "abfnrtv", to[] = "\a\b\f\n\r\t\v";
	char *o = v;
	for (const char *p = v; *p; p++) {
		if (*p == '\\' && p[1] && strchr(set, p[1])) {
			const char *k = strchr(from, p[1]);
			*o++ = k ? to[k - from] : p[1];
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* _single_quoted_value / _double_quoted_value: q((?:\\q|[^q])*)q, with the
 * regular expression's backtracking: the value ends at the first quote
 * not escaped, or else at the quote of the last \q.  The value (raw) is
 * returned; NULL when there is no closing quote (*oom set on ENOMEM). */
static char *read_quoted(reader *r, char q, int *oom)
{
	size_t start = r->pos + 1, i = start, close = (size_t)-1, last_esc = (size_t)-1;
	while (i < r->len) {
		if (r->s[i] == '\\' && i + 1 < r->len && r->s[i + 1] == q) {
			last_esc = i + 1;
			i += 2;
		} else if (r->s[i] == q) {
			close = i;
			break;
		} else {
			i++;
		}
	}
	if (close == (size_t)-1)
		close = last_esc;
	if (close == (size_t)-1)
		return NULL;
	char *v = dup_range(r->s + start, close - start);
	if (!v)
		*oom = 1;
	else
		advance(r, close + 1);
	return v;
}

/* _unquoted_value, then re.sub(r"\s+#.*", "", part).rstrip() */
static char *read_unquoted(reader *r)
{
	size_t start = r->pos, end = r->pos;
	while (end < r->len && r->s[end] != '\r' && r->s[end] != '\n')
		end++;
	advance(r, end);
	for (size_t i = start; i < end; i++) {
		if (!is_ws((unsigned char)r->s[i]))
			continue;
		size_t j = i;
		while (j < end && is_ws((unsigned char)r->s[j]))
			j++;
		if (j < end && r->s[j] == '#') {
			end = i;
			break;
		}
		i = j - 1;
	}
	while (end > start && is_ws((unsigned char)r->s[end - 1]))
		end--;
	return dup_range(r->s + start, end - start);
}

enum { BIND_NONE, BIND_OK, BIND_ERROR, BIND_NOMEM };

/* parse_binding: one statement at the cursor into *pair. */
static int parse_binding(reader *r, fl_dotenv_pair *pair)
{
	int oom = 0;
	skip_while(r, is_ws);
	if (r->pos >= r->len)
		return BIND_NONE;
	pair->line = r->line;
	pair->key = pair->value = NULL;
	read_export(r);
	/* parse_key */
	int c = peek(r);
	if (c == '\'') {
		const char *q = memchr(r->s + r->pos + 1, '\'', r->len - r->pos - 1);
		if (!q || q == r->s + r->pos + 1)
			goto error;
		pair->key = dup_range(r->s + r->pos + 1, (size_t)(q - r->s) - r->pos - 1);
		if (!pair->key)
			return BIND_NOMEM;
		advance(r, (size_t)(q - r->s) + 1);
	} else if (c != '#') {
		size_t p = r->pos;
		while (p < r->len && r->s[p] != '=' && r->s[p] != '#' && !is_ws((unsigned char)r->s[p]))
			p++;
		if (p == r->pos)
			goto error;
		pair->key = dup_range(r->s + r->pos, p - r->pos);
		if (!pair->key)
			return BIND_NOMEM;
		advance(r, p);
	}
	skip_while(r, is_hspace);
	if (peek(r) == '=') {
		advance(r, r->pos + 1);
		skip_while(r, is_hspace);
		c = peek(r);
		if (c == '\'' || c == '"') {
			pair->value = read_quoted(r, (char)c, &oom);
			if (!pair->value && !oom)
				goto error;
			if (pair->value)
				decode_escapes(pair->value, c == '\'' ? "\\'" : "\\'\"abfnrtv");
		} else if (c == -1 || c == '\n' || c == '\r') {
			pair->value = strdup("");
			oom = !pair->value;
		} else {
			pair->value = read_unquoted(r);
			oom = !pair->value;
		}
		if (oom) {
			free(pair->key);
			return BIND_NOMEM;
		}
	}
	/* _comment, then _end_of_line */
	size_t p = r->pos;
	while (p < r->len && is_hspace((unsigned char)r->s[p]))
		p++;
	if (p < r->len && r->s[p] == '#') {
		while (p < r->len && r->s[p] != '\r' && r->s[p] != '\n')
			p++;
		advance(r, p);
	}
	skip_while(r, is_hspace);
	if (r->pos < r->len) {
		if (r->s[r->pos] != '\r' && r->s[r->pos] != '\n')
			goto error;
		advance(r, r->pos + (r->s[r->pos] == '\r' && r->pos + 1 < r->len &&
			r->s[r->pos + 1] == '\n' ? 2 : 1));
	}
	return pair->key ? BIND_OK : BIND_NONE;
error:
	free(pair->key);
	free(pair->value);
	pair->key = pair->value = NULL;
	read_rest_of_line(r);
	return BIND_ERROR;
}

void fl_dotenv_free(fl_dotenv *d)
{
	for (size_t i = 0; i < d->len; i++) {
		free(d->pairs[i].key);
		free(d->pairs[i].value);
	}
	free(d->pairs);
	memset(d, 0, sizeof *d);
}

fl_err fl_dotenv_parse(const char *text, size_t len, const char *filename, FILE *warn,
	fl_dotenv *out)
{
	reader r = { .s = text, .len = len, .line = 1 };
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	while (r.pos < r.len) {
		fl_dotenv_pair pair;
		int line = r.line;
		size_t from = r.pos;
		int got = parse_binding(&r, &pair);
		if (got == BIND_OK && memchr(text + from, '\0', r.pos - from)) {
			/* No environment variable can hold a NUL byte. */
			free(pair.key);
			free(pair.value);
			pair.line = 0;
			got = BIND_ERROR;
		}
		if (got == BIND_NOMEM)
			goto nomem;
		if (got == BIND_ERROR) {
			out->errors++;
			if (warn)
				fprintf(warn, "%s:%d: could not parse statement (python-dotenv syntax: "
					"KEY=VALUE)\n", filename ? filename : ".env",
					pair.line ? pair.line : line);
			continue;
		}
		if (got != BIND_OK)
			continue;
		if (out->len == cap) {
			cap = cap ? 2 * cap : 16;
			fl_dotenv_pair *grown = realloc(out->pairs, cap * sizeof *grown);
			if (!grown) {
				free(pair.key);
				free(pair.value);
				goto nomem;
			}
			out->pairs = grown;
		}
		out->pairs[out->len++] = pair;
	}
	return FL_OK;
nomem:
	fl_dotenv_free(out);
	return FL_ENOMEM;
}

/* The value of `name` (n bytes) among the pairs before `upto`: found (1,
 * *value NULL for a key without one) or not (0). */
static int earlier(const fl_dotenv *d, size_t upto, const char *name, size_t n,
	const char **value)
{
	for (size_t i = upto; i-- > 0;)
		if (strlen(d->pairs[i].key) == n && !memcmp(d->pairs[i].key, name, n)) {
			*value = d->pairs[i].value;
			return 1;
		}
	return 0;
}

/* python-dotenv's Variable.resolve for pair `at`. */
static const char *resolve(const fl_dotenv *d, size_t at, const char *name, size_t n,
	const char *def, size_t defn, int override, size_t *outn)
{
	char key[256];
	const char *v = NULL, *env = NULL;
	int known = earlier(d, at, name, n, &v);
	if (n < sizeof key && !memchr(name, '\0', n)) {
		memcpy(key, name, n);
		key[n] = '\0';
		env = getenv(key);
	}
	if (env && (!override || !known))
		v = env;
	else if (!known) {
		*outn = defn;
		return def;
	}
	*outn = v ? strlen(v) : 0;
	return v ? v : "";
}

static fl_err expand(fl_dotenv *d, size_t at, int override)
{
	const char *s = d->pairs[at].value;
	size_t cap = strlen(s) + 1, n = 0;
	char *o = malloc(cap);
	if (!o)
		return FL_ENOMEM;
	for (size_t i = 0; s[i];) {
		const char *piece = s + i;
		size_t len = 1, used = 1;
		if (s[i] == '$' && s[i + 1] == '{') {
			/* \$\{(?P<name>[^\}:]*)(?::-(?P<default>[^\}]*))?\} */
			size_t nm = i + 2, e = nm;
			while (s[e] && s[e] != '}' && s[e] != ':')
				e++;
			size_t df = 0, dfe = 0;
			if (s[e] == ':' && s[e + 1] == '-') {
				df = dfe = e + 2;
				while (s[dfe] && s[dfe] != '}')
					dfe++;
			}
			size_t close = df ? dfe : e;
			if (s[close] == '}') {
				piece = resolve(d, at, s + nm, e - nm, df ? s + df : "", df ? dfe - df : 0,
					override, &len);
				used = close + 1 - i;
			}
		}
		if (n + len + 1 > cap) {
			cap = 2 * (n + len + 1);
			char *g = realloc(o, cap);
			if (!g) {
				free(o);
				return FL_ENOMEM;
			}
			o = g;
		}
		memcpy(o + n, piece, len);
		n += len;
		i += used;
	}
	o[n] = '\0';
	free(d->pairs[at].value);
	d->pairs[at].value = o;
	return FL_OK;
}

fl_err fl_dotenv_interpolate(fl_dotenv *d, int override)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->pairs[i].value && expand(d, i, override))
			return FL_ENOMEM;
	return FL_OK;
}

int fl_dotenv_load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[8192];
	size_t got;
	int rc = mem ? 1 : -1;
	while (mem && (got = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, got, mem) != got)
			rc = -1;
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (mem)
		fclose(mem);
	fl_dotenv d;
	if (rc == 1 && (fl_dotenv_parse(text, len, path, stderr, &d) ||
	    (fl_dotenv_interpolate(&d, 0) && (fl_dotenv_free(&d), 1))))
		rc = -1;
	free(text);
	if (rc != 1) {
		fprintf(stderr, "%s: cannot be read\n", path);
		return -1;
	}
	for (size_t i = 0; i < d.len; i++)
		if (d.pairs[i].value)
			setenv(d.pairs[i].key, d.pairs[i].value, 0);
	fl_dotenv_free(&d);
	return 1;
}

static int env_true(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

int fl_dotenv_load(const char *root)
{
	if (!root || env_true("FLAGON_SKIP_DOTENV"))
		return 0;
	const char *cfg = getenv("APP_CONFIG");
	if (cfg && !strcmp(cfg, "production") && !env_true("FLAGON_LOAD_DOTENV"))
		return 0;
	static const char *const files[] = { ".env", ".flagonenv" };
	int n = 0;
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(root) + strlen(files[i]) + 2;
		char *path = malloc(len);
		if (!path)
			return n;
		snprintf(path, len, "%s/%s", root, files[i]);
		n += fl_dotenv_load_file(path) == 1;
		free(path);
	}
	return n;
}
