"""`./manage render TEMPLATE [--context JSON]` (SPEC §5, issue 16): a
template rendered with the application's template environment inside a
test request context, printed byte for byte; template errors as
file:line:col: message with exit status 1; bad --context JSON exit 2."""
import os
import subprocess

import pytest

import servers


def render(tmp_path, args, stdin=None, env_extra=None):
    env = servers.base_env(dict(servers.app_env(str(tmp_path / "var")), **(env_extra or {})))
    return subprocess.run([servers.MANAGE, "render"] + list(args), env=env, cwd=servers.ROOT,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, timeout=30)


def out(r):
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr == b""
    return r.stdout.decode("utf-8")


def test_stdin_is_a_template_string_with_autoescape(tmp_path):
    r = render(tmp_path, ["-"], stdin="{{ 1 + 1 }} {{ '<x>' }} {{ '<b>'|safe }}\n".encode())
    # Flask's render_template_string: autoescaped; Jinja drops the one
    # trailing newline and nothing is added.
    assert out(r) == "2 &lt;x&gt; <b>"


def test_output_is_byte_for_byte(tmp_path):
    # As Jinja: line endings become "\n", the last one is dropped.
    r = render(tmp_path, ["-"], stdin="é\t世界\r\n\n\n".encode())
    assert r.stdout == "é\t世界\n\n".encode()


def test_context_json_inline_and_from_a_file(tmp_path):
    src = b"{{ name }} {{ items|join(',') }} {{ n * 2 }}"
    r = render(tmp_path, ["-", "--context", '{"name": "<A>", "items": [1, 2], "n": 2.5}'], src)
    assert out(r) == "&lt;A&gt; 1,2 5.0"
    r = render(tmp_path, ["--context={\"name\": \"x\", \"items\": [], \"n\": 1}", "-"], src)
    assert out(r) == "x  2"
    ctx = tmp_path / "ctx.json"
    ctx.write_text('{"name": "från fil", "items": ["a"], "n": 0}', encoding="utf-8")
    r = render(tmp_path, ["-", "--context", "@" + str(ctx)], src)
    assert out(r) == "från fil a 0"


@pytest.mark.parametrize("ctx,where", [
    ('{"a": }', "line 1, column 7"),
    ('{"a": 1,\n "b" 2}', "line 2, column"),
    ("[1, 2]", "must be a JSON object"),
    ('"text"', "invalid JSON"),
])
def test_bad_context_json_exits_2_with_one_line(tmp_path, ctx, where):
    r = render(tmp_path, ["-", "--context", ctx], b"x")
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert r.stdout == b""
    assert len(err.strip().splitlines()) == 1 and where in err, err
    assert err.startswith("manage render: --context")


def test_context_file_that_does_not_exist(tmp_path):
    r = render(tmp_path, ["-", "--context", "@" + str(tmp_path / "nope.json")], b"x")
    assert r.returncode == 2 and "nope.json" in r.stderr.decode()


def test_template_error_prints_file_line_column(tmp_path):
    t = tmp_path / "broken.html"
    t.write_text("<p>\n  {{ 1 + }}\n</p>\n", encoding="utf-8")
    r = render(tmp_path, [str(t)])
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode() == "broken.html:2:10: unexpected 'end of print statement'\n"
    r = render(tmp_path, ["-"], b"ok\n{{ nothing() }}")
    assert r.returncode == 1
    assert r.stderr.decode().startswith("<stdin>:2:4: ")


def test_missing_template(tmp_path):
    r = render(tmp_path, [str(tmp_path / "nope.html")])
    assert r.returncode == 1
    assert r.stderr.decode() == "manage render: no such template: %s\n" % (tmp_path / "nope.html")


@pytest.mark.parametrize("args", [[], ["a.html", "b.html"], ["--frobnicate", "x.html"],
                                  ["x.html", "--context"]])
def test_usage_errors_exit_2(tmp_path, args):
    r = render(tmp_path, args)
    assert r.returncode == 2 and r.stderr.decode().startswith("manage render: ")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(tmp_path, flag):
    r = render(tmp_path, ["x.html", flag])
    assert r.returncode == 0
    assert r.stdout.decode().startswith("usage: manage render TEMPLATE [--context JSON]")


def test_a_file_outside_the_templates_folder_sees_its_neighbours_and_the_apps(tmp_path):
    """The file's own directory first, then the application's templates/."""
    (tmp_path / "part.html").write_text("[part {{ who }}]", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '{% include "part.html" %}{% import "_pagination.html" as macros %}'
        '{{ macros.render_pagination is defined }}', encoding="utf-8")
    r = render(tmp_path, [str(tmp_path / "page.html"), "--context", '{"who": "<me>"}'])
    assert out(r) == "[part &lt;me&gt;]True"
    # The neighbour of the same name wins over the application's template.
    (tmp_path / "index.html").write_text("mine", encoding="utf-8")
    (tmp_path / "uses_index.html").write_text('{% include "index.html" %}', encoding="utf-8")
    assert out(render(tmp_path, [str(tmp_path / "uses_index.html")])) == "mine"


def test_a_file_inside_the_templates_folder_renders_by_its_name(tmp_path):
    ctx = '{"user": {"username": "bob"}}'
    by_path = render(tmp_path, [os.path.join(servers.ROOT, "templates", "mail", "new_user.txt"),
                                "--context", ctx])
    assert "User bob has joined." in out(by_path)
    # A relative path that is no file is a name under the template folder.
    by_name = render(tmp_path, ["mail/new_user.txt", "--context", ctx])
    assert out(by_name) == out(by_path)


def test_error_in_an_included_template_names_it(tmp_path):
    (tmp_path / "inner.html").write_text("a\n{% if %}", encoding="utf-8")
    (tmp_path / "outer.html").write_text('{% include "inner.html" %}', encoding="utf-8")
    r = render(tmp_path, [str(tmp_path / "outer.html")])
    assert r.returncode == 1
    assert r.stderr.decode().startswith("inner.html:2:7: ")


def test_the_application_environment_and_request_context(tmp_path):
    """url_for as for GET / of the first blueprint, request/session/g/config,
    Flasky's own datetimeformat filter and context processor."""
    src = ("{{ url_for('index') }} {{ url_for('static', filename='a b.css') }} "
           "{{ url_for('.user', name='x y') }} "
           "{{ request.method }} {{ request.path }} {{ request.url }} {{ session|length }} "
           "{{ g is defined }} {{ config is defined }} {{ get_flashed_messages() }} "
           "{{ csrf_token()|length > 20 }} "
           "{{ 86400|datetimeformat('%Y-%m-%d') }} {{ app_name }} {{ current_time is number }}")
    r = render(tmp_path, ["-"], src.encode())
    assert out(r) == ("/cgi-bin/main/ /static/a%20b.css /cgi-bin/main/user/x%20y "
                      "GET / http://localhost/cgi-bin/main/ 0 True True [] True "
                      "1970-01-02 Flasky True")


def test_needs_no_database_and_writes_nothing(tmp_path):
    """The configured database is never opened (not even created), and
    nothing is written under var/."""
    var = tmp_path / "var"
    r = render(tmp_path, ["-"], b"{{ 1 }}",
               env_extra={"DATABASE_URI": "sqlite:///" + str(var / "sub" / "db.sqlite")})
    assert out(r) == "1"
    assert not var.exists() or not any(var.rglob("*"))
