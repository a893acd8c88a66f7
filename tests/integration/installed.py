"""What the tests of an installed Flagon share (test_install.py,
test_new_app.py): running a command and failing with its output, a make of
our own, `make install PREFIX=<scratch>` as a module fixture, pkg-config on
that prefix, and the sanitizer flags an application must be built with
when the installed library was (make check's build/asan).

Nothing here is skipped: a missing tool, a library not built, a header that
includes one that was not installed, a link error -- each fails with the
command's output.
"""
import os
import shlex
import shutil
import subprocess

import pytest

import servers


def run(args, what, **kwargs):
    """Run a command; fail the test with its output when it fails."""
    kwargs.setdefault("timeout", 120)
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    r = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if r.returncode != 0:
        pytest.fail("%s failed (exit %d): %s\n%s%s" % (
            what, r.returncode, " ".join(map(shlex.quote, args)), r.stdout, r.stderr),
            pytrace=False)
    return r


def make_env():
    """The environment for a make of our own: none of the calling make's
    flags (tests/run.sh may run under `make check`, whose command-line
    variables and jobserver travel in MAKEFLAGS)."""
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def build_arg():
    """BUILD= for make: the build the other tests use (build, build/asan),
    relative to the checkout as the Makefile's dependency files name it."""
    return "BUILD=" + os.path.relpath(servers.BUILD, servers.ROOT)


def require_tools():
    missing = [t for t in ("make", "cc", "pkg-config", "nm") if not shutil.which(t)]
    if not os.access(servers.LIGHTTPD, os.X_OK):
        missing.append("lighttpd")
    if missing:
        pytest.fail("missing: %s (run make install-deps)" % ", ".join(missing), pytrace=False)


def pkg_config_env(prefix):
    """The environment in which pkg-config finds the Flagon under `prefix`."""
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    env.pop("PKG_CONFIG_LIBDIR", None)
    return env


def pkg_config(prefix, *args, package="flagon"):
    return run(["pkg-config"] + list(args) + [package], "pkg-config",
               env=pkg_config_env(prefix)).stdout


def sanitizer_flags(archive):
    """A library built with sanitizers (make check's build/asan) needs its
    application linked the same way."""
    syms = run(["nm", "-A", archive], "nm").stdout
    kinds = [k for k, sym in (("address", "__asan_"), ("undefined", "__ubsan_")) if sym in syms]
    return ["-fsanitize=" + ",".join(kinds), "-fno-omit-frame-pointer"] if kinds else []


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """`make install PREFIX=<scratch>` of the library the other tests use."""
    require_tools()
    build = build_arg()
    liba = os.path.join(servers.BUILD, "libflagon.a")
    # Install what was built; never build here (make test/check built it).
    q = subprocess.run(["make", "-q", "-C", servers.ROOT, build, os.path.relpath(liba, servers.ROOT)],
                       env=make_env(), stdin=subprocess.DEVNULL, capture_output=True)
    if q.returncode != 0:
        pytest.fail("not built or out of date (run make): %s" % liba, pytrace=False)
    p = str(tmp_path_factory.mktemp("prefix"))
    run(["make", "--no-print-directory", "-C", servers.ROOT, build, "PREFIX=" + p, "install"],
        "make install", env=make_env())
    return p
