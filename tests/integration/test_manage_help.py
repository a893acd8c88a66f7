"""`./manage COMMAND --help` (and -h) prints the command's usage on stdout
and exits 0 for every command and subcommand (SPEC §5), before reading any
configuration or touching a database."""
import os

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
