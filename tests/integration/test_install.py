"""An application outside this tree, built against the installed Flagon.

`make install PREFIX=<tmp>` puts libflagon.a, the headers, flagon.pc and the
framework's templates into a scratch prefix; a one-blueprint application
(hello.c below, its own templates/ plus the installed ones) is written into
a directory outside the checkout, compiled with nothing but
`cc hello.c $(pkg-config --cflags --libs flagon)`, and served by lighttpd
over FastCGI with a config of its own.  The application finds its root by
walking up from its executable (no FLAGON_ROOT), as an installed one does.

Nothing here is skipped: a missing tool, a library not built, a header that
includes one that was not installed, a link error — each fails with the
command's output.
"""
import os
import re
import shlex

import pytest

import servers
from installed import build_arg, make_env, pkg_config, prefix, run, sanitizer_flags  # noqa: F401
from servers import Browser, csrf_token

# ---- the application: one blueprint, its own templates ----

HELLO_C = r"""/* hello — a one-blueprint Flagon application outside the Flagon tree. */
#include <flagon/flagon.h>

static const fl_validator name_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 64, NULL),
	FL_VALIDATORS_END,
};

static const fl_field_def name_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", name_validators),
	FL_SUBMIT_FIELD("submit", "Greet"),
	FL_FIELDS_END,
};

static const fl_form_def NameForm = { "NameForm", name_fields };

static int show(fl_ctx *c, fl_form *form)
{
	return fl_render(c, 0, "index.html", json_pack("{s:o, s:s}",
		"form", fl_make_form_context(c, form),
		"action", fl_url_for(c, ".greet", NULL)));
}

static int index_view(fl_ctx *c)
{
	return show(c, fl_new_form(c, &NameForm));
}

static int greet_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &NameForm);
	if (!fl_validate_on_submit(c, form))
		return show(c, form);
	/* At most 64 characters of at most 4 bytes each: it fits. */
	char message[300];
	snprintf(message, sizeof message, "Hello, %s!", fl_get_form_value(c, "name"));
	fl_flash(c, message, "success");
	return fl_redirect(c, fl_url_for(c, ".index", NULL), 303);
}

static int ping_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, "pong\n");
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	{ "/greet", "greet", FL_M_POST, greet_view, 0 },
	{ "/ping", "ping", FL_M_GET, ping_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint hello = { .name = "hello", .routes = routes };

int main(void)
{
	return fl_run(&hello);
}
"""

TEMPLATES = {
    "layout.html": """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}Hello app{% endblock %}</title></head>
<body>
<header>Hello app</header>
{%- for category, message in get_flashed_messages(with_categories=true) %}
<p class="flash {{ category }}">{{ message }}</p>
{%- endfor %}
{% block page_content %}{% endblock %}
</body>
</html>
""",
    "index.html": """{% extends "layout.html" %}
{% import "_forms.html" as forms %}
{% import "_moment.html" as moment %}
{% import "_pagination.html" as pages %}
{% block page_content %}
<h1>Greetings</h1>
{{ forms.quick_form(form, action=action) }}
<p>Since {{ moment.moment("2026-01-02 03:04:05") }}</p>
{{ pages.render_pagination({"page": 1, "per_page": 10, "pages": 2, "has_prev": false,
    "has_next": true, "prev_num": none, "next_num": 2, "iter_pages": [1, 2]}, ".index") }}
{% endblock %}
""",
    # The library renders error.html (code, title, message) for every error.
    "error.html": """{% extends "layout.html" %}
{% block title %}Hello app - {{ title }}{% endblock %}
{% block page_content %}
<h1>{{ title }}</h1>
<p class="error">{{ code }}: {{ message }}</p>
{% endblock %}
""",
}

FRAMEWORK_TEMPLATES = ["_forms.html", "_moment.html", "_pagination.html"]


# ---- helpers (installed.py) ----

def _internal(header):
    """Shared between one module's own files, never installed (the
    Makefile's INSTALL_HDR rule)."""
    name = os.path.basename(header)
    return name == "internal.h" or name.endswith("_internal.h")


class OutsideLighttpd(servers.Server):
    """lighttpd with a config of its own, serving one application that is
    not in the checkout: no FLAGON_ROOT, no migrations (the app declares no
    models; the library creates its database file at start-up)."""
    kind = "lighttpd"

    def __init__(self, workdir, appdir, exe):
        super().__init__(workdir, {"hello": exe})
        self.env = {"APP_CONFIG": "testing", "SECRET_KEY": servers.SECRET_KEY}
        self.conf = os.path.join(workdir, "lighttpd.conf")
        with open(self.conf, "w") as f:
            f.write("""server.modules = ( "mod_fastcgi" )
server.document-root = "%(root)s/htdocs"
server.bind = "127.0.0.1"
server.port = %(port)d
server.pid-file = "%(var)s/lighttpd.pid"
server.errorlog = "%(var)s/lighttpd-error.log"
mimetype.assign = ( ".css" => "text/css; charset=utf-8" )
fastcgi.server = (
  "/cgi-bin/hello" => ((
    "bin-path" => "%(exe)s",
    "socket" => "%(var)s/run/hello.sock",
    "check-local" => "disable",
    "max-procs" => 1,
  )),
)
""" % {"root": appdir, "port": self.port, "var": self.var, "exe": exe})

    def migrate(self):
        pass

    def command(self):
        return [servers.LIGHTTPD, "-D", "-f", self.conf]

    def server_env(self):
        return dict(self.env)

    @property
    def error_log(self):
        return os.path.join(self.var, "lighttpd-error.log")


# ---- fixtures (prefix: installed.py) ----

@pytest.fixture(scope="module")
def app(prefix, tmp_path_factory):
    """hello.c and its templates in a directory outside the checkout,
    compiled against the installed Flagon; returns (appdir, executable)."""
    appdir = str(tmp_path_factory.mktemp("helloapp"))
    assert not os.path.realpath(appdir).startswith(os.path.realpath(servers.ROOT) + os.sep)
    with open(os.path.join(appdir, "hello.c"), "w") as f:
        f.write(HELLO_C)
    tdir = os.path.join(appdir, "templates")
    os.makedirs(tdir)
    for name, text in TEMPLATES.items():
        with open(os.path.join(tdir, name), "w") as f:
            f.write(text)
    # The framework's templates beside the app's own, as the README says.
    installed = pkg_config(prefix, "--variable=templatedir").strip()
    for name in FRAMEWORK_TEMPLATES:
        os.symlink(os.path.join(installed, name), os.path.join(tdir, name))
    os.makedirs(os.path.join(appdir, "htdocs", "static"))
    with open(os.path.join(appdir, "htdocs", "static", "style.css"), "w") as f:
        f.write("body { margin: 0 }\n")
    os.makedirs(os.path.join(appdir, "cgi-bin"))
    exe = os.path.join(appdir, "cgi-bin", "hello")
    flags = shlex.split(pkg_config(prefix, "--cflags", "--libs"))
    san = sanitizer_flags(os.path.join(prefix, "lib", "libflagon.a"))
    run(["cc", "-Wall", "-Wextra", "-Werror"] + san + ["hello.c"] + flags + ["-o", exe],
         "compiling the outside application", cwd=appdir)
    return appdir, exe


@pytest.fixture(scope="module")
def hello(app, tmp_path_factory):
    appdir, exe = app
    s = OutsideLighttpd(str(tmp_path_factory.mktemp("helloserver")), appdir, exe)
    s.start()
    yield s
    s.stop()


# ---- what was installed ----

def test_installed_files(prefix):
    inc = os.path.join(prefix, "include", "flagon")
    headers = set()
    for d, _, files in os.walk(inc):
        for f in files:
            headers.add(os.path.relpath(os.path.join(d, f), inc))
    assert "flagon.h" in headers
    assert {"base/arena.h", "http/request.h", "web/app.h", "form/form.h"} <= headers
    assert not [h for h in headers if _internal(h)], headers
    # Every header the tree has outside the internal ones, in its folder.
    lib = os.path.join(servers.ROOT, "lib")
    for d, _, files in os.walk(lib):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), lib)
            if f.endswith(".h") and not _internal(rel):
                assert rel in headers, "not installed: lib/%s" % rel
    # No installed header includes one that was not installed.
    for h in sorted(headers):
        with open(os.path.join(inc, h)) as f:
            for inc_name in re.findall(r'^\s*#\s*include\s+"([^"]+)"', f.read(), re.M):
                assert inc_name in headers, "%s includes %s, which is not installed" % (h, inc_name)
    assert os.path.isfile(os.path.join(prefix, "lib", "libflagon.a"))
    tdir = os.path.join(prefix, "share", "flagon", "templates")
    assert sorted(os.listdir(tdir)) == sorted(FRAMEWORK_TEMPLATES)
    assert os.path.isfile(os.path.join(prefix, "share", "flagon", "static", "moment.js"))
    assert pkg_config(prefix, "--variable=prefix").strip() == prefix
    assert pkg_config(prefix, "--variable=templatedir").strip() == tdir
    assert re.match(r"\d+\.\d+\.\d+$", pkg_config(prefix, "--modversion").strip())


def test_every_installed_header_compiles(prefix, tmp_path):
    """Both spellings of the one include, then every header by its folder
    name, with pkg-config's flags alone."""
    inc = os.path.join(prefix, "include", "flagon")
    lines = ["#include <flagon/flagon.h>", '#include "flagon.h"']
    for d, _, files in sorted(os.walk(inc)):
        for f in sorted(files):
            lines.append('#include "%s"' % os.path.relpath(os.path.join(d, f), inc))
    src = tmp_path / "all_headers.c"
    src.write_text("\n".join(lines) + "\nint main(void) { return 0; }\n")
    flags = shlex.split(pkg_config(prefix, "--cflags"))
    run(["cc", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", str(src)] + flags,
         "compiling every installed header")


# ---- the application, over HTTP ----

def test_index_page(hello):
    b = Browser(hello)
    r = b.get("/cgi-bin/hello/")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "<header>Hello app</header>" in r.text            # its own layout
    assert "<h1>Greetings</h1>" in r.text
    # _forms.html's quick_form: the action from url_for, the CSRF token,
    # the field with its label and the validators' attributes.
    assert '<form action="/cgi-bin/hello/greet" method="post"' in r.text
    assert csrf_token(r.text)
    assert '<label class="form-label control-label" for="name">What is your name?</label>' in r.text
    assert 'maxlength="64"' in r.text and 'value="Greet"' in r.text
    # _moment.html and _pagination.html (url_for in an installed template).
    assert '<time datetime="2026-01-02T03:04:05Z" class="flask-moment"' in r.text
    assert 'href="/cgi-bin/hello/?page=2&amp;per_page=10" rel="next"' in r.text


def test_text_route(hello):
    r = Browser(hello).get("/cgi-bin/hello/ping")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "pong\n"


def test_post_flashes_and_redirects(hello):
    b = Browser(hello)
    token = csrf_token(b.get("/cgi-bin/hello/").text)
    r = b.post("/cgi-bin/hello/greet", data={"name": "<Ada>", "csrf_token": token,
                                             "submit": "Greet"})
    assert r.status_code == 303, r.text[:500]
    assert r.headers["Location"].endswith("/cgi-bin/hello/")
    r = b.get("/cgi-bin/hello/")
    assert '<p class="flash success">Hello, &lt;Ada&gt;!</p>' in r.text   # escaped
    assert "Hello, &lt;Ada&gt;!" not in b.get("/cgi-bin/hello/").text     # shown once


def test_invalid_form_shows_errors(hello):
    b = Browser(hello)
    token = csrf_token(b.get("/cgi-bin/hello/").text)
    r = b.post("/cgi-bin/hello/greet", data={"name": "", "csrf_token": token})
    assert r.status_code == 200
    assert "This field is required." in r.text
    assert 'class="flash' not in r.text


def test_post_without_csrf_token_is_400(hello):
    b = Browser(hello)
    b.get("/cgi-bin/hello/")
    r = b.post("/cgi-bin/hello/greet", data={"name": "Eve"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    r = b.post("/cgi-bin/hello/greet", data={"name": "Eve", "csrf_token": "forged"})
    assert r.status_code == 400
    assert "The CSRF token is invalid." in r.text


def test_404_and_405(hello):
    b = Browser(hello)
    r = b.get("/cgi-bin/hello/nowhere")
    assert r.status_code == 404
    assert "Page Not Found" in r.text
    assert "<title>Hello app - Page Not Found</title>" in r.text   # its own error.html
    r = b.get("/cgi-bin/hello/greet")
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]


def test_root_is_the_application_directory(hello, app):
    """Without FLAGON_ROOT the root is the nearest directory above the
    executable that holds templates/: the testing config's database
    (sqlite:///var/data-test.sqlite) is created under it."""
    appdir, _ = app
    assert os.path.isfile(os.path.join(appdir, "var", "data-test.sqlite"))


# ---- DESTDIR and uninstall ----

def test_destdir_install_and_uninstall(prefix, tmp_path):
    stage = str(tmp_path / "stage")
    args = ["make", "--no-print-directory", "-C", servers.ROOT, build_arg(),
            "PREFIX=/opt/flagon", "DESTDIR=" + stage]
    run(args + ["install"], "make install DESTDIR=", env=make_env())
    root = os.path.join(stage, "opt", "flagon")
    assert os.path.isfile(os.path.join(root, "lib", "libflagon.a"))
    assert os.path.isfile(os.path.join(root, "include", "flagon", "web", "app.h"))
    with open(os.path.join(root, "lib", "pkgconfig", "flagon.pc")) as f:
        assert "prefix=/opt/flagon\n" in f.read()      # where it will live, not the stage
    run(args + ["uninstall"], "make uninstall", env=make_env())
    left = [os.path.join(d, f) for d, _, files in os.walk(stage) for f in files]
    assert left == []
