"""`./manage COMMAND --help` (and -h) prints the command's usage on stdout
and exits 0 for every command and subcommand (SPEC §5), before reading any
configuration or touching a database."""
import os
import re

import pytest

import servers

CASES = [
    ["db"], ["db", "upgrade"], ["db", "migrate"], ["db", "downgrade"],
    ["db", "init"], ["db", "revision"], ["db", "current"], ["db", "history"],
    ["db", "heads"], ["db", "show"], ["db", "stamp"], ["db", "check"],
    ["db", "create_all"], ["db", "drop_all"], ["db", "upgrade", "--sql", "head"],
    ["runserver"], ["routes"], ["seed"], ["shell"],
    ["user"], ["user", "add"], ["session"], ["session", "purge"],
    ["mail"], ["mail", "send"], ["mail", "flush"], ["test"], ["render"],
    ["deploy"],                        # the application's own (app/commands.c)
]


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_every_command_answers_help(tmp_path, args, flag):
    if args == ["runserver"] and flag == "-h":
        args = ["runserver"]           # a lone -h: no HOST follows it
    env = dict(servers.app_env(str(tmp_path)), APP_CONFIG="production")
    env.pop("SECRET_KEY", None)        # help needs no configuration at all
    r = servers.run_manage(args + [flag], env)
    assert r.returncode == 0, (args, r.stderr)
    assert r.stdout.startswith("usage: manage " + args[0]), r.stdout
    assert r.stderr == ""
    assert not [f for f in os.listdir(str(tmp_path)) if f.endswith(".sqlite")]


def test_runserver_h_with_a_value_is_the_host(tmp_path):
    """runserver's -h takes HOST (Flask-Script's option), so `-h x --help`
    is help and `-h HOST` is not."""
    env = servers.app_env(str(tmp_path))
    r = servers.run_manage(["runserver", "-h", "127.0.0.1", "--help"], env)
    assert r.returncode == 0 and r.stdout.startswith("usage: manage runserver")
    r = servers.run_manage(["runserver", "-h", "127.0.0.1", "-p", "0"], env)
    assert r.returncode != 0 and "invalid port" in r.stderr


def test_top_level_help_names_command_help(tmp_path):
    r = servers.run_manage(["--help"], servers.app_env(str(tmp_path)))
    assert r.returncode == 0
    assert "manage COMMAND --help" in r.stdout


# --- Every command ./manage --help lists, of every application (issue 18) ---
# Enumerated from the tools' own help, so a command added later (runserver,
# test, new, an application's) is covered without touching this file.

MANAGES = {
    "flasky": servers.MANAGE,
    "flaskr": os.path.join(servers.BUILD, "tutorial", "manage"),
    "guestbook": os.path.join(servers.BUILD, "tests", "guestbook", "manage"),
}


def _run(manage, args, tmp):
    env = dict(servers.app_env(str(tmp)), APP_CONFIG="production",
               FLAGON_VAR=str(tmp), MIGRATIONS_DIR=str(tmp / "migrations"))
    env.pop("SECRET_KEY", None)
    return servers.run_manage(args, env, timeout=30, manage=manage)


def _commands(manage, tmp):
    """The command names `manage --help` lists: its indented lines whose
    first word is a command (built-in, then the application's)."""
    r = _run(manage, ["--help"], tmp)
    assert r.returncode == 0, r.stderr
    names = []
    for line in r.stdout.splitlines():
        m = re.match(r"^  ([a-z][a-z0-9_-]*)(\s|$)", line)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    return names


def _subcommands(cmd, usage):
    """The subcommands a command's usage names: `manage CMD SUB` in it, and
    for a `CMD SUBCOMMAND` usage its indented list."""
    subs = set(re.findall(r"manage %s ([a-z][a-z0-9_]*)" % re.escape(cmd), usage))
    first = usage.splitlines()[0]
    if "SUBCOMMAND" in first:
        subs |= {m.group(1) for m in re.finditer(r"(?m)^  ([a-z][a-z0-9_]*)(\s|$)", usage)}
    return sorted(subs)


def _all_invocations(manage, tmp):
    out = []
    for cmd in _commands(manage, tmp):
        r = _run(manage, [cmd, "--help"], tmp)
        out.append(([cmd], r))
        for sub in _subcommands(cmd, r.stdout):
            out.append(([cmd, sub], None))
    return out


@pytest.mark.parametrize("app", sorted(MANAGES))
def test_help_and_unknown_options_everywhere(tmp_path, app):
    """Each command and subcommand: --help and -h print its usage on stdout
    and exit 0; --bogus and -x exit non-zero naming the option (nothing is
    run: no database appears, no server, no test suite)."""
    manage = MANAGES[app]
    if not os.path.exists(manage):
        pytest.fail("%s is not built" % manage)
    invocations = _all_invocations(manage, tmp_path)
    names = [" ".join(a) for a, _ in invocations]
    for must in ("db", "db upgrade", "routes", "seed", "shell", "session purge",
                 "mail send", "mail flush", "render", "test", "runserver"):
        assert must in names, (app, names)
    if app == "flasky":
        assert "deploy" in names and "user add" in names, names
    problems = []
    for args, _ in invocations:
        for flag in ("--help", "-h"):
            r = _run(manage, args + [flag], tmp_path)
            if r.returncode != 0 or not r.stdout.startswith("usage: manage " + args[0]) \
                    or r.stderr:
                problems.append((args, flag, r.returncode, r.stdout[:80], r.stderr[:200]))
        for bad in ("--bogus", "-x"):
            r = _run(manage, args + [bad], tmp_path)
            if r.returncode == 0 or bad not in r.stderr:
                problems.append((args, bad, r.returncode, r.stdout[:80], r.stderr[:200]))
    assert not problems, problems
    assert not [f for f in os.listdir(str(tmp_path)) if f.endswith(".sqlite")]


@pytest.mark.parametrize("args,named", [
    (["routes", "foo"], "unexpected argument 'foo'"),
    (["seed", "extra"], "unexpected argument 'extra'"),
    (["session", "purge", "now"], "unexpected argument 'now'"),
    (["mail", "send"], "missing argument TO"),
    (["mail", "send", "a@b.c", "d@e.f"], "unexpected argument 'd@e.f'"),
    (["mail", "post"], "unknown subcommand 'post'"),
    (["deploy", "now"], "unexpected argument 'now'"),
    (["user", "add"], "missing argument NAME"),
    (["user", "remove", "x"], "unknown subcommand 'remove'"),
    (["db", "upgrade", "head", "extra"], "unexpected argument 'extra'"),
])
def test_extra_and_missing_arguments_are_named(tmp_path, args, named):
    r = _run(servers.MANAGE, args, tmp_path)
    assert r.returncode == 2 or (args[0] == "db" and r.returncode != 0), r
    assert named in r.stderr and "--help" in r.stderr, r.stderr
    assert r.stdout == ""
