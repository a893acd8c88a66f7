"""docs/tutorial.md stays true: its blueprint (docs/tutorial/guestbook.c,
built by `make tutorial` into $FLAGON_BUILD/tutorial/cgi-bin/guestbook), its
templates (templates/guestbook/) and its migration
(docs/tutorial/migrations/) are served by a real lighttpd and driven the
way the tutorial says a reader will use them; and every code block of the
tutorial that names its file appears in that file verbatim.

The guestbook is mounted only in its own server (the `mounts` mapping), on
a database of its own: the application's migrations plus the tutorial's,
gathered in a scratch MIGRATIONS_DIR — what a reader gets after copying
the revision file into sql/migrations/.
"""
import glob
import os
import re
import shutil

import pytest

import servers
from servers import Browser, csrf_token

TUTORIAL = os.path.join(servers.ROOT, "docs", "tutorial.md")
GUESTBOOK_EXE = os.path.join(servers.BUILD, "tutorial", "cgi-bin", "guestbook")
THANKS = "Thanks for signing the guestbook!"

# <!-- file: docs/tutorial/guestbook.c -->  then a fenced block
BLOCK_RE = re.compile(r"<!-- file: (\S+) -->\s*\n```[a-z]*\n(.*?)\n```", re.S)


def _header(path, key):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"-- %s: (\S+)" % key, line)
            if m:
                return m.group(1)
    return None


def _head(paths):
    """The head of a chain of revision files: the id nobody names as parent."""
    ids = {_header(p, "revision") for p in paths}
    parents = {_header(p, "down_revision") for p in paths}
    heads = ids - parents
    assert len(heads) == 1, heads
    return heads.pop()


@pytest.fixture(scope="module")
def guestbook(tmp_path_factory):
    if not os.access(GUESTBOOK_EXE, os.X_OK):
        pytest.fail("not built (run make tutorial): %s" % GUESTBOOK_EXE, pytrace=False)
    work = tmp_path_factory.mktemp("tutorial")
    migrations = work / "migrations"
    migrations.mkdir()
    app_revs = sorted(glob.glob(os.path.join(servers.ROOT, "sql", "migrations", "*.sql")))
    for p in app_revs:
        shutil.copy(p, str(migrations))
    head = _head(app_revs)
    for p in sorted(glob.glob(os.path.join(servers.ROOT, "docs", "tutorial", "migrations", "*.sql"))):
        text = open(p, encoding="utf-8").read()
        # The tutorial's revision follows the application's head of the day
        # (the tutorial tells the reader to take it from `./manage db history`);
        # a later application migration must not break this test.
        text = re.sub(r"(?m)^-- down_revision: \S+$", "-- down_revision: " + head, text, count=1)
        (migrations / os.path.basename(p)).write_text(text, encoding="utf-8")
    serverdir = work / "server"
    serverdir.mkdir()
    s = servers.Lighttpd(str(serverdir), {"guestbook": GUESTBOOK_EXE},
                         extra_env={"MIGRATIONS_DIR": str(migrations)})
    s.start()
    yield s
    s.stop()


def test_code_blocks_are_the_files():
    text = open(TUTORIAL, encoding="utf-8").read()
    blocks = BLOCK_RE.findall(text)
    assert len(blocks) >= 8, "tutorial.md lost its <!-- file: ... --> code blocks"
    files = set()
    for path, code in blocks:
        full = os.path.join(servers.ROOT, path)
        assert os.path.exists(full), "tutorial.md quotes a missing file: %s" % path
        content = open(full, encoding="utf-8").read()
        assert code in content, "tutorial.md block for %s is not in the file:\n%s" % (path, code)
        files.add(path)
    assert "docs/tutorial/guestbook.c" in files
    assert "templates/guestbook/index.html" in files
    assert any(p.startswith("docs/tutorial/migrations/") for p in files)
    assert "tests/integration/test_tutorial.py" in files


def test_empty_guestbook(guestbook):
    b = Browser(guestbook)
    r = b.get("/cgi-bin/guestbook/")
    assert r.status_code == 200, r.text[:500]
    assert "<h1>Guestbook</h1>" in r.text
    assert "No entries yet" in r.text
    assert csrf_token(r.text)
    assert 'name="message"' in r.text


def test_sign_the_guestbook(guestbook):
    b = Browser(guestbook)
    token = csrf_token(b.get("/cgi-bin/guestbook/").text)
    r = b.post("/cgi-bin/guestbook/", data={
        "name": "Ada", "message": "Hello <b>world</b>", "csrf_token": token})
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/guestbook/")
    r = b.get("/cgi-bin/guestbook/")
    assert THANKS in r.text                      # the flash, once
    assert "Hello &lt;b&gt;world&lt;/b&gt;" in r.text   # autoescaped
    m = re.search(r'href="(/cgi-bin/guestbook/entries/(\d+))">Ada<', r.text)
    assert m, r.text
    assert THANKS not in b.get("/cgi-bin/guestbook/").text
    r = b.get(m.group(1))
    assert r.status_code == 200
    assert "Ada wrote" in r.text


def test_validators(guestbook):
    b = Browser(guestbook)
    token = csrf_token(b.get("/cgi-bin/guestbook/").text)
    r = b.post("/cgi-bin/guestbook/", data={"name": "", "message": "x" * 501,
                                            "csrf_token": token})
    assert r.status_code == 200
    assert "This field is required." in r.text
    assert "Field must be between 1 and 500 characters long." in r.text
    assert THANKS not in r.text


def test_csrf_and_404(guestbook):
    b = Browser(guestbook)
    r = b.post("/cgi-bin/guestbook/", data={"name": "Eve", "message": "no token"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    r = b.get("/cgi-bin/guestbook/entries/999999")
    assert r.status_code == 404
    assert "Page Not Found" in r.text
