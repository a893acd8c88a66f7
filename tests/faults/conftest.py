"""Fixtures for the fault tests (`make faults`, issue #9): lighttpd serving
Flagon in the production configuration with 4 FastCGI processes per
blueprint, built on tests/integration/servers.py and bench/run.py."""
import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import run  # noqa: E402
import servers  # noqa: E402

PROCS = 4


def start(tmp, mounts=("main",), **extra):
    run.PROCS = PROCS
    exes = run.blueprint_mounts()
    env = {"APP_CONFIG": "production", "SECRET_KEY": run.SECRET}
    env.update(extra)
    srv = run.BenchLighttpd(tmp, {m: exes[m] for m in mounts}, extra_env=env)
    srv.start()
    return srv


@pytest.fixture
def site(tmp_path):
    srv = start(str(tmp_path / "srv"))
    yield srv
    srv.stop()


def pytest_sessionfinish(session, exitstatus):
    servers.stop_all()
