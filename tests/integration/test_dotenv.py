"""`.env` and `.flagonenv` (issue 18), as Flask with python-dotenv: read
by ./manage and by the programs at start-up from the application root;
the real environment wins, .env over .flagonenv; production ignores them
unless FLAGON_LOAD_DOTENV=1; FLAGON_SKIP_DOTENV=1 skips them."""
import os
import subprocess

import servers


def _root(tmp_path, dotenv, flagonenv=None):
    """An application root: the checkout's entries as symlinks, plus the
    files given (the checkout itself is never written)."""
    root = tmp_path / "root"
    root.mkdir()
    for name in os.listdir(servers.ROOT):
        if name not in (".env", ".flagonenv", "var"):
            os.symlink(os.path.join(servers.ROOT, name), str(root / name))
    (root / "var").mkdir()
    (root / ".env").write_text(dotenv)
    if flagonenv is not None:
        (root / ".flagonenv").write_text(flagonenv)
    return root


def _database_seen(root, tmp_path, **env):
    """The database ./manage shell opens (its banner names it)."""
    e = {"FLAGON_ROOT": str(root), "FLAGON_VAR": str(tmp_path), "SECRET_KEY": "x"}
    e.update(env)
    r = subprocess.run([servers.MANAGE, "shell"], input="", env=servers.base_env(e),
                       cwd=str(root), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    return first, r.stderr


def test_manage_reads_dotenv_and_flagonenv(tmp_path):
    root = _root(tmp_path,
                 "# development settings\nexport APP_CONFIG=testing\n"
                 "DATABASE_URI=\"sqlite:///${FLAGON_VAR}/from-dotenv.sqlite\"\n",
                 "DATABASE_URI=sqlite:///nowhere.sqlite\nAPP_CONFIG=development\n")
    line, _ = _database_seen(root, tmp_path)
    assert "testing config" in line, line            # .env over .flagonenv
    assert line.endswith(str(tmp_path) + "/from-dotenv.sqlite"), line


def test_real_environment_wins(tmp_path):
    root = _root(tmp_path, "APP_CONFIG=testing\nDATABASE_URI=sqlite:///"
                 + str(tmp_path) + "/dotenv.sqlite\n")
    line, _ = _database_seen(root, tmp_path,
                             DATABASE_URI="sqlite:///" + str(tmp_path) + "/real.sqlite")
    assert line.endswith("/real.sqlite") and "testing config" in line, line


def test_production_ignores_it_unless_told(tmp_path):
    root = _root(tmp_path, "DATABASE_URI=sqlite:///" + str(tmp_path) + "/dotenv.sqlite\n")
    real = "sqlite:///" + str(tmp_path) + "/prod.sqlite"
    line, _ = _database_seen(root, tmp_path, APP_CONFIG="production")
    assert "production config" in line and "dotenv.sqlite" not in line, line
    line, _ = _database_seen(root, tmp_path, APP_CONFIG="production", FLAGON_LOAD_DOTENV="1")
    assert line.endswith("/dotenv.sqlite"), line
    line, _ = _database_seen(root, tmp_path, APP_CONFIG="production", DATABASE_URI=real,
                             FLAGON_LOAD_DOTENV="1")
    assert line.endswith("/prod.sqlite"), line


def test_skip_dotenv(tmp_path):
    root = _root(tmp_path, "APP_CONFIG=testing\n")
    line, _ = _database_seen(root, tmp_path, FLAGON_SKIP_DOTENV="1")
    assert "development config" in line, line
    line, _ = _database_seen(root, tmp_path, FLAGON_SKIP_DOTENV="0")
    assert "testing config" in line, line


def test_malformed_line_is_reported_and_skipped(tmp_path):
    root = _root(tmp_path, "APP_CONFIG=testing\nthis is not a setting\n")
    line, err = _database_seen(root, tmp_path)
    assert "testing config" in line
    assert str(root) + "/.env:2: could not parse statement" in err, err


def test_the_programs_read_it_at_start_up(tmp_path):
    """A blueprint's program (what lighttpd and runserver start) loads .env
    before its configuration: a production .env without SECRET_KEY stops
    it, the same .env skipped lets it start."""
    root = _root(tmp_path, "APP_CONFIG=production\nbad line\n")
    main = os.path.join(servers.OUT, "cgi-bin", "main")
    env = servers.base_env({"FLAGON_ROOT": str(root), "FLAGON_VAR": str(tmp_path),
                            "FLAGON_ROUTES": "1"})
    env.pop("SECRET_KEY", None)
    r = subprocess.run([main], env=env, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert "/.env:2: could not parse statement" in r.stderr, r.stderr
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr, (r.returncode, r.stderr)
    r = subprocess.run([main], env=dict(env, FLAGON_SKIP_DOTENV="1"), capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and "main.index" in r.stdout, r.stderr
