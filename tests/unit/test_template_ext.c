/* test_template_ext.c — the template engine's extension points: filters,
 * tests and globals an application registers (Jinja's env.filters,
 * env.tests, env.globals), and callable objects (fl_tpl_callable, what a
 * WTForms field is to a template).  Where the semantics are Jinja's, the
 * same templates run through /usr/bin/python3's jinja2 with the same
 * filters written in Python, and the bytes are compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tpl_fixture.h"

/* ---- the application's functions (their Python twins are in ORACLE) ---- */

static const char *str_arg(json_t *args, size_t i)
{
	json_t *v = json_array_get(args, i);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* shout(s, suffix='!') = s.upper() + suffix */
static json_t *f_shout(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	const char *s = str_arg(args, 0);
	json_t *sfx = json_object_get(kwargs, "suffix");
	if (!sfx)
		sfx = json_array_get(args, 1);
	char *up = fl_arena_strdup(a, s);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return json_string(fl_arena_printf(a, "%s%s", up, sfx ? json_string_value(sfx) : "!"));
}

/* bold(s) = Markup('<b>%s</b>') % s */
static json_t *f_bold(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "<b>");
	json_t *v = json_array_get(args, 0);
	size_t n;
	const char *html = fl_markup_html(v, &n);
	if (html) {
		fl_buf_append(&b, html, n);  /* markup goes in as it is */
	} else {
		const char *s = str_arg(args, 0);
		fl_html_escape(&b, s, strlen(s));
	}
	fl_buf_puts(&b, "</b>");
	return fl_markup(fl_buf_cstr(&b));
}

/* title (shadowing the built-in): the string reversed (ASCII) */
static json_t *f_reverse_title(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			       fl_tpl_error *err)
{
	const char *s = str_arg(args, 0);
	size_t n = strlen(s);
	char *r = fl_arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++)
		r[i] = s[n - 1 - i];
	r[n] = '\0';
	return json_string(r);
}

/* short(s, n=3) = len(s) <= n */
static json_t *t_short(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	json_t *n = json_array_get(args, 1);
	long long max = json_is_integer(n) ? json_integer_value(n) : 3;
	return json_boolean((long long)strlen(str_arg(args, 0)) <= max);
}

/* lower (shadowing the built-in test): s == 'x' */
static json_t *t_is_x(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_boolean(!strcmp(str_arg(args, 0), "x"));
}

/* greet(name, greeting='Hello') = f'{greeting}, {name}!' */
static json_t *g_greet(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	json_t *g = json_object_get(kwargs, "greeting");
	return json_string(fl_arena_printf(a, "%s, %s!", g ? json_string_value(g) : "Hello",
		str_arg(args, 0)));
}

/* A filter that fails, with a message. */
static json_t *f_fails(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	snprintf(err->message, sizeof err->message, "cannot format %s", str_arg(args, 0));
	return NULL;
}

/* The render's ud, as a string (what a filter sees as ud). */
static json_t *f_ud(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_string(ud ? ud : "(none)");
}

/* A widget-like call: <x a="{a}"> with `a` escaped, as markup; the object's
 * own ud ("W") in data-ud. */
static json_t *o_widget(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	json_t *v = json_object_get(kwargs, "a");
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_printf(&b, "<x data-ud=\"%s\" a=\"", (const char *)ud);
	fl_html_escape(&b, s, strlen(s));
	fl_buf_printf(&b, "\" n=\"%zu\">", json_array_size(args));
	return fl_markup(fl_buf_cstr(&b));
}

/* A call that returns plain text (escaped when printed). */
static json_t *o_plain(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	return json_string("<plain>");
}

static void register_all(fl_tpl_env *env)
{
	fl_tpl_env_add_filter(env, "shout", f_shout);
	fl_tpl_env_add_filter(env, "bold", f_bold);
	fl_tpl_env_add_filter(env, "title", f_reverse_title);
	fl_tpl_env_add_filter(env, "fails", f_fails);
	fl_tpl_env_add_filter(env, "ud", f_ud);
	fl_tpl_env_add_test(env, "short", t_short);
	fl_tpl_env_add_test(env, "lower", t_is_x);
	fl_tpl_env_add_function(env, "greet", g_greet);
	/* made in a scratch arena: the env keeps a copy of its own */
	fl_arena *scratch = fl_arena_new(0), *prev = fl_json_set_arena(scratch);
	json_t *site = json_pack("{s:s, s:i}", "name", "Flasky", "year", 2026);
	fl_tpl_env_add_global(env, "site", site);
	fl_tpl_env_add_global(env, "nothing", NULL);
	/* markup and callables survive the copy */
	json_t *links = json_pack("{s:o, s:o}", "home", fl_markup("<a href=\"/\">home</a>"),
		"w", fl_tpl_callable(NULL, o_widget, "G"));
	fl_tpl_env_add_global(env, "links", links);
	fl_json_set_arena(prev);
	fl_arena_free(scratch);
}

/* In a fresh folder the tests write templates into. */
static int setup(void **state)
{
	tpl_fixture_setup_in(state, NULL);
	register_all(tpl.env);
	return 0;
}

static json_t *make_object(void)
{
	json_t *attrs = json_pack("{s:s, s:i, s:[s]}", "label", "L<", "n", 3, "errors", "bad");
	json_t *o = fl_tpl_callable(attrs, o_widget, "W");
	json_decref(attrs);
	return o;
}

/* Render `src` with JSON context `ctx` (plus "o", a callable object, when
 * with_object); NULL on error (err filled). */
static const char *render_ud(const char *src, const char *ctx, int with_object, void *ud,
			     fl_err *rc, fl_tpl_error *err)
{
	json_t *c = tpl_ctx(ctx);
	if (with_object)
		json_object_set_new(c, "o", make_object());
	return tpl_render_ud(src, c, ud, rc, err);
}

static void expect(const char *src, const char *ctx, const char *want)
{
	fl_tpl_error err;
	fl_err rc;
	tpl_check_output(src, render_ud(src, ctx, 1, NULL, &rc, &err), &err, want);
}

static void expect_error(const char *src, int line, int col, const char *msg)
{
	fl_tpl_error err;
	fl_err rc;
	tpl_check_error(src, render_ud(src, NULL, 1, NULL, &rc, &err), &err, line, col, msg);
	assert_int_equal(rc, FL_ETEMPLATE);
}

/* ---- the same templates in Jinja ---- */

static const struct { const char *src, *ctx; } oracle_cases[] = {
	{"{{ name|shout }} {{ name|shout('?') }} {{ name|shout(suffix='.') }}",
	 "{\"name\": \"<Ann>\"}"},
	{"{{ name|bold }}|{{ name|bold|bold }}|{{ (name|bold) ~ name }}", "{\"name\": \"<i>&\"}"},
	{"{{ 'abc'|title }} {{ 'Abc'|title|upper }} {{ 'abc'|upper|title }}", "{}"},
	{"{% if 'ab' is short %}y{% endif %}{% if 'abcd' is short %}n{% endif %} "
	 "{{ 'abcd' is short(4) }} {{ 'ab' is not short }} {{ 'abcdef' is short 9 }}", "{}"},
	{"{{ 'x' is lower }} {{ 'X' is lower }} {{ 'a' is lower }}", "{}"},
	{"{{ site.name }} {{ site['year'] + 1 }} {{ greet('Ann') }} {{ greet('<b>', greeting='Hi') }}",
	 "{}"},
	{"{{ site }}|{{ nothing }}|{{ nothing is none }}", "{\"site\": \"from the context\"}"},
	{"{% set words = ['a', 'bb'] %}{% for w in words if w is short(1) %}{{ w|shout }}{% endfor %}"
	 "{{ words|join('|')|shout }}", "{}"},
	{"{% macro m(x) %}{{ x|shout }}{% endmacro %}{{ m('q') }} {{ site.name|shout }}", "{}"},
	{"{{ o }}|{{ o() }}|{{ o(a='<q>') }}|{{ o('p', 2, a='z') }}|{{ o.label }}|{{ o.n + 1 }}"
	 "|{{ o.errors[0] }}|{{ o.missing }}", "{}"},
	{"{{ o ~ '<' }}|{{ o|e }}|{{ o|string }}|{{ o|upper }}|{{ o is callable }}"
	 "|{% if o %}t{% endif %}|{{ o|default('d') == o }}", "{}"},
};

/* Python twins of the C functions above, and the callable object. */
static const char ORACLE[] =
	"import json, sys\n"
	"import jinja2\n"
	"from markupsafe import Markup, escape\n"
	"env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)\n"
	"env.filters['shout'] = lambda s, suffix='!': str(s).upper() + suffix\n"
	"env.filters['bold'] = lambda s: Markup('<b>%s</b>') % s\n"
	"env.filters['title'] = lambda s: str(s)[::-1]\n"
	"env.tests['short'] = lambda s, n=3: len(s) <= n\n"
	"env.tests['lower'] = lambda s: s == 'x'\n"
	"env.globals['greet'] = lambda name, greeting='Hello': f'{greeting}, {name}!'\n"
	"env.globals['site'] = {'name': 'Flasky', 'year': 2026}\n"
	"env.globals['nothing'] = None\n"
	"class O:\n"
	"    label = 'L<'\n"
	"    n = 3\n"
	"    errors = ['bad']\n"
	"    def __call__(self, *args, **kw):\n"
	"        return Markup('<x data-ud=\"W\" a=\"%s\" n=\"%d\">') % (kw.get('a', ''), len(args))\n"
	"    __html__ = __call__\n"
	"    __str__ = __call__\n"
	"out = []\n"
	"for case in json.load(open(sys.argv[1])):\n"
	"    ctx = json.loads(case['ctx'])\n"
	"    ctx['o'] = O()\n"
	"    out.append(env.from_string(case['src']).render(ctx))\n"
	"json.dump(out, open(sys.argv[2], 'w'))\n";

static void test_matches_jinja(void **state)
{
	if (system("/usr/bin/python3 -c 'import jinja2' >/dev/null 2>&1") != 0) {
		if (getenv("CI"))
			fail_msg("/usr/bin/python3 with jinja2 is needed for the oracle");
		skip();
		return;
	}
	size_t n = sizeof oracle_cases / sizeof oracle_cases[0];
	json_t *cases = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(cases, json_pack("{s:s, s:s}", "src", oracle_cases[i].src,
			"ctx", oracle_cases[i].ctx));
	char in[128], out[128], script[128], cmd[512];
	snprintf(in, sizeof in, "%s/cases.json", tpl.dir);
	snprintf(out, sizeof out, "%s/jinja.json", tpl.dir);
	snprintf(script, sizeof script, "%s/oracle.py", tpl.dir);
	assert_int_equal(json_dump_file(cases, in, 0), 0);
	FILE *fp = fopen(script, "w");
	assert_non_null(fp);
	fputs(ORACLE, fp);
	fclose(fp);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", script, in, out);
	assert_int_equal(system(cmd), 0);
	json_t *want = json_load_file(out, 0, NULL);
	assert_non_null(want);
	assert_int_equal(json_array_size(want), n);
	for (size_t i = 0; i < n; i++) {
		fl_tpl_error err;
		fl_err rc;
		const char *got = render_ud(oracle_cases[i].src, oracle_cases[i].ctx, 1, NULL, &rc, &err);
		if (!got)
			fail_msg("%s: error %d:%d %s", oracle_cases[i].src, err.line, err.column, err.message);
		const char *w = json_string_value(json_array_get(want, i));
		if (strcmp(got, w))
			fail_msg("%s\n  jinja:  %s\n  flagon: %s", oracle_cases[i].src, w, got);
	}
}

/* ---- registration ---- */

static void test_unknown_filter_is_still_a_compile_error(void **state)
{
	expect_error("x\n  {{ 1|nope }}", 2, 8, "No filter named 'nope'.");
	expect_error("{% if 1 is nope %}{% endif %}", 1, 12, "No test named 'nope'.");
	/* even where it would never run: the template does not compile */
	expect_error("{% if false %}{{ 1|nope }}{% endif %}", 1, 20, "No filter named 'nope'.");
	/* compile_all checks the syntax of every file but leaves a filter it
	 * does not know to the render: templates/ may be shared by several
	 * applications, each with filters of its own */
	char path[128], inc[128];
	snprintf(path, sizeof path, "%s/page.html", tpl.dir);
	snprintf(inc, sizeof inc, "%s/inc.html", tpl.dir);
	FILE *fp = fopen(path, "w");
	fputs("{{ x|shout }}{{ x|later }}", fp);
	fclose(fp);
	fp = fopen(inc, "w");
	fputs("[{% include 'page.html' %}]", fp);
	fclose(fp);
	fl_tpl_error err;
	assert_int_equal(fl_tpl_compile_all(tpl.env, &err), FL_OK);
	fl_buf b;
	fl_buf_init(&b, arena);
	json_t *ctx = json_pack("{s:s}", "x", "a");
	assert_int_equal(fl_tpl_render(tpl.env, "page.html", ctx, NULL, arena, &b, &err), FL_ETEMPLATE);
	assert_string_equal(err.file, "page.html");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 19);
	assert_string_equal(err.message, "No filter named 'later'.");
	assert_int_equal(b.len, 0);  /* nothing rendered */
	assert_int_equal(fl_tpl_render(tpl.env, "inc.html", ctx, NULL, arena, &b, &err), FL_ETEMPLATE);
	assert_string_equal(err.file, "page.html");
	/* registered later, the compiled template finds it */
	fl_tpl_env_add_filter(tpl.env, "later", f_shout);
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render(tpl.env, "inc.html", ctx, NULL, arena, &b, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "[A!A!]");
	unlink(path);
	unlink(inc);
}

static void test_filter_errors_and_ud(void **state)
{
	expect_error("ab\n{{ 'v'|fails }}", 2, 8, "cannot format v");
	fl_tpl_error err;
	fl_err rc;
	const char *got = render_ud("{{ 1|ud }}", "{}", 0, "the request", &rc, &err);
	assert_non_null(got);
	assert_string_equal(got, "the request");  /* a filter gets the render's ud */
}

static void test_replacing_and_shadowing(void **state)
{
	/* a built-in stays what it was where no one shadows it */
	expect("{{ 'abc'|upper }} {{ 'ab c'|capitalize }}", "{}", "ABC Ab c");
	/* a filter added again replaces the function in compiled templates too */
	char path[128];
	snprintf(path, sizeof path, "%s/p.html", tpl.dir);
	FILE *fp = fopen(path, "w");
	fputs("{{ 'a'|shout }}", fp);
	fclose(fp);
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render(tpl.env, "p.html", NULL, NULL, arena, &b, NULL), FL_OK);
	fl_tpl_env_add_filter(tpl.env, "shout", f_bold);
	assert_int_equal(fl_tpl_render(tpl.env, "p.html", NULL, NULL, arena, &b, NULL), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "A!<b>a</b>");
	/* a global can be replaced by a function and back */
	fl_tpl_env_add_function(tpl.env, "site", g_greet);
	expect("{{ site('x') }}", "{}", "Hello, x!");
	fl_tpl_env_add_global(tpl.env, "site", json_string("value again"));
	expect("{{ site }}", "{}", "value again");
	expect("{{ links.home }} {{ links.w(a=1) }}", "{}",
	       "<a href=\"/\">home</a> <x data-ud=\"G\" a=\"\" n=\"0\">");
	expect_error("{{ site() }}", 1, 4, "not callable");
	unlink(path);
}

/* ---- call sites that keep their result (fl_tpl_env_memo_function) ---- */

static int memo_calls;

/* counted(x, k=…) = "x:k#n", n the number of calls so far */
static json_t *g_counted(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			 fl_tpl_error *err)
{
	json_t *k = json_object_get(kwargs, "k");
	return json_string(fl_arena_printf(a, "%s:%s#%d", str_arg(args, 0),
		json_is_string(k) ? json_string_value(k) : "", ++memo_calls));
}

/* The stamp is the render's ud; a call with k="no" is never kept. */
static const char *counted_stamp(void *ud, json_t *args, json_t *kwargs)
{
	json_t *k = kwargs ? json_object_get(kwargs, "k") : NULL;
	if (json_is_string(k) && !strcmp(json_string_value(k), "no"))
		return NULL;
	return ud;
}

static const char *render_memo(const char *ctx, void *ud)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_tpl_error err;
	assert_int_equal(fl_tpl_render(tpl.env, "memo.html", tpl_ctx(ctx), ud, arena, &b, &err),
			 FL_OK);
	return fl_buf_cstr(&b);
}

static void test_call_sites_keep_results(void **state)
{
	fl_tpl_env_add_function(tpl.env, "counted", g_counted);
	fl_tpl_env_memo_function(tpl.env, "counted", counted_stamp);
	fl_tpl_env_add_source(tpl.env, "memo.html",
		"{{ counted('a') }} {{ counted('b', k='x') }} {{ counted(v) }} "
		"{{ counted('c', k='no') }} {% for i in [1, 2] %}{{ counted('d') }}{% endfor %}");
	memo_calls = 0;
	/* literal arguments: called once per site, in the first render; a
	 * variable argument and a call the stamp refuses: every time */
	assert_string_equal(render_memo("{\"v\": \"v\"}", "m1"),
			    "a:#1 b:x#2 v:#3 c:no#4 d:#5d:#5");
	assert_string_equal(render_memo("{\"v\": \"w\"}", "m1"),
			    "a:#1 b:x#2 w:#6 c:no#7 d:#5d:#5");
	/* another stamp: called again (and not kept over the first) */
	assert_string_equal(render_memo("{\"v\": \"v\"}", "m2"),
			    "a:#8 b:x#9 v:#10 c:no#11 d:#12d:#13");
	assert_string_equal(render_memo("{\"v\": \"v\"}", "m1"),
			    "a:#1 b:x#2 v:#14 c:no#15 d:#5d:#5");
	/* no stamp for the render: nothing answered from the memo */
	assert_string_equal(render_memo("{\"v\": \"v\"}", NULL),
			    "a:#16 b:x#17 v:#18 c:no#19 d:#20d:#21");
	/* the context's own `counted` is what a page calls */
	json_t *c = json_object();
	json_object_set_new(c, "counted", fl_tpl_callable(NULL, o_plain, NULL));
	json_object_set_new(c, "v", json_string("v"));
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render(tpl.env, "memo.html", c, "m1", arena, &b, NULL), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "&lt;plain&gt; &lt;plain&gt; &lt;plain&gt; "
			    "&lt;plain&gt; &lt;plain&gt;&lt;plain&gt;");
	/* the function replaced: the new one is called */
	fl_tpl_env_add_function(tpl.env, "counted", g_greet);
	assert_string_equal(render_memo("{\"v\": \"v\"}", "m1"),
			    "Hello, a! Hello, b! Hello, v! Hello, c! Hello, d!Hello, d!");
}

/* ---- callable objects ---- */

static void test_callable_objects(void **state)
{
	/* its attributes are readable, its hidden member is not */
	expect("{{ o.items()|list|length }}|{{ o.values()|length }}"
	       "|{% for k, v in o.items() %}[{{ k }}]{% endfor %}|{{ 'label' in o }}", "{}",
	       "3|3|[label][n][errors]|True");
	/* an object whose call gives plain text: printed escaped */
	json_t *c = json_object();
	json_object_set_new(c, "p", fl_tpl_callable(NULL, o_plain, NULL));
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(tpl.env, "{{ p }}|{{ p() }}|{{ [p] }}|{{ p == p }}", c, NULL,
		arena, &b, NULL), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "&lt;plain&gt;|&lt;plain&gt;|[&lt;object&gt;]|True");
	/* the arguments of a call reach the function */
	expect("{{ o(1, 2, 3, a='\"') }}", "{}", "<x data-ud=\"W\" a=\"&#34;\" n=\"3\">");
	expect("{% set kw = {'a': 'k'} %}{{ o(**kw) }}", "{}", "<x data-ud=\"W\" a=\"k\" n=\"0\">");
	assert_true(fl_tpl_is_callable(json_object_get(c, "p")));
	assert_false(fl_is_markup(json_object_get(c, "p")));
}

/* Data shaped like a callable object is a dict: it cannot name a C
 * function, and neither can a template. */
static void test_callables_cannot_be_forged(void **state)
{
	/* JSON text cannot hold the NUL-led key at all */
	json_error_t jerr;
	assert_null(json_loads("{\"\\u0000__fl_call__\": [1, 2]}", 0, &jerr));
	/* the same key as a C string is another key */
	json_t *d = json_object();
	json_object_set_new(d, "\0__fl_call__", json_pack("[i,i]", 1, 2));
	json_object_set_new(d, "__fl_call__", json_pack("[i,i]", 1, 2));
	assert_false(fl_tpl_is_callable(d));
	json_t *ctx = json_pack("{s:o}", "d", d);
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_tpl_error err;
	assert_int_equal(fl_tpl_render_string(tpl.env, "{{ d() }}", ctx, NULL, arena, &b, &err),
		FL_ETEMPLATE);
	assert_non_null(strstr(err.message, "not callable"));
	fl_buf_init(&b, arena);
	assert_int_equal(fl_tpl_render_string(tpl.env, "{{ d }}", ctx, NULL, arena, &b, &err), FL_OK);
	assert_string_equal(fl_buf_cstr(&b),
		"{&#39;&#39;: [1, 2], &#39;__fl_call__&#39;: [1, 2]}");
	/* a template cannot read the object's function out of it */
	expect("{{ o[''] }}{{ o['\\x00__fl_call__'] }}{{ dict(**o) }}", "{}",
	       "{&#39;label&#39;: &#39;L&lt;&#39;, &#39;n&#39;: 3, &#39;errors&#39;: [&#39;bad&#39;]}");
	/* and a copy rebuilt from its visible keys is a plain dict */
	expect("{% set c = dict(**o) %}{{ c is callable }}{{ c.label }}", "{}", "FalseL&lt;");
}

/* ---- lazy objects (fl_tpl_lazy) ---- */

/* The members of {'a': 1, 'b': 'x<', 'c': [1, 2]}, counting the asks. */
static int lazy_asks, lazy_wholes;

static json_t *lazy_fn(void *ud, const char *name)
{
	json_t *all = json_pack("{s:i,s:s,s:[i,i]}", "a", 1, "b", "x<", "c", 1, 2);
	assert_ptr_equal(ud, &lazy_asks);
	if (!name) {
		lazy_wholes++;
		return all;
	}
	lazy_asks++;
	json_t *v = json_incref(json_object_get(all, name));
	json_decref(all);
	return v;
}

/* `src` rendered with d a new lazy dict and p a lazy callable object. */
static void expect_lazy(const char *src, const char *want, int asks, int wholes)
{
	lazy_asks = lazy_wholes = 0;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "d", fl_tpl_lazy(lazy_fn, &lazy_asks));
	json_object_set_new(ctx, "p", fl_tpl_lazy_members(fl_tpl_callable(NULL, o_plain, NULL),
		lazy_fn, &lazy_asks));
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_tpl_error err;
	fl_err rc = fl_tpl_render_string(tpl.env, src, ctx, NULL, arena, &b, &err);
	if (rc)
		print_message("%s: %s\n", src, err.message);
	assert_int_equal(rc, FL_OK);
	assert_string_equal(fl_buf_cstr(&b), want);
	assert_int_equal(lazy_asks, asks);
	assert_int_equal(lazy_wholes, wholes);
	json_decref(ctx);
}

static void test_lazy_objects(void **state)
{
	/* members asked by name once each, kept; a missing one asked each time */
	expect_lazy("{{ d.b }}{{ d.b }}{{ d['a'] }}|{{ d.zz is defined }}{{ d.zz is defined }}",
		    "x&lt;x&lt;1|FalseFalse", 4, 0);
	/* a method: asked first as a member, as a dict's own key would be */
	expect_lazy("{{ d.get('a') }}", "1", 1, 1);
	/* every use as a whole sees the dict, in its order, whatever was read */
	const char *dict = "{&#39;a&#39;: 1, &#39;b&#39;: &#39;x&lt;&#39;, &#39;c&#39;: [1, 2]}";
	expect_lazy("{{ d }}", dict, 0, 1);
	char want[256];
	snprintf(want, sizeof want, "[1, 2]%s", dict);
	expect_lazy("{{ d.c }}{{ d }}", want, 1, 1);
	expect_lazy("{{ d|length }}|{% for k in d %}{{ k }}{% endfor %}|{{ 'c' in d }}{{ 'q' in d }}"
		    "|{{ d.items()|list|length }}|{{ d == {'a': 1, 'b': 'x<', 'c': [1, 2]} }}",
		    "3|abc|TrueFalse|3|True", 0, 1);
	expect_lazy("{{ dict(**d)|length }}", "3", 0, 1);
	expect_lazy("{{ 'c' in d }}{{ 'q' in d }}", "TrueFalse", 2, 0);
	expect_lazy("{{ d|tojson }}", "{\"a\": 1, \"b\": \"x\\u003c\", \"c\": [1, 2]}", 0, 1);
	expect_lazy("{{ d|dictsort|first }}|{{ dict(**d)|length }}", "(&#39;a&#39;, 1)|3", 0, 1);
	/* a lazy callable object stays callable, before and after being filled
	 * (p.items() asks for a member "items" first, as for a dict's key) */
	expect_lazy("{{ p.b }}|{{ p() }}|{{ p is callable }}|{{ p.items()|list|length }}|{{ p() }}",
		    "x&lt;|&lt;plain&gt;|True|3|&lt;plain&gt;", 2, 1);
	/* an object with members of its own is left as it is */
	json_t *o = json_pack("{s:i}", "x", 1);
	assert_ptr_equal(fl_tpl_lazy_members(o, lazy_fn, &lazy_asks), o);
	assert_int_equal(json_object_size(o), 1);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matches_jinja, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_filter_is_still_a_compile_error, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_filter_errors_and_ud, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_replacing_and_shadowing, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_call_sites_keep_results, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_callable_objects, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_callables_cannot_be_forged, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_lazy_objects, setup, tpl_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
