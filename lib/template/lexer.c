/* lexer.c — template source → tokens (jinja2/lexer.py).
 *
 * Data runs until "{{", "{%" or "{#".  A "-" right after an opening
 * delimiter strips the whitespace before it; a "-" right before a closing
 * delimiter strips the whitespace after it.  Inside a tag, a closing "}}" or
 * "%}" only counts when every bracket is closed, so dict literals work. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template/internal.h"

struct lexer {
	const char *file;
	const char *src;
	size_t len, pos;
	size_t lpos;        /* position line/col were computed for */
	int line, col;
	fl_arena *a;        /* the tokens' strings */
	fl_arena *scratch;  /* the token vector */
	tpl_toks *toks;
	int lstrip_next;    /* the last tag ended in "-": strip leading space */
	fl_tpl_error *err;
};

static void where(struct lexer *lx, size_t pos, int *line, int *col)
{
	/* Positions only move forward except inside one tag, so restart from
	 * the beginning when asked about an earlier one. */
	if (pos < lx->lpos) {
		lx->lpos = 0;
		lx->line = lx->col = 1;
	}
	for (; lx->lpos < pos; lx->lpos++) {
		if (lx->src[lx->lpos] == '\n') {
			lx->line++;
			lx->col = 1;
		} else if (((unsigned char)lx->src[lx->lpos] & 0xC0) != 0x80) {
			lx->col++;
		}
	}
	*line = lx->line;
	*col = lx->col;
}

static fl_err lex_fail(struct lexer *lx, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fl_err lex_fail(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;
	fl_tpl_error *e = lx->err;
	if (e) {
		snprintf(e->file, sizeof e->file, "%s", lx->file);
		where(lx, pos, &e->line, &e->column);
		va_start(ap, fmt);
		vsnprintf(e->message, sizeof e->message, fmt, ap);
		va_end(ap);
	}
	return FL_ETEMPLATE;
}

static struct tok *push(struct lexer *lx, enum tok_type type, size_t pos)
{
	struct tok *t = fl_vec_push(lx->scratch, lx->toks);
	memset(t, 0, sizeof *t);
	t->type = type;
	where(lx, pos, &t->line, &t->col);
	return t;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Emit src[start, end) as data, honouring a pending "-%}" strip. */
static void emit_data(struct lexer *lx, size_t start, size_t end, int rstrip)
{
	if (lx->lstrip_next)
		while (start < end && is_ws(lx->src[start]))
			start++;
	lx->lstrip_next = 0;
	if (rstrip)
		while (end > start && is_ws(lx->src[end - 1]))
			end--;
	if (end == start)
		return;
	struct tok *t = push(lx, T_DATA, start);
	t->s = lx->src + start;
	t->len = end - start;
}

/* Decode a quoted string starting at lx->pos (the quote). */
static fl_err lex_string(struct lexer *lx)
{
	size_t start = lx->pos;
	char q = lx->src[lx->pos++];
	fl_buf b;
	fl_buf_init(&b, lx->a);
	while (lx->pos < lx->len && lx->src[lx->pos] != q) {
		char c = lx->src[lx->pos++];
		if (c != '\\') {
			fl_buf_putc(&b, c);
			continue;
		}
		if (lx->pos >= lx->len)
			break;
		c = lx->src[lx->pos++];
		switch (c) {
		case 'n': fl_buf_putc(&b, '\n'); break;
		case 't': fl_buf_putc(&b, '\t'); break;
		case 'r': fl_buf_putc(&b, '\r'); break;
		case '0': fl_buf_putc(&b, '\0'); break;
		case '\\': case '\'': case '"': fl_buf_putc(&b, c); break;
		case '\n': break;  /* line continuation */
		case 'x': case 'u': case 'U': {
			int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
			unsigned long cp = 0;
			for (int i = 0; i < digits; i++) {
				if (lx->pos >= lx->len || !isxdigit((unsigned char)lx->src[lx->pos]))
					return lex_fail(lx, start, "invalid \\%c escape in string", c);
				char h = lx->src[lx->pos++];
				cp = cp * 16 + (unsigned long)(isdigit((unsigned char)h) ? h - '0'
							       : (tolower((unsigned char)h) - 'a' + 10));
			}
			if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
				return lex_fail(lx, start, "invalid code point in string");
			char u[4];
			fl_buf_append(&b, u, fl_utf8_encode((uint32_t)cp, u));
			break;
		}
		default:
			/* Python keeps unknown escapes verbatim. */
			fl_buf_putc(&b, '\\');
			fl_buf_putc(&b, c);
		}
	}
	if (lx->pos >= lx->len)
		return lex_fail(lx, start, "unexpected end of string");
	lx->pos++;
	struct tok *t = push(lx, T_STRING, start);
	t->s = b.data ? b.data : "";
	t->len = b.len;
	return FL_OK;
}

/* Digits with Python's optional single underscores between them. */
static size_t digits(const char *s, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && (isdigit((unsigned char)s[j]) ||
			 (s[j] == '_' && j > i && j + 1 < n && isdigit((unsigned char)s[j + 1]))))
		j++;
	return j;
}

static void lex_number(struct lexer *lx)
{
	const char *s = lx->src;
	size_t start = lx->pos, j = digits(s, start, lx->len);
	int isfloat = 0;
	if (j + 1 < lx->len && s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
		j = digits(s, j + 1, lx->len);
		isfloat = 1;
	}
	if (j < lx->len && (s[j] == 'e' || s[j] == 'E')) {
		size_t k = j + 1;
		if (k < lx->len && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < lx->len && isdigit((unsigned char)s[k])) {
			j = digits(s, k, lx->len);
			isfloat = 1;
		}
	}
	char tmp[128];
	size_t m = 0;
	for (size_t i = start; i < j && m + 1 < sizeof tmp; i++)
		if (s[i] != '_')
			tmp[m++] = s[i];
	tmp[m] = '\0';
	struct tok *t = push(lx, isfloat ? T_FLOAT : T_INT, start);
	if (!isfloat) {
		errno = 0;
		t->ival = strtoll(tmp, NULL, 10);
		if (errno == ERANGE) {
			/* No big integers: fall back to a float like JSON parsers do. */
			t->type = T_FLOAT;
			t->fval = strtod(tmp, NULL);
		}
	} else {
		t->fval = strtod(tmp, NULL);
	}
	lx->pos = j;
}

static const char *const ops2[] = {"//", "**", "==", "!=", "<=", ">=", NULL};
static const char ops1[] = "+-*/%~<>=()[]{},.:|;";

/* Lex the inside of a tag up to its closer ("}}" or "%}").  Returns with
 * lx->pos after the closer. */
static fl_err lex_tag(struct lexer *lx, char closer, enum tok_type endtype)
{
	char stack[TPL_MAX_PARSE_DEPTH];
	int depth = 0;
	const char *s = lx->src;
	for (;;) {
		while (lx->pos < lx->len && is_ws(s[lx->pos]))
			lx->pos++;
		size_t p = lx->pos;
		if (p >= lx->len) {
			push(lx, T_EOF, p);
			return FL_OK;
		}
		if (depth == 0) {
			int strip = s[p] == '-' && p + 2 < lx->len + 0 && s[p + 1] == closer && s[p + 2] == '}';
			if (strip || (s[p] == closer && p + 1 < lx->len && s[p + 1] == '}')) {
				push(lx, endtype, p);
				lx->pos = p + (strip ? 3 : 2);
				lx->lstrip_next = strip;
				return FL_OK;
			}
		}
		char c = s[p];
		if (c == '"' || c == '\'') {
			fl_err e = lex_string(lx);
			if (e)
				return e;
			continue;
		}
		if (isdigit((unsigned char)c)) {
			lex_number(lx);
			continue;
		}
		if (isalpha((unsigned char)c) || c == '_') {
			size_t j = p;
			while (j < lx->len && (isalnum((unsigned char)s[j]) || s[j] == '_'))
				j++;
			struct tok *t = push(lx, T_NAME, p);
			t->s = fl_arena_strndup(lx->a, s + p, j - p);
			t->len = j - p;
			lx->pos = j;
			continue;
		}
		size_t oplen = 0;
		for (int i = 0; ops2[i]; i++)
			if (p + 1 < lx->len && s[p] == ops2[i][0] && s[p + 1] == ops2[i][1])
				oplen = 2;
		if (!oplen && c && strchr(ops1, c))
			oplen = 1;
		if (!oplen)
			return lex_fail(lx, p, "unexpected char '%c'", c);
		if (oplen == 1 && (c == '(' || c == '[' || c == '{')) {
			if (depth == (int)sizeof stack)
				return lex_fail(lx, p, "brackets nested too deeply");
			stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
		} else if (oplen == 1 && (c == ')' || c == ']' || c == '}')) {
			if (depth == 0)
				return lex_fail(lx, p, "unexpected '%c'", c);
			if (stack[depth - 1] != c)
				return lex_fail(lx, p, "unexpected '%c', expected '%c'", c, stack[depth - 1]);
			depth--;
		}
		struct tok *t = push(lx, T_OP, p);
		t->s = fl_arena_strndup(lx->a, s + p, oplen);
		t->len = oplen;
		lx->pos = p + oplen;
	}
}

/* "{% raw %}" at `p` (the "{%")?  Sets *after to just past its "%}". */
static int at_tag_word(const char *s, size_t n, size_t p, const char *word, size_t *after, int *rstrip, int *lstrip)
{
	size_t i = p + 2, wl = strlen(word);
	*rstrip = i < n && s[i] == '-';
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && is_ws(s[i]))
		i++;
	if (n - i < wl || memcmp(s + i, word, wl) != 0)
		return 0;
	i += wl;
	while (i < n && is_ws(s[i]))
		i++;
	*lstrip = i < n && s[i] == '-';
	if (*lstrip)
		i++;
	if (i + 1 < n && s[i] == '%' && s[i + 1] == '}') {
		*after = i + 2;
		return 1;
	}
	return 0;
}

static fl_err lex_raw(struct lexer *lx, size_t open, size_t body)
{
	const char *s = lx->src;
	for (size_t p = body; p + 1 < lx->len; p++) {
		size_t after;
		int rs, ls;
		if (s[p] == '{' && s[p + 1] == '%' && at_tag_word(s, lx->len, p, "endraw", &after, &rs, &ls)) {
			emit_data(lx, body, p, rs);
			lx->lstrip_next = ls;
			lx->pos = after;
			return FL_OK;
		}
	}
	return lex_fail(lx, open, "unexpected end of template, expected 'endraw'");
}

fl_err tpl_lex(const char *file, const char *src, size_t len, fl_arena *a,
	       fl_arena *scratch, tpl_toks *toks, fl_tpl_error *err)
{
	struct lexer lx = {.file = file, .src = src, .len = len, .line = 1, .col = 1,
			   .a = a, .scratch = scratch, .toks = toks, .err = err};
	fl_err e = FL_OK;
	while (lx.pos < len && !e) {
		const char *s = src;
		size_t p = lx.pos;
		while (p + 1 < len && !(s[p] == '{' && (s[p + 1] == '{' || s[p + 1] == '%' || s[p + 1] == '#')))
			p++;
		if (p + 1 >= len) {
			emit_data(&lx, lx.pos, len, 0);
			lx.pos = len;
			break;
		}
		char kind = s[p + 1];
		int rstrip = p + 2 < len && s[p + 2] == '-';
		size_t after;
		int rs, ls;
		if (kind == '%' && at_tag_word(s, len, p, "raw", &after, &rs, &ls)) {
			emit_data(&lx, lx.pos, p, rs);
			lx.lstrip_next = ls;
			e = lex_raw(&lx, p, after);
			continue;
		}
		emit_data(&lx, lx.pos, p, rstrip);
		size_t q = p + 2 + (size_t)(rstrip || (p + 2 < len && s[p + 2] == '+'));
		if (kind == '#') {
			size_t k = q;
			while (k + 1 < len && !(s[k] == '#' && s[k + 1] == '}'))
				k++;
			if (k + 1 >= len) {
				e = lex_fail(&lx, p, "missing end of comment tag");
				break;
			}
			lx.lstrip_next = k > q && s[k - 1] == '-';
			lx.pos = k + 2;
			continue;
		}
		push(&lx, kind == '{' ? T_VAR_BEGIN : T_BLOCK_BEGIN, p);
		lx.pos = q;
		e = lex_tag(&lx, kind == '{' ? '}' : '%', kind == '{' ? T_VAR_END : T_BLOCK_END);
	}
	if (!e)
		push(&lx, T_EOF, len);
	if (e)
		fl_vec_clear(toks);
	return e;
}
