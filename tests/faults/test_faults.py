"""Fault tests (issue #9) — opt-in: `make faults`, not part of `make test`.

  * 4 FastCGI processes writing the same table at once lose no write (the
    busy timeout of lib/data/db.c serialises them);
  * kill -9 of a process in the middle of writes leaves the database
    consistent (PRAGMA integrity_check), every acknowledged write is there,
    and the server goes on answering;
  * a full disk (a 1 MB tmpfs holding the database; needs root and mount)
    gives a clean 500/503, no corruption, and writes work again once there
    is room.

SMTP or Redis being down never failing a page is covered by the integration
tests, not repeated here: tests/integration/test_mail.py
(test_smtp_down_never_delays_the_page, test_server_down_then_flush) and
tests/integration/test_session_bp.py (test_redis_unreachable_from_start,
test_redis_goes_down_and_comes_back).
"""
import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import run
from conftest import start


def form_poster(srv):
    """A function posting the NameForm for a name: returns the status."""
    cookie, token = run.visitor(srv.url)
    local = threading.local()

    def post(name):
        if not hasattr(local, "s"):
            local.s = requests.Session()
        try:
            r = local.s.post(srv.url + "/cgi-bin/main/",
                             data={"name": name, "csrf_token": token, "submit": "Submit"},
                             headers={"Cookie": cookie}, allow_redirects=False, timeout=30)
            return r.status_code
        except requests.RequestException:
            return -1
    return post


def usernames(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        return {r[0] for r in con.execute("SELECT username FROM users")}
    finally:
        con.close()


def integrity(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def main_pids(srv):
    return sorted(p for p, bp in run.fastcgi_procs(srv).items() if bp == "main")


def test_concurrent_writers_lose_nothing(site):
    pids = main_pids(site)
    assert len(pids) == 4, pids
    post = form_poster(site)
    names = ["w%s" % uuid.uuid4().hex[:10] for _ in range(600)]
    with ThreadPoolExecutor(16) as ex:
        statuses = list(ex.map(post, names))
    assert all(s == 303 for s in statuses), {s: statuses.count(s) for s in set(statuses)}
    assert set(names) <= usernames(site.db_path)
    assert integrity(site.db_path) == [("ok",)]


def test_kill9_mid_write(site):
    post = form_poster(site)
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def writer(i):
        n = 0
        while not stop.is_set():
            name = "k%d_%d_%s" % (i, n, uuid.uuid4().hex[:6])
            n += 1
            if post(name) == 303:
                with lock:
                    acked.append(name)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    killed = []
    try:
        for _ in range(5):
            time.sleep(0.4)
            pids = main_pids(site)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    site.remember_children()
    assert len(killed) == 5
    assert integrity(site.db_path) == [("ok",)]
    # Every write the client saw acknowledged (303) is in the database.
    missing = set(acked) - usernames(site.db_path)
    assert not missing, sorted(missing)[:5]
    assert len(acked) > 50
    # The server keeps answering: lighttpd restarts the killed backends.
    deadline = time.monotonic() + 10
    while True:
        ok = [requests.get(site.url + "/cgi-bin/main/", timeout=10).status_code
              for _ in range(20)]
        if all(s == 200 for s in ok) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert all(s == 200 for s in ok), ok
    assert post("after_" + uuid.uuid4().hex[:8]) == 303


def _mount_tmpfs(path, size="1m"):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                       capture_output=True, text=True)
    return r.returncode == 0


def test_full_disk(tmp_path):
    mnt = str(tmp_path / "disk")
    if os.geteuid() != 0 or not _mount_tmpfs(mnt):
        pytest.skip("needs root and mount -t tmpfs")
    srv = None
    try:
        db = os.path.join(mnt, "full.sqlite")
        srv = start(str(tmp_path / "srv"), DATABASE_URI="sqlite:///" + db)
        post = form_poster(srv)
        assert post("before_full") == 303
        # Fill the disk to the last byte (the database and its WAL may
        # already have taken all of it: then even creating the file fails).
        filler = os.path.join(mnt, "filler")
        try:
            with open(filler, "wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError:
            pass
        try:
            os.close(os.open(os.path.join(mnt, "x"), os.O_CREAT | os.O_WRONLY))
        except OSError:
            pass
        statuses = [post("full_%d_%s" % (i, uuid.uuid4().hex)) for i in range(40)]
        print("full disk: NameForm POST statuses", statuses)
        # A clean error page, never a dropped connection or a gateway error.
        assert all(s in (303, 500, 503) for s in statuses), statuses
        assert any(s in (500, 503) for s in statuses), statuses
        r = requests.get(srv.url + "/cgi-bin/main/", timeout=10)
        assert r.status_code == 200     # reading still works
        if os.path.exists(filler):
            os.unlink(filler)
        assert integrity(db) == [("ok",)]
        assert "before_full" in usernames(db)
        name = "after_" + uuid.uuid4().hex[:8]
        assert post(name) == 303        # room again: writes work
        assert name in usernames(db)
        assert integrity(db) == [("ok",)]
    finally:
        if srv:
            srv.stop()
        subprocess.run(["umount", "-l", mnt], capture_output=True)
