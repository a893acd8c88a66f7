/* template.h — a Jinja2-subset template engine (Flask's templating).
 *
 * Templates are files under one directory, compiled once per process into a
 * tree and cached by name in an fl_tpl_env; rendering walks the tree.  Values
 * are jansson json_t; the context of a render is a JSON object.
 *
 * Supported syntax (Jinja 3.1 semantics, Flask 2.2 defaults: autoescape by
 * the template's name — on for .html .htm .xml .xhtml and for
 * fl_tpl_render_string, off for anything else such as a .txt mail body —
 * trim_blocks and lstrip_blocks off, keep_trailing_newline off):
 *   {{ expr }}  {# comment #}  whitespace control {%- -%} {{- -}} {#- -#}
 *   {% if %}/{% elif %}/{% else %}/{% endif %}
 *   {% for x in seq [if cond] [recursive] %} / {% for k, v in d.items() %} …
 *       {% else %} … {% endfor %}: loop.index, index0, revindex, revindex0,
 *       first, last, length (of the kept items under `if`), previtem,
 *       nextitem, depth, depth0, loop.cycle(a, b, …), loop.changed(*vals),
 *       loop(children) in a recursive loop (markup under autoescape);
 *       each iteration starts without the body's own set variables
 *   {% set x = expr %}, {% set a, b = 1, 2 %} (unpacks any iterable:
 *       a string's characters, a dict's keys, as in a for loop's
 *       targets), {% set x %}…{% endset %},
 *       {% set x | f %}…{% endset %}, {% set ns.attr = v %} (namespace)
 *   {% with a=1 %}…{% endwith %}, {% filter f(args)|g %}…{% endfilter %},
 *   {% autoescape true|false|expr %}…{% endautoescape %}
 *   {% extends "base.html" %}, {% block name [scoped] [required] %}…
 *       {% endblock %}, {{ super() }}, {{ self.name() }}; a block sees
 *       the template's top-level variables, those of the loops and withs
 *       around it only when scoped
 *   {% include "x.html" | ["a.html", "b.html"] [ignore missing]
 *       [with context | without context] %}
 *   {% macro m(a, b=a) %}…{% endmacro %} (extra args only when the body
 *   reads varargs/kwargs, as Jinja; m.name (None for a call block's
 *   caller), m.arguments (a tuple), m.catch_varargs, m.catch_kwargs,
 *   m.caller as Jinja 3.1's Macro),
 *   {% call(args) m(…) %}…{% endcall %}
 *   with caller(), {% import "x.html" as x [with context] %},
 *   {% from "x.html" import m [as n], … [with context] %} (a name the
 *   template does not define is undefined; names starting with "_" are
 *   not exported, and importing one is a compile error, as in Jinja)
 *   {% raw %}…{% endraw %}
 * Expressions: literals (strings, ints, floats, true/false/none in both
 * cases, lists, tuples as lists, dicts), names, a.b, a['b'], a[0], a[1:3],
 * == != < <= > >= in, not in, and or not, + - * / // % **, ~, unary -/+,
 * `a if c else b`, calls with positional and keyword args, filters with
 * args, tests with `is` / `is not`.
 * Methods (methods.c; Python's, as Flask's unsandboxed environment allows):
 *   str (and Markup, whose methods escape their str arguments and return
 *   markup where markupsafe's do: capitalize title lower upper replace
 *   ljust rjust lstrip rstrip center strip swapcase zfill partition
 *   rpartition join format; split rsplit splitlines give markup items):
 *   format(*args, **kw) — str.format's fields ({} {0} {name} {0.attr}
 *   {0[1]}), conversions !s !r !a, nested {:{w}} and the spec language of
 *   str/int/bool/float (fill align sign z # 0 width , _ .precision, types
 *   s d n c b o x X e E f F g G %) — upper lower title capitalize swapcase
 *   casefold strip lstrip rstrip (chars) startswith endswith (a str or a
 *   tuple, start, end) replace(old, new, count) split rsplit (sep,
 *   maxsplit) splitlines(keepends) join count find rfind index rindex
 *   (sub, start, end) ljust rjust center (width, fillchar) zfill partition
 *   rpartition (tuples) isdigit isdecimal isnumeric isalpha isalnum
 *   isspace islower isupper istitle removeprefix removesuffix;
 *   list: append extend insert pop remove index count copy clear reverse
 *   sort(reverse=) ; tuple: count index; dict: items keys values get
 *   update(other, **kw) setdefault pop copy clear; loop.cycle().
 *   Mutating methods change the list or dict in place and return None
 *   (`{% set _ = l.append(x) %}`), as Jinja does with the caller's
 *   objects — but only containers the render's arena owns (the context
 *   fl_render builds, values the template made); others (an env global, a
 *   context built on the heap) fail rather than grow with arena memory.
 * Builtin globals: range() (at most 100000 items), dict(**kw),
 * namespace(mapping, **kw), cycler(*items) (.next(), .reset(), .current,
 * .items, .pos), joiner(sep=", ").
 * Filters: safe, e, escape, lower, upper, title, capitalize,
 * trim(chars), striptags, default/d(value, boolean), length/count,
 * join(d, attribute), round(precision, method), int(default, base),
 * float(default), truncate(length, killwords, end, leeway), format, abs,
 * first, last, list, string, replace(old, new, count), reverse,
 * wordcount; text filters (filters_text.c): tojson(indent) (Flask's:
 * sorted keys, ASCII, `, `/`: ` separators, < > & ' as \u003c…, markup),
 * center(width), indent(width, first, blank), wordwrap(width,
 * break_long_words, wrapstring, break_on_hyphens) (textwrap's rules),
 * urlencode, urlize(trim_url_limit, nofollow, target, rel, extra_schemes)
 * (rel always has Flask's "noopener"), filesizeformat(binary),
 * xmlattr(autospace), forceescape, pprint (pprint.pformat, width 80);
 * sequences (Jinja 3.1's arguments and defaults): sum(attribute, start),
 * sort(reverse, case_sensitive, attribute "a.b,c"), dictsort(case_sensitive,
 * by, reverse), groupby(attribute, default, case_sensitive) (items are named
 * tuples: .grouper/.list, unpacking, printed as a tuple), map(attribute=,
 * default=) / map('filter', args…), select/reject('test', args…),
 * selectattr/rejectattr(attribute, 'test', args…), batch(linecount,
 * fill_with), slice(slices, fill_with), unique(case_sensitive, attribute),
 * min/max(case_sensitive, attribute), items, attr(name), random.
 * Attribute paths are Jinja's: "a.b.0" (digits index a list); case-
 * insensitive by default means str.lower(); ordering mixed types is an
 * error, as Python's TypeError.  map/select/… call a filter or test by name
 * at render time, the application's before the built-in one.  batch and
 * slice build at most TPL_MAX_BUILD/16 values.
 * Tests: defined, undefined, none, number, string, mapping, sequence,
 * iterable, boolean, true, false, integer, float, odd, even, divisibleby,
 * eq/==/equalto, ne/!=, lt/<, le/<=, gt/>, ge/>=, in, lower, upper,
 * callable, sameas, escaped, filter, test.
 *
 * Differences from Jinja, by design or for lack of Python objects: integers
 * are 64-bit (overflow gives a float); floats are finite, as JSON's
 * ('inf'|float is 0.0, an infinite result is an error); tuples made by a
 * template literal are lists (print as [1, 2]; the named tuples of
 * groupby, items and dictsort print as tuples); upper/lower/capitalize map
 * case code point by code point plus the Latin special cases ("ß" → "SS",
 * "ﬁ" → "FI", "İ" → "i̇"; casefold is lower; no Greek final sigma); filters that
 * return a generator in Jinja (map, select, reject, selectattr, rejectattr,
 * batch, slice, unique, items) return a list, so `|length` and printing work
 * on them without `|list`; an undefined item in a list a filter builds
 * (map(attribute=) of a missing key without default=) is none there;
 * `attr` reads an object's attributes (a form field's, a named tuple's),
 * never a dict's keys, nor Python methods; `random` uses arc4random;
 * `{{ "<b>"|safe ~ "x" }}` on two constants is markup here while Jinja's
 * constant folding makes it plain; an unknown filter or test is a compile
 * error (as in Jinja: the template does not render at all, even where the
 * filter would never run), reported when the template is first rendered —
 * fl_tpl_compile_all and fl_tpl_check_all check syntax only, see there;
 * the render is stopped with an error past 64 nested
 * include/macro/extends/import/loop()/self levels, 20 million steps or 64
 * MiB output.
 * Left out, with the reason: lipsum() (random filler text, nothing a page
 * shows); {% break %}/{% continue %} (the loopcontrols extension, not in
 * Flask's environment: unknown tags as there); {% do %} and i18n's
 * {% trans %} (extensions Flask does not load); printing `self`, `loop`,
 * a namespace, a cycler or a joiner (Python reprs with addresses);
 * varargs print as a list, not a tuple.
 * `include … without context` and imports without context see only the
 * globals: the render's (fl_tpl_render_ex; under fl_render Flask's
 * request, session, g and config) and the env's (url_for, …), never the
 * render's context (render_template's arguments, context processors'
 * values) nor the including template's variables, as in Jinja.
 * Autoescape: .svg is on only from Flask 2.3 (off here, as Flask 2.2).
 * Unknown or misplaced tags fail as Jinja does ("Encountered unknown tag
 * 'x'. Jinja was looking for the following tags: 'endfilter'. The
 * innermost block that needs to be closed is 'filter'.").
 * Left out of the methods and text filters, with the reason: bytes and
 * str.encode/bytes.decode (templates have no bytes), str.format_map,
 * translate/maketrans and expandtabs (no page uses them), list.sort(key=)
 * (use the sort filter), str.isidentifier/isprintable/isascii; Unicode
 * character classes (isalpha, isdigit, \w in urlize and wordwrap) follow
 * the C library's UTF-8 locale, close to but not exactly Python's tables;
 * `{0.attr}` in str.format reads a dict's member (Python would raise, but
 * Flagon's rows are dicts standing for model objects); pprint and tojson
 * know the JSON kinds of value (no sets, no tuples but sequence objects).
 *
 * Undefined: a missing name, attribute, key or index is "undefined" (Jinja's
 * ChainableUndefined): it prints as "", is falsy, iterates as empty, has
 * length 0, `is defined` is false, and — unlike Jinja's default Undefined —
 * an attribute or item of undefined is again undefined instead of an error.
 * Arithmetic on undefined or calling it is an error.
 *
 * Markup: a value is safe HTML only when fl_markup (or the engine itself)
 * made it — markupsafe's Markup.  `safe` and `escape` make markup; under
 * autoescape the output of a macro (as its caller autoescapes), caller(),
 * super(), self.x(), loop() and {% set %}/{% filter %} bodies is markup,
 * a plain string without it; markup is never escaped again.  Under
 * autoescape `a ~ b` is markup when either side is markup, the plain side
 * then being escaped (markupsafe's Markup.__add__); without it `~` gives
 * a plain string.  Without autoescape {{ x }} prints str(x) as is and
 * `|e` still escapes.  Data cannot pass for markup: an
 * object {"__html__": "<b>"} from a request body, a row, a session or
 * json_pack is a dict and prints escaped, as in Jinja (the mark is a key
 * that no parser and no C-string key can hold; see value.c).
 *
 * Imported templates (import/from) see the globals — the render's
 * (fl_tpl_render_ex: Flask's session, g, config, request) and the env's
 * functions and values — but not the render's context; `with context`
 * gives them the importing template's context and variables too.
 * Each template prints with its own autoescape
 * (an .html including a .txt prints the .txt part raw).
 *
 * Extension (Jinja's env.filters / env.tests / env.globals, Flask's
 * template_filter, template_test, template_global): an application adds
 * filters, tests, global functions and global values with
 * fl_tpl_env_add_filter / _add_test / _add_function / _add_global, each a
 * C function of type fl_tpl_function (a filter's or a test's value is its
 * first argument).  The render's context wins over a global of the same
 * name; an added filter or test shadows a built-in one of the same name.
 * Objects with attributes that can also be called and print as their call
 * (WTForms' fields and labels) are fl_tpl_callable values.
 *
 * Errors: every syntax or render error returns FL_ETEMPLATE with an
 * fl_tpl_error naming the template, the 1-based line and column of the
 * offending token and a Jinja-like message.
 *
 * Not thread-safe: one env per process (FastCGI workers are processes).
 */
#ifndef FL_TEMPLATE_H
#define FL_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/html.h"

/* A template environment (Jinja's Environment; opaque). */
typedef struct fl_tpl_env fl_tpl_env;

/* Where and why a template failed. */
typedef struct fl_tpl_error {
	char file[256];     /* template name ("<string>" for render_string) */
	int line;           /* 1-based; 0 when not about a position */
	int column;         /* 1-based */
	char message[256];          /* Jinja-like text of the error */
} fl_tpl_error;

/* A global function callable from templates (url_for, csrf_token, …).
 * `ud` is the pointer given to fl_tpl_render; `args` is an array of the
 * positional arguments, `kwargs` an object of the keyword ones (both
 * belong to the render; do not keep them).  Return a new value made with
 * jansson while `a` is the jansson arena (the render sets it), or NULL with
 * err->message set (the engine adds file/line/column). */
typedef json_t *(*fl_tpl_function)(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
				   fl_tpl_error *err);

/* fl_tpl_bind_args — bind the arguments an fl_tpl_function gets to its
 * parameters as a Python def would: out[i] = the argument for names[i]
 * (n names), the i-th positional one of `args`, else kwargs[names[i]],
 * else NULL (not given; the caller applies its default).  The values are
 * borrowed from args/kwargs.  The first `required` names must be given.
 * Returns 0, or -1 with err->message set as Python words it ("fname()
 * takes 2 positional arguments but 3 were given", "fname() got an
 * unexpected keyword argument 'x'", "fname() got multiple values for
 * argument 'x'", "fname() missing required argument 'x'"). */
int fl_tpl_bind_args(const char *fname, json_t *args, json_t *kwargs,
	const char *const *names, size_t n, size_t required, json_t **out, fl_tpl_error *err);

/* fl_tpl_arg_truth — Python's truth of an optional argument v, as the
 * engine's own (`if v`): `dflt` when v is NULL (not given); false for
 * none, false, 0, 0.0, "", empty markup, empty lists and dicts. */
int fl_tpl_arg_truth(json_t *v, int dflt);

/* fl_tpl_env_new — an environment loading templates from `template_dir`
 * (more directories and in-memory templates: fl_tpl_env_add_path,
 * fl_tpl_env_add_source).
 * auto_reload: 1 to recompile a template when its file's mtime or size
 * changes (Flask's TEMPLATES_AUTO_RELOAD / DEBUG).  Heap-owned; free with
 * fl_tpl_env_free.  Returns NULL only if template_dir is NULL. */
fl_tpl_env *fl_tpl_env_new(const char *template_dir, int auto_reload);

/* fl_tpl_env_add_path — also look for templates in directory `dir`, after
 * the directories given before (the first is fl_tpl_env_new's): Jinja's
 * FileSystemLoader with a list of search paths, Flask's application
 * template folder followed by its blueprints'.  A name is the first file
 * found along the path; fl_tpl_compile_all compiles every directory (one
 * that does not exist, other than the first, is skipped).  The env keeps
 * a copy of `dir`. */
void fl_tpl_env_add_path(fl_tpl_env *env, const char *dir);

/* fl_tpl_env_add_source — a template held in memory under `name` (a
 * relative "/"-separated name like "bootstrap/base.html"), found when no
 * directory of the search path has a file of that name: Jinja's
 * ChoiceLoader([FileSystemLoader(...), DictLoader(...)]), how the
 * framework ships the templates of its extensions inside the library so
 * that an application can still override one with a file of its own.
 * `source` is copied; compiled on first use and never reloaded. */
void fl_tpl_env_add_source(fl_tpl_env *env, const char *name, const char *source);

/* fl_tpl_source_path — the file a render of template `name` would read
 * (the first directory of the search path that has it), as the filename
 * of Jinja's loader.get_source: for showing the lines around a template
 * error.  Returns a heap string the caller frees, or NULL when no
 * directory has the file (an in-memory template, an unknown or invalid
 * name). */
char *fl_tpl_source_path(const fl_tpl_env *env, const char *name);

/* fl_tpl_env_free — free the env and every compiled template. */
void fl_tpl_env_free(fl_tpl_env *env);

/* fl_tpl_env_add_function — make `fn` callable as `name(...)` in every
 * template (a later add of a function or a global with the same name
 * replaces it; Jinja's env.globals[name] = fn). */
void fl_tpl_env_add_function(fl_tpl_env *env, const char *name, fl_tpl_function fn);

/* A memo stamp (fl_tpl_env_memo_function): for the render's `ud`, the one
 * string that stands for everything besides its arguments the result of a
 * function depends on (url_for: the application's mount), or NULL when
 * nothing may be kept for this render.  `args` and `kwargs` are the
 * arguments of a call the engine thinks of keeping (as the function gets
 * them): return NULL for a call whose result depends on more (url_for with
 * _external, which names the request's host).  They are NULL when the
 * engine checks a call it kept before.  The string must stay valid until
 * the render ends; the engine copies what it keeps. */
typedef const char *(*fl_tpl_memo_stamp)(void *ud, json_t *args, json_t *kwargs);

/* fl_tpl_env_memo_function — let the engine keep, per call site, the
 * result of the env function `name` (fl_tpl_env_add_function, added
 * before) when every argument is a literal: `fn` is then called for such a
 * call the first time only, and later renders whose stamp(ud, NULL, NULL)
 * is the same string get the same value without a call (issue #20:
 * base.html's twenty url_for links).  Only a successful call returning a
 * string, number, boolean or none is kept; a template that passes its own
 * value under the name calls that.  Use it for functions whose result is
 * fixed for a process given the arguments and the stamp.  Replacing the
 * function (fl_tpl_env_add_function or _add_global of the name) drops the
 * stamp.  Nothing happens when `name` is not an env function. */
void fl_tpl_env_memo_function(fl_tpl_env *env, const char *name, fl_tpl_memo_stamp stamp);

/* fl_tpl_env_add_global — make `value` the global `name` of every template
 * (Jinja's env.globals[name] = value, Flask's app.add_template_global for a
 * value): a site name, a dict of settings, a callable object.  The render's
 * context wins over a global of the same name, as in Jinja.  The env keeps
 * a copy of its own (in memory freed with the env; markup and callable
 * objects in it stay what they are), so `value` stays the caller's and may
 * come from any arena.  NULL stands for None.  A later add of a function or a global with the same name replaces
 * it. */
void fl_tpl_env_add_global(fl_tpl_env *env, const char *name, json_t *value);

/* fl_tpl_env_add_filter — make `fn` the filter `name` (Jinja's
 * env.filters[name], Flask's app.template_filter): `{{ x|name(a, k=b) }}`
 * calls fn(ud, arena, [x, a], {"k": b}, err).  args[0] is the filtered
 * value (undefined is passed as null); the result is what the expression
 * becomes — return markup (fl_markup) for HTML that must not be escaped,
 * anything else is escaped when printed.  Like every fl_tpl_function the
 * result is made by jansson while the render's arena is its allocator (the
 * request arena under fl_render) and belongs to the render; the arguments
 * belong to the render too (read them, do not keep them past it); `ud` is
 * the render's (the fl_ctx * under fl_render and fl_render_mail).  NULL
 * with err->message set fails the render with that message and the
 * template's file, line and column.
 * Register filters before templates are compiled (fl_tpl_compile_all,
 * fl_tpl_check_all or a first render): a template that uses a filter nobody registered does not
 * render (FL_ETEMPLATE "No filter named 'x'." at its line and column).  A
 * filter named like a built-in one (`title`, `truncate`) replaces it in
 * every template compiled afterwards, as assigning env.filters[name] does
 * in Jinja; adding the same name again replaces the function everywhere. */
void fl_tpl_env_add_filter(fl_tpl_env *env, const char *name, fl_tpl_function fn);

/* fl_tpl_env_add_test — make `fn` the test `name` (Jinja's
 * env.tests[name], Flask's app.template_test): `{% if x is name(a) %}`
 * calls fn(ud, arena, [x, a], {}, err) and takes the truth of its result
 * (return json_true() / json_false(); any other value counts by Python's
 * truthiness).  Arguments, ownership, errors, compile-time resolution and
 * shadowing of built-in tests are as for fl_tpl_env_add_filter. */
void fl_tpl_env_add_test(fl_tpl_env *env, const char *name, fl_tpl_function fn);

/* fl_tpl_render — render template `name` (a relative path under the dir,
 * "/"-separated) with `context` (a JSON object, or NULL for none), appending
 * the text to `out`.  Values made while rendering come from `a` (jansson's
 * arena is set to `a` for the call and restored after).  `err` may be NULL.
 * Errors: FL_EINVAL for a name that is absolute or contains ".." or NUL,
 * FL_ENOTFOUND when there is no such file, FL_ETEMPLATE for syntax and
 * render errors (err filled); `out` may then hold partial output. */
fl_err fl_tpl_render(fl_tpl_env *env, const char *name, json_t *context, void *ud,
		     fl_arena *a, fl_buf *out, fl_tpl_error *err);

/* fl_tpl_render_ex — fl_tpl_render with render globals: `globals` (a JSON
 * object, or NULL for none) holds names every template of this render
 * sees — the top one, those it includes, and those imported or included
 * without context — as Flask's per-request globals request, session, g
 * and config are Jinja globals; `context` (a JSON object, or NULL) holds
 * what only the rendered template sees, and what it passes on with
 * context (includes, `import … with context`, extends): Jinja's
 * template.render(context), Flask's render_template arguments and context
 * processors' values.  A name is looked up as Jinja does: the template's
 * own variables, the context, then `globals`, then the env's globals
 * (fl_tpl_env_add_global/_add_function).  Both objects stay the caller's
 * and must outlive the call; values, arena, errors and `ud` as for
 * fl_tpl_render (which is this with globals NULL). */
fl_err fl_tpl_render_ex(fl_tpl_env *env, const char *name, json_t *globals, json_t *context,
			void *ud, fl_arena *a, fl_buf *out, fl_tpl_error *err);

/* fl_tpl_render_string_ex — fl_tpl_render_string with render globals, as
 * fl_tpl_render_ex (Flask's render_template_string). */
fl_err fl_tpl_render_string_ex(fl_tpl_env *env, const char *source, json_t *globals,
			       json_t *context, void *ud, fl_arena *a, fl_buf *out,
			       fl_tpl_error *err);

/* fl_tpl_render_string — compile `source` (not cached; file name
 * "<string>") and render it like fl_tpl_render.  It may include, import or
 * extend templates of the env's directory. */
fl_err fl_tpl_render_string(fl_tpl_env *env, const char *source, json_t *context, void *ud,
			    fl_arena *a, fl_buf *out, fl_tpl_error *err);

/* fl_tpl_compile_all — compile every file under the search path's
 * directories (recursively, skipping dot files) and every in-memory
 * template into the cache, where they stay for the env's life (a process
 * that forks its workers after this shares them); stops at and reports the
 * first error (FL_ETEMPLATE, or FL_EIO if the first directory cannot be
 * read).  Filters and tests are looked up as each file compiles, so
 * register the application's first; a name that no one registered is not
 * an error here but when the template is rendered (or included, imported,
 * extended): one templates/ directory may serve several applications
 * (Flasky and the tutorial's), each compiling every file but rendering
 * only its own, with filters of its own.  A filter registered after
 * compile_all is found too. */
fl_err fl_tpl_compile_all(fl_tpl_env *env, fl_tpl_error *err);

/* fl_tpl_check_all — the start-up check of a long-running process: compile
 * every template fl_tpl_compile_all would, with the same errors, and keep
 * none of them.  Each compiled tree is released as soon as it has compiled
 * (one template's memory at a time, freed before the process serves), and
 * a template is compiled again, into the cache, when a render first asks
 * for it (itself, or through include/import/extends): a process keeps the
 * handful of templates its pages use, not the whole directory (issue 20:
 * about 1 MB of heap per FastCGI process for Flasky's 55 files).  A
 * template already in the cache (a render asked for it before) stays
 * there.  What the check accepts a render compiles the same way, so a
 * template that passed cannot fail to compile later unless its file
 * changes (auto_reload). */
fl_err fl_tpl_check_all(fl_tpl_env *env, fl_tpl_error *err);

/* fl_html_escape (markupsafe.escape) is base/html.h, included above. */

/* fl_markup — markupsafe.Markup(html): a new value the engine prints as is
 * (html is trusted, never escaped).  It is a JSON object with one member
 * under a key that begins with a NUL byte, so no data can forge it; keep it
 * as an opaque value (a copy made with json_copy, json_deep_copy or by
 * re-setting its keys is no longer markup, and it does not survive a trip
 * through JSON text).  Made by jansson in the current jansson arena; a NULL
 * html gives an empty markup. */
json_t *fl_markup(const char *html);

/* fl_tpl_callable — an object templates can read AND call, like a
 * WTForms Field or a bound method with attributes: `{{ v.attr }}` reads a
 * member of `attrs`, `{{ v(a, k=b) }}` calls fn(ud, arena, [a], {"k": b},
 * err), and `{{ v }}` — or `~`, `|e`, `|string` and the other built-in
 * filters but `default` — uses its call with no arguments (Field.__html__
 * / __str__); the result prints unescaped when fn returns markup.  `ud` is
 * this object's own pointer (not the render's); it must outlive every
 * render that can reach the value (e.g. request-arena data for a value
 * built per request).  Each member of `attrs` (a JSON object; NULL: none)
 * is added with a new reference; attrs itself stays the caller's.  Like
 * markup it cannot be forged from data: the function is held under a key
 * that begins with a NUL byte, which no parsed JSON and no C-string key
 * can carry, and templates never see that member (not in iteration,
 * items(), length or printing).  A copy made with json_copy,
 * json_deep_copy or through JSON text is not guaranteed to stay callable.
 * `is callable` is true for it; its truth value is always true.  When
 * `attrs` was made by fl_tpl_sequence, the object also iterates (and
 * unpacks, `|list`, `v[0]`) over that sequence's items, as WTForms'
 * RadioField is both called and iterated over its options; it still has
 * no length, as in Python.  Made by
 * jansson in the current jansson arena; the caller owns the reference. */
json_t *fl_tpl_callable(json_t *attrs, fl_tpl_function fn, void *ud);

/* fl_tpl_sequence — an object that templates can read AND iterate, like a
 * WTForms Form (fields by name, and `{% for field in form %}` over them in
 * order) or a named tuple (Jinja's groupby items: `.grouper`, `.list`, and
 * unpacking `{% for g, items in ... %}`): `{% for x in v %}`, unpacking,
 * `v|length`, `v|list` and `v[0]` (an integer index) use `items` (a JSON
 * array; a new reference is taken), while `v.name` and `v['name']` read a
 * member of `attrs` (a JSON object; NULL: none; each member added with a
 * new reference).  It is true when it has items or attributes, and prints
 * as a Python tuple of its items, `(1, 'a')`.  Like markup it cannot be
 * forged from data (the items are under a key that begins with a NUL
 * byte; templates never see that member).  Made by jansson in the
 * current jansson arena; the caller owns the reference. */
json_t *fl_tpl_sequence(json_t *attrs, json_t *items);

/* fl_tpl_is_callable — 1 if v was made by fl_tpl_callable, else 0. */
int fl_tpl_is_callable(const json_t *v);

/* fl_tpl_lazy_fn — makes the members of a lazy object (fl_tpl_lazy):
 * with `name`, a new reference to that member, or NULL when the object
 * has no such member (an undefined attribute, `name in obj` false); with
 * `name` NULL, a new object holding ALL its members in the order the
 * dict it stands for has them (printing, iteration and |tojson show
 * that order).  Called during a render, in the render's jansson arena;
 * values it makes live as long as the object.  `ud` is the pointer given
 * to fl_tpl_lazy. */
typedef json_t *(*fl_tpl_lazy_fn)(void *ud, const char *name);

/* fl_tpl_lazy — a dict whose members are made when a template first
 * reads them, for values that cost more to build than most pages read:
 * obj.name and obj['name'] ask fn(ud, "name") the first time and keep
 * the result (a NULL answer is undefined, asked again next time); any
 * use of the object as a whole (printing, iteration, len(), items(),
 * ==, |tojson, `in`, passing it to a C function) first fills it with
 * fn(ud, NULL)'s members and drops the mark, so it behaves exactly as the
 * dict built whole would.  `ud` must outlive the render (the request's
 * arena).  Made by jansson in the current jansson arena; the caller owns
 * the reference.  C code must not read its members with json_object_get
 * (they may not be there yet). */
json_t *fl_tpl_lazy(fl_tpl_lazy_fn fn, void *ud);

/* fl_tpl_lazy_members — mark object `obj` (a plain object or one made by
 * fl_tpl_callable / fl_tpl_sequence, with no members of its own yet)
 * lazy like fl_tpl_lazy, all its members made by fn; `obj` is returned
 * (the same reference), unchanged when it is not an object or already has
 * ordinary members. */
json_t *fl_tpl_lazy_members(json_t *obj, fl_tpl_lazy_fn fn, void *ud);

/* fl_markup_html — the HTML of markup `v` (its length in *len, may be
 * NULL), or NULL when v is not markup: what a filter reads from markup it
 * is given (a string it must escape itself; see fl_html_escape).  Owned by
 * v. */
const char *fl_markup_html(const json_t *v, size_t *len);

/* fl_is_markup — 1 if v was made by fl_markup or by the engine (`safe`,
 * `escape`, a macro's output, ...), 0 for anything else, including data
 * shaped like {"__html__": "..."}.  O(1): the object's size, then one key
 * compare. */
int fl_is_markup(const json_t *v);

#endif
