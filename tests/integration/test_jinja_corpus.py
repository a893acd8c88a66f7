"""The template corpus, Flagon against Jinja itself (issue 16).

Every case of tests/jinja/cases/ (a template `<prefix>_<what>.html|.txt`
with an optional `<prefix>_<what>.json` context beside it; shared includes,
imports and bases under _lib/) is rendered once by the real Jinja —
Debian's python3-jinja2 in Flask's environment, tests/jinja/render_jinja.py
--all, one process for the whole corpus — and once by `./manage render`
(one process per case); the bytes must be identical.  A case where Jinja
raises must make `./manage render` fail too, with a `file:line:col: `
message.

The error cases of tests/jinja/errors/ (`err_<what>.html`, templates that
do not render) hold in a sidecar `err_<what>.expect` the location Flagon
must report, `file:line:col` (the file as a template name: an error inside
an included or imported template names that template).  Jinja has no
columns; the file and line must be the ones Jinja's exception carries
(TemplateSyntaxError.lineno, or the template frame of its traceback).

Every case must pass: there is no list of expected failures.  What Flagon
leaves out of Jinja on purpose is listed in lib/template/template.h, not
kept here as a failing case.
"""
import importlib.util
import json
import os
import re
import subprocess

import pytest

import servers

JINJA_DIR = os.path.join(servers.ROOT, "tests", "jinja")
CASES = os.path.join(JINJA_DIR, "cases")
ERRORS = os.path.join(JINJA_DIR, "errors")
ORACLE = os.path.join(JINJA_DIR, "render_jinja.py")

LOCATION = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): \S")


def _load_oracle():
    spec = importlib.util.spec_from_file_location("render_jinja", ORACLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_oracle = _load_oracle()


def _params(directory):
    """The cases of `directory` as render_jinja.py --all lists them."""
    if not os.path.isdir(directory):
        return []
    return [pytest.param(name, id=name) for name in _oracle.cases(directory)]


def _jinja_all(directory):
    r = subprocess.run(["/usr/bin/python3", ORACLE, directory, "--all"], capture_output=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    return json.loads(r.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def jinja_cases():
    return _jinja_all(CASES)


@pytest.fixture(scope="module")
def jinja_errors():
    return _jinja_all(ERRORS)


@pytest.fixture(scope="module")
def manage_env(tmp_path_factory):
    var = str(tmp_path_factory.mktemp("render"))
    env = servers.base_env(servers.app_env(var))
    if not os.access(servers.MANAGE, os.X_OK):
        pytest.fail("not built (run make): %s" % servers.MANAGE, pytrace=False)
    return env


def flagon_render(env, directory, name):
    """`./manage render DIR/NAME [--context @DIR/BASE.json]` as bytes."""
    args = [servers.MANAGE, "render", os.path.join(directory, name)]
    ctx = os.path.join(directory, os.path.splitext(name)[0] + ".json")
    if os.path.exists(ctx):
        args += ["--context", "@" + ctx]
    return subprocess.run(args, env=env, cwd=servers.ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=30)


@pytest.mark.parametrize("name", _params(CASES))
def test_case_renders_as_jinja_does(name, jinja_cases, manage_env):
    want = jinja_cases[name]
    r = flagon_render(manage_env, CASES, name)
    err = r.stderr.decode("utf-8", "replace")
    if "error" in want:
        assert r.returncode != 0, "Jinja raised %s; Flagon rendered %r" % (
            want["error"], r.stdout[:2000])
        first = err.splitlines()[0] if err else ""
        assert LOCATION.match(first), "no file:line:col: message on stderr: %r" % err
        return
    assert r.returncode == 0, "Flagon failed: %s\n(Jinja rendered %r)" % (err, want["out"][:2000])
    got = r.stdout.decode("utf-8", "replace")
    assert got == want["out"], "Flagon (left) and Jinja (right) differ"
    assert r.stdout == want["out"].encode("utf-8")


def _expected_location(name):
    path = os.path.join(ERRORS, os.path.splitext(name)[0] + ".expect")
    with open(path, encoding="utf-8") as f:
        text = f.readline().strip()
    m = re.fullmatch(r"(?P<file>.+):(?P<line>\d+):(?P<col>\d+)", text)
    assert m, "%s: want file:line:col, got %r" % (path, text)
    return m.group("file"), int(m.group("line")), int(m.group("col"))


@pytest.mark.parametrize("name", _params(ERRORS))
def test_error_names_file_line_and_column(name, jinja_errors, manage_env):
    file, line, col = _expected_location(name)
    want = jinja_errors[name]
    # Jinja agrees on the file and the line (it has no columns).
    assert "error" in want, "Jinja renders %s: %r" % (name, want.get("out"))
    assert (want["file"], want["lineno"]) == (file, line), want["error"]
    r = flagon_render(manage_env, ERRORS, name)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 1, "exit %d, stderr %r" % (r.returncode, err)
    assert r.stdout == b""
    first = err.splitlines()[0] if err else ""
    m = LOCATION.match(first)
    assert m, "no file:line:col: message on stderr: %r" % err
    assert (m.group("file"), int(m.group("line")), int(m.group("col"))) == (file, line, col), \
        "Flagon says %r; Jinja: %s at %s:%s" % (first, want["error"], want["file"], want["lineno"])


def test_every_error_case_has_an_expectation():
    for param in _params(ERRORS):
        name = param.values[0]
        assert os.path.exists(os.path.join(ERRORS, os.path.splitext(name)[0] + ".expect")), name


def test_the_corpus_is_not_empty():
    assert len(_params(CASES)) > 0 and len(_params(ERRORS)) > 0
