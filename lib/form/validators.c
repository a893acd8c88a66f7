/* validators.c — wtforms.validators in C.
 *
 * Each validator follows its WTForms 3.0 class: the same test, the same
 * default message, the same interpolation of custom messages and the same
 * StopValidation behaviour.  Regexp compiles its pattern at validation time
 * (regcomp + regexec + regfree, a few microseconds, only on a submitted
 * form): a per-process cache would be global mutable state, and the pattern
 * always comes from the C source, never from the client.
 */
#include "form/internal.h"
#include "base/utf8.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

static const char MSG_REQUIRED[] = "This field is required.";
static const char MSG_INVALID[] = "Invalid input.";
static const char MSG_EMAIL[] = "Invalid email address.";

/* ---- message interpolation (Python's `message % dict`) ---------------- */

typedef struct interp_arg {
	const char *key;
	const char *value;
} interp_arg;

/* The value for the key of length `n` at `key`, or NULL. */
static const char *interp_lookup(const interp_arg *args, const char *key, size_t n)
{
	for (; args->key; args++)
		if (strlen(args->key) == n && strncmp(args->key, key, n) == 0)
			return args->value;
	return NULL;
}

/* Replace %(key)s / %(key)d with the key's value and %% with %; anything
 * else (an unknown key, a stray %) is copied as it is rather than failing
 * like Python would, so a typo in a message never costs a request. */
static const char *interp(fl_arena *a, const char *msg, const interp_arg *args)
{
	fl_buf b;
	fl_buf_init(&b, a);
	for (const char *p = msg; *p;) {
		if (p[0] == '%' && p[1] == '%') {
			fl_buf_putc(&b, '%');
			p += 2;
			continue;
		}
		const char *close = p[0] == '%' && p[1] == '(' ? strchr(p + 2, ')') : NULL;
		const char *v = close && close[1] && strchr("sdir", close[1]) ?
			interp_lookup(args, p + 2, (size_t)(close - p - 2)) : NULL;
		if (v) {
			fl_buf_puts(&b, v);
			p = close + 2;
		} else {
			fl_buf_putc(&b, *p++);
		}
	}
	return fl_buf_cstr(&b);
}

/* ---- helpers ---------------------------------------------------------- */

/* Python's str() of a bound: "1" for whole numbers, "1.5" otherwise. */
static const char *format_bound(fl_arena *a, int has, double x)
{
	if (!has)
		return "None";
	if (x == floor(x) && fabs(x) < 9e15)
		return fl_arena_printf(a, "%lld", (long long)x);
	return fl_format_float(a, x);
}

/* The field's data as a number; 0 when it is None or not numeric. */
static int field_number(const fl_field *field, double *out)
{
	if (!field->has_data)
		return 0;
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_INTEGER ||
	    ((t == FL_FIELD_SELECT || t == FL_FIELD_RADIO) && field->def->coerce == FL_COERCE_INT)) {
		*out = (double)field->ival;
		return 1;
	}
	if (t == FL_FIELD_FLOAT) {
		*out = field->fval;
		return 1;
	}
	return fl_parse_float(field->data, out);
}

/* ---- e-mail syntax ---------------------------------------------------- */

/* RFC 5322 atext, plus any byte of a UTF-8 sequence (SMTPUTF8 is allowed). */
static int is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c >= 0x80;
}

/* A dot-atom: atoms of atext separated by single dots. */
static int local_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

static int label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_label_char((unsigned char)s[i]))
			return 0;
	return 1;
}

static int domain_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return 0;
	size_t labels = 0, start = 0;
	int last_numeric = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!label_ok(s + start, i - start))
			return 0;
		last_numeric = strspn(s + start, "0123456789") == i - start;
		labels++;
		start = i + 1;
	}
	return labels >= 2 && !last_numeric;
}

int fl_email_is_valid(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	const char *at = strrchr(s, '@');
	if (n > 254 || !at)
		return 0;
	return local_ok(s, (size_t)(at - s)) && domain_ok(at + 1, n - (size_t)(at - s) - 1);
}

/* ---- the validators --------------------------------------------------- */

/* DataRequired / InputRequired: clear earlier errors, stop with the message. */
static fl_vresult required_stop(const fl_validator *v, fl_field *field, const char **message)
{
	fl_strv_clear(&field->errors);
	*message = v->message ? v->message : MSG_REQUIRED;
	return FL_VR_STOP;
}

static fl_vresult v_data_required(const fl_validator *v, fl_field *field, const char **message)
{
	return fl_field_truthy(field) ? FL_VR_PASS : required_stop(v, field, message);
}

static fl_vresult v_input_required(const fl_validator *v, fl_field *field, const char **message)
{
	return field->has_raw && field->raw[0] ? FL_VR_PASS : required_stop(v, field, message);
}

static fl_vresult v_optional(const fl_validator *v, fl_field *field)
{
	int empty = !field->has_raw ||
		(v->keep_whitespace ? field->raw[0] == '\0' : fl_str_is_blank(field->raw));
	if (!empty)
		return FL_VR_PASS;
	fl_strv_clear(&field->errors);
	return FL_VR_STOP;   /* StopValidation() without a message */
}

/* Length's default text depends on which bounds are set (ngettext). */
static const char *length_default(const fl_validator *v)
{
	if (v->max == -1)
		return v->min == 1 ? "Field must be at least %(min)d character long."
		                   : "Field must be at least %(min)d characters long.";
	if (v->min == -1)
		return v->max == 1 ? "Field cannot be longer than %(max)d character."
		                   : "Field cannot be longer than %(max)d characters.";
	if (v->min == v->max)
		return v->max == 1 ? "Field must be exactly %(max)d character long."
		                   : "Field must be exactly %(max)d characters long.";
	return "Field must be between %(min)d and %(max)d characters long.";
}

static fl_vresult v_length(const fl_validator *v, fl_form *f, fl_field *field,
                           const char **message)
{
	long length = field->has_data ? (long)fl_utf8_length(field->data) : 0;
	if (length >= v->min && (v->max == -1 || length <= v->max))
		return FL_VR_PASS;
	interp_arg args[] = {
		{ "min", fl_arena_printf(f->arena, "%ld", v->min) },
		{ "max", fl_arena_printf(f->arena, "%ld", v->max) },
		{ "length", fl_arena_printf(f->arena, "%ld", length) },
		{ NULL, NULL } };
	*message = interp(f->arena, v->message ? v->message : length_default(v), args);
	return FL_VR_FAIL;
}

static fl_vresult v_email(const fl_validator *v, fl_field *field, const char **message)
{
	if (field->has_data && fl_email_is_valid(field->data))
		return FL_VR_PASS;
	*message = v->message ? v->message : MSG_EMAIL;
	return FL_VR_FAIL;
}

static fl_vresult v_equal_to(const fl_validator *v, fl_form *f, fl_field *field,
                             const char **message)
{
	const char *name = v->other ? v->other : "";
	fl_field *other = fl_form_field(f, name);
	if (!other) {
		*message = fl_arena_printf(f->arena, "Invalid field name '%s'.", name);
		return FL_VR_FAIL;
	}
	if (field->has_data == other->has_data && strcmp(field->data, other->data) == 0)
		return FL_VR_PASS;
	interp_arg args[] = {
		{ "other_label", other->def->label && *other->def->label ? other->def->label : name },
		{ "other_name", name },
		{ NULL, NULL } };
	*message = interp(f->arena, v->message ? v->message :
	                  "Field must be equal to %(other_name)s.", args);
	return FL_VR_FAIL;
}

static fl_vresult v_number_range(const fl_validator *v, fl_form *f, fl_field *field,
                                 const char **message)
{
	double x;
	if (field_number(field, &x) && !isnan(x) && (!v->has_nmin || x >= v->nmin) &&
	    (!v->has_nmax || x <= v->nmax))
		return FL_VR_PASS;
	const char *dflt = !v->has_nmax ? "Number must be at least %(min)s." :
	                   !v->has_nmin ? "Number must be at most %(max)s." :
	                   "Number must be between %(min)s and %(max)s.";
	interp_arg args[] = {
		{ "min", format_bound(f->arena, v->has_nmin, v->nmin) },
		{ "max", format_bound(f->arena, v->has_nmax, v->nmax) },
		{ NULL, NULL } };
	*message = interp(f->arena, v->message ? v->message : dflt, args);
	return FL_VR_FAIL;
}

/* re.match: the pattern must match at the start of the data (not the end). */
static fl_vresult v_regexp(const fl_validator *v, fl_form *f, fl_field *field,
                           const char **message)
{
	regex_t re;
	int rc = regcomp(&re, v->pattern ? v->pattern : "", REG_EXTENDED | v->cflags);
	if (rc != 0) {
		char err[128];
		regerror(rc, &re, err, sizeof err);
		fl_error("form %s field %s: bad Regexp pattern: %s", f->def->name,
		         field->def->name, err);
		*message = v->message ? v->message : MSG_INVALID;
		return FL_VR_FAIL;
	}
	regmatch_t m[1];
	int ok = regexec(&re, field->has_data ? field->data : "", 1, m, 0) == 0 &&
	         m[0].rm_so == 0;
	regfree(&re);
	if (ok)
		return FL_VR_PASS;
	*message = v->message ? v->message : MSG_INVALID;
	return FL_VR_FAIL;
}

static fl_vresult v_any_of(const fl_validator *v, fl_form *f, fl_field *field,
                           const char **message)
{
	fl_buf list;
	fl_buf_init(&list, f->arena);
	for (const char *const *p = v->values; p && *p; p++) {
		if (field->has_data && strcmp(*p, field->data) == 0)
			return FL_VR_PASS;
		fl_buf_puts(&list, p == v->values ? "" : ", ");
		fl_buf_puts(&list, *p);
	}
	interp_arg args[] = { { "values", fl_buf_cstr(&list) }, { NULL, NULL } };
	*message = interp(f->arena, v->message ? v->message :
	                  "Invalid value, must be one of: %(values)s.", args);
	return FL_VR_FAIL;
}

static fl_vresult v_none_of(const fl_validator *v, fl_form *f, fl_field *field,
                            const char **message)
{
	fl_buf list;
	int hit = 0;
	fl_buf_init(&list, f->arena);
	for (const char *const *p = v->values; p && *p; p++) {
		hit |= field->has_data && strcmp(*p, field->data) == 0;
		fl_buf_puts(&list, p == v->values ? "" : ", ");
		fl_buf_puts(&list, *p);
	}
	if (!hit)
		return FL_VR_PASS;
	interp_arg args[] = { { "values", fl_buf_cstr(&list) }, { NULL, NULL } };
	*message = interp(f->arena, v->message ? v->message :
	                  "Invalid value, can't be any of: %(values)s.", args);
	return FL_VR_FAIL;
}

/* ipaddress.ip_address(s) is an IPv4Address (inet_pton: dotted quad, no
 * leading zeros, as Python 3.9.5+). */
static int is_ipv4(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1;
}

/* ... is an IPv6Address, with Python's "%scope" suffix allowed. */
static int is_ipv6(fl_arena *a, const char *s)
{
	unsigned char buf[16];
	const char *pct = strchr(s, '%');
	if (pct) {
		if (!pct[1] || strchr(pct + 1, '%'))
			return 0;
		s = fl_arena_strndup(a, s, (size_t)(pct - s));
	}
	return inet_pton(AF_INET6, s, buf) == 1;
}

static fl_vresult v_ip_address(const fl_validator *v, fl_form *f, fl_field *field,
                               const char **message)
{
	const char *s = field->has_data ? field->data : "";
	if (*s && ((v->ipv4 && is_ipv4(s)) || (v->ipv6 && is_ipv6(f->arena, s))))
		return FL_VR_PASS;
	*message = v->message ? v->message : "Invalid IP address.";
	return FL_VR_FAIL;
}

/* Python's `$`: the end, or just before a newline that ends the string. */
static size_t dollar_len(const char *s, size_t n)
{
	return n && s[n - 1] == '\n' ? n - 1 : n;
}

/* HostnameValidation.hostname_part: ^(xn-|[a-z0-9_]+)(-[a-z0-9_-]+)*$ */
static int hostname_part_ok(const char *s, size_t n)
{
	n = dollar_len(s, n);
	if (!n || s[0] == '-')
		return 0;
	size_t run = 0, dashes = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)        /* a non-ASCII label: IDNA makes it xn--... */
			return 1;
		if (!isalnum(c) && c != '_' && c != '-')
			return 0;
		dashes += c == '-';
		if (!dashes)
			run++;
	}
	/* Only "<run>-" fails: the part after the first run is a lone dash. */
	if (n - run == 1 && !(n == 3 && strncasecmp(s, "xn-", 3) == 0))
		return 0;
	return 1;
}

/* HostnameValidation.tld_part: ^([a-z]{2,20}|xn--([a-z0-9]+-)*[a-z0-9]+)$ */
static int tld_part_ok(const char *s, size_t n)
{
	n = dollar_len(s, n);
	int ascii = 1;
	for (size_t i = 0; i < n; i++)
		ascii &= (unsigned char)s[i] < 0x80;
	if (!ascii)
		return 1;             /* IDNA: becomes an xn-- label */
	size_t alpha = 0;
	while (alpha < n && isalpha((unsigned char)s[alpha]))
		alpha++;
	if (alpha == n && n >= 2 && n <= 20)
		return 1;
	if (n < 5 || strncasecmp(s, "xn--", 4) != 0)
		return 0;
	for (size_t i = 4; i < n; i++) {
		if (s[i] == '-') {
			if (i == 4 || s[i - 1] == '-' || i == n - 1)
				return 0;
		} else if (!isalnum((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* HostnameValidation(require_tld, allow_ip=True)(host) */
static int hostname_ok(fl_arena *a, const char *host, int require_tld)
{
	if (is_ipv4(host) || is_ipv6(a, host))
		return 1;
	size_t n = strlen(host);
	if (n > 253)
		return 0;
	size_t parts = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && host[i] != '.')
			continue;
		size_t len = i - start;
		if (!len || len > 63 || !hostname_part_ok(host + start, len))
			return 0;
		parts++;
		if (i == n && require_tld && (parts < 2 || !tld_part_ok(host + start, len)))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* URL: ^[a-z]+://(?P<host>[^/?:]+)(?P<port>:[0-9]+)?(?P<path>/.*?)?(?P<query>\?.*)?$
 * (re.IGNORECASE), then the host name check. */
static fl_vresult v_url(const fl_validator *v, fl_form *f, fl_field *field,
                        const char **message)
{
	const char *s = field->has_data ? field->data : "";
	const char *p = s;
	int ok = 0;
	*message = v->message ? v->message : "Invalid URL.";
	while (isalpha((unsigned char)*p))
		p++;
	if (p == s || strncmp(p, "://", 3) != 0)
		return FL_VR_FAIL;
	p += 3;
	size_t hn = strcspn(p, "/?:");
	if (!hn)
		return FL_VR_FAIL;
	const char *host = fl_arena_strndup(f->arena, p, hn);
	p += hn;
	if (*p == ':') {
		size_t digits = strspn(p + 1, "0123456789");
		if (!digits)
			return FL_VR_FAIL;
		p += 1 + digits;
	}
	/* The rest: nothing, or a path or query without a newline ('.'),
	 * save one at the very end ('$'). */
	size_t rest = strlen(p);
	if (rest == 0 || (rest == 1 && *p == '\n'))
		ok = 1;
	else if (*p == '/' || *p == '?')
		ok = memchr(p, '\n', dollar_len(p, rest)) == NULL;
	if (!ok || !hostname_ok(f->arena, host, v->require_tld))
		return FL_VR_FAIL;
	return FL_VR_PASS;
}

/* Python's int(s, 16) accepts s: white space, a sign, "0x", hex digits
 * with single underscores between them (and after the prefix). */
static int py_hex_int(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		s++;
	int underscore_ok = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		underscore_ok = 1;
	}
	int digits = 0;
	for (; *s && !isspace((unsigned char)*s); s++) {
		if (*s == '_') {
			if (!underscore_ok)
				return 0;
			underscore_ok = 0;
			continue;
		}
		if (!isxdigit((unsigned char)*s))
			return 0;
		digits++;
		underscore_ok = 1;
	}
	if (!digits || (s[-1] == '_'))
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* s.replace(needle, ''), in arena `a`. */
static const char *remove_all(fl_arena *a, const char *s, const char *needle)
{
	size_t n = strlen(needle);
	fl_buf b;
	fl_buf_init(&b, a);
	for (const char *p = s; *p;) {
		if (strncmp(p, needle, n) == 0) {
			p += n;
			continue;
		}
		fl_buf_putc(&b, *p++);
	}
	return fl_buf_cstr(&b);
}

/* uuid.UUID(s): "urn:" and "uuid:" removed, '{' '}' stripped from the
 * ends, '-' removed, then 32 characters that int(hex, 16) reads. */
static int uuid_ok(fl_arena *a, const char *s)
{
	const char *t = remove_all(a, remove_all(a, s, "urn:"), "uuid:");
	size_t n = strlen(t);
	while (*t == '{' || *t == '}')
		t++, n--;
	while (n && (t[n - 1] == '{' || t[n - 1] == '}'))
		n--;
	fl_buf b;
	fl_buf_init(&b, a);
	for (size_t i = 0; i < n; i++)
		if (t[i] != '-')
			fl_buf_putc(&b, t[i]);
	return fl_utf8_length(fl_buf_cstr(&b)) == 32 && py_hex_int(fl_buf_cstr(&b));
}

static fl_vresult v_uuid(const fl_validator *v, fl_form *f, fl_field *field,
                         const char **message)
{
	if (field->has_data && uuid_ok(f->arena, field->data))
		return FL_VR_PASS;
	*message = v->message ? v->message : "Invalid UUID.";
	return FL_VR_FAIL;
}

/* The uploads a file validator looks at: the FileField's one or the
 * MultipleFileField's list. */
static size_t uploads(const fl_field *field, const fl_file *const **list)
{
	*list = field->files.items;
	return field->files.len;
}

static fl_vresult v_file_required(const fl_validator *v, fl_field *field, const char **message)
{
	if (fl_field_truthy(field))
		return FL_VR_PASS;
	*message = v->message ? v->message : MSG_REQUIRED;
	return FL_VR_STOP;   /* FileRequired does not clear earlier errors */
}

/* filename.lower().endswith("." + ext) */
static int ext_ok(const char *filename, const char *ext)
{
	size_t n = strlen(filename), e = strlen(ext);
	if (n < e + 1 || filename[n - e - 1] != '.')
		return 0;
	for (size_t i = 0; i < e; i++)
		if (tolower((unsigned char)filename[n - e + i]) != (unsigned char)ext[i])
			return 0;
	return 1;
}

static fl_vresult v_file_allowed(const fl_validator *v, fl_form *f, fl_field *field,
                                 const char **message)
{
	const fl_file *const *list;
	size_t n = uploads(field, &list);
	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		for (const char *const *e = v->values; e && *e && !ok; e++)
			ok = ext_ok(list[i]->filename, *e);
		if (ok)
			continue;
		fl_buf b;
		fl_buf_init(&b, f->arena);
		fl_buf_puts(&b, "File does not have an approved extension: ");
		for (const char *const *e = v->values; e && *e; e++) {
			fl_buf_puts(&b, e == v->values ? "" : ", ");
			fl_buf_puts(&b, *e);
		}
		*message = v->message ? v->message : fl_buf_cstr(&b);
		return FL_VR_STOP;
	}
	return FL_VR_PASS;
}

static fl_vresult v_file_size(const fl_validator *v, fl_form *f, fl_field *field,
                              const char **message)
{
	const fl_file *const *list;
	size_t n = uploads(field, &list);
	long mn = v->min < 0 ? 0 : v->min;
	for (size_t i = 0; i < n; i++) {
		if (list[i]->len >= (size_t)mn && list[i]->len <= (size_t)v->max)
			continue;
		*message = v->message ? v->message :
			fl_arena_printf(f->arena, "File must be between %ld and %ld bytes.", mn, v->max);
		return FL_VR_FAIL;
	}
	return FL_VR_PASS;
}

static fl_vresult v_custom(const fl_validator *v, fl_form *f, fl_field *field,
                           const char **message)
{
	const char *m = NULL;
	if (!v->fn || v->fn(f, field, v->ud, &m) == FL_OK)
		return FL_VR_PASS;
	*message = m ? m : MSG_INVALID;
	return FL_VR_FAIL;
}

fl_vresult fl_validator_run(const fl_validator *v, fl_form *f, fl_field *field,
                            const char **message)
{
	*message = NULL;
	switch (v->kind) {
	case FL_V_DATA_REQUIRED:
		return v_data_required(v, field, message);
	case FL_V_INPUT_REQUIRED:
		return v_input_required(v, field, message);
	case FL_V_OPTIONAL:
		return v_optional(v, field);
	case FL_V_LENGTH:
		return v_length(v, f, field, message);
	case FL_V_EMAIL:
		return v_email(v, field, message);
	case FL_V_EQUAL_TO:
		return v_equal_to(v, f, field, message);
	case FL_V_NUMBER_RANGE:
		return v_number_range(v, f, field, message);
	case FL_V_REGEXP:
		return v_regexp(v, f, field, message);
	case FL_V_ANY_OF:
		return v_any_of(v, f, field, message);
	case FL_V_CUSTOM:
		return v_custom(v, f, field, message);
	case FL_V_URL:
		return v_url(v, f, field, message);
	case FL_V_IP_ADDRESS:
		return v_ip_address(v, f, field, message);
	case FL_V_NONE_OF:
		return v_none_of(v, f, field, message);
	case FL_V_UUID:
		return v_uuid(v, f, field, message);
	case FL_V_FILE_REQUIRED:
		return v_file_required(v, field, message);
	case FL_V_FILE_ALLOWED:
		return v_file_allowed(v, f, field, message);
	case FL_V_FILE_SIZE:
		return v_file_size(v, f, field, message);
	default:
		return FL_VR_PASS;
	}
}

/* ---- field.flags ---- */

void fl_field_get_flags(const fl_field *field, fl_field_flags *out)
{
	*out = (fl_field_flags){ .minlength = -1, .maxlength = -1,
		.hidden = field->def->type == FL_FIELD_HIDDEN };
	const fl_validator *v = field->def->validators;
	for (; v && v->kind != FL_V_END; v++) {
		switch (v->kind) {
		case FL_V_DATA_REQUIRED:
		case FL_V_INPUT_REQUIRED:
		case FL_V_FILE_REQUIRED:
			out->required = 1;
			break;
		case FL_V_OPTIONAL:
			out->optional = 1;
			break;
		case FL_V_LENGTH:
			if (v->min != -1)
				out->minlength = v->min;
			if (v->max != -1)
				out->maxlength = v->max;
			break;
		case FL_V_NUMBER_RANGE:
			if (v->has_nmin) {
				out->has_min = 1;
				out->min = v->nmin;
			}
			if (v->has_nmax) {
				out->has_max = 1;
				out->max = v->nmax;
			}
			break;
		default:
			break;
		}
	}
}
