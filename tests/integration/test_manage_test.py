"""`./manage test [-k PATTERN]` (cli/cmd_test.c) and tests/run.sh's
TEST_PATTERN: the command runs `make test` in the project root with
TEST_PATTERN set (checked with a fake make first on PATH, so the suite
does not run itself), and run.sh then runs only the matching tests (a
real run, selecting one cheap C unit test by name)."""
import os
import subprocess

import servers


def fake_make(tmp_path):
    """A `make` that records its arguments, TEST_PATTERN and directory."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "make.log"
    script = bindir / "make"
    script.write_text('#!/bin/sh\nprintf "%%s|%%s|%%s\\n" "$*" "${TEST_PATTERN-unset}" "$(pwd)" >> %s\n'
                      % log)
    script.chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (bindir, os.environ["PATH"]))
    return env, log


def manage(env, *args):
    return subprocess.run([servers.MANAGE, "test", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_pattern_reaches_make_test(tmp_path):
    env, log = fake_make(tmp_path)
    r = manage(env, "-k", "csrf")
    assert r.returncode == 0, r.stderr
    assert log.read_text() == "test|csrf|%s\n" % servers.ROOT
    log.unlink()
    env["TEST_PATTERN"] = "stale"
    r = manage(env)
    assert r.returncode == 0, r.stderr
    assert log.read_text() == "test|unset|%s\n" % servers.ROOT


def test_help_runs_nothing(tmp_path):
    env, log = fake_make(tmp_path)
    for flag in ("--help", "-h"):
        r = manage(env, flag)
        assert r.returncode == 0
        assert r.stdout.startswith("usage: manage test [-k PATTERN]")
    assert not log.exists()


def test_bad_arguments_are_named(tmp_path):
    env, log = fake_make(tmp_path)
    r = manage(env, "--verbose")
    assert r.returncode == 2
    assert "unknown option '--verbose'" in r.stderr
    r = manage(env, "extra")
    assert r.returncode == 2
    assert "unexpected argument 'extra'" in r.stderr
    r = manage(env, "-k")
    assert r.returncode == 2
    assert "option -k needs a PATTERN" in r.stderr
    assert not log.exists()


def test_run_sh_selects_by_pattern(tmp_path):
    env = dict(os.environ, TEST_PATTERN="tmpdir_removed", FLAGON_TEST_LOGS=str(tmp_path))
    r = subprocess.run([os.path.join(servers.ROOT, "tests", "run.sh")], env=env,
                       capture_output=True, text=True, timeout=600)
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "    PASSED test_tmpdir_removed" in lines
    assert lines[-1] == "1 passed, 0 failed"
    assert not any(l.startswith("test_arena ") for l in lines)   # nothing selected there
