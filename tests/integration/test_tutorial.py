"""docs/tutorial.md stays true: its application, flaskr (Flask's own
tutorial application, docs/tutorial/flaskr/ + the blueprints
docs/tutorial/auth.c and docs/tutorial/blog.c, built by `make tutorial` into
$FLAGON_BUILD/tutorial/cgi-bin/), is served by a real lighttpd (and Apache
for the login flow) and driven the way the tutorial says a reader uses it;
and every code block of the tutorial that names its file appears in that
file verbatim.

The application runs on a database of its own, migrated the way the
tutorial tells the reader to: flaskr's own manage (build/tutorial/manage),
`db upgrade` of its revisions (docs/tutorial/flaskr/migrations/, its
fl_application.migrations_directory) -- on each database FLAGON_TEST_DB
selects (Server.migrate).
"""
import json
import os
import re

import pytest

import dbaccess
import servers
from servers import Browser, csrf_token, unique

TUTORIAL = os.path.join(servers.ROOT, "docs", "tutorial.md")
TUT_BIN = os.path.join(servers.BUILD, "tutorial", "cgi-bin")
MOUNTS = {"auth": os.path.join(TUT_BIN, "auth"), "blog": os.path.join(TUT_BIN, "blog")}
TUT_MANAGE = os.path.join(servers.BUILD, "tutorial", "manage")
PASSWORD = "correct horse"
# The smallest PNG there is: 1x1, one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")

# <!-- file: docs/tutorial/blog.c -->  then a fenced block
BLOCK_RE = re.compile(r"<!-- file: (\S+) -->\s*\n```[a-z]*\n(.*?)\n```", re.S)


def flaskr_server(kind, tmp_path_factory, db_kind="sqlite"):
    for exe in MOUNTS.values():
        if not os.access(exe, os.X_OK):
            pytest.fail("not built (run make tutorial): %s" % exe, pytrace=False)
    work = tmp_path_factory.mktemp("flaskr-%s-%s" % (kind.kind, db_kind))
    uploads = work / "uploads"
    uploads.mkdir()
    serverdir = work / "server"
    serverdir.mkdir()
    s = kind(str(serverdir), MOUNTS, extra_env={"UPLOAD_FOLDER": str(uploads)},
             manage=TUT_MANAGE, db_kind=db_kind)
    s.uploads = str(uploads)
    return s


@pytest.fixture(scope="module", params=servers.test_databases())
def flaskr(request, tmp_path_factory):
    s = flaskr_server(servers.Lighttpd, tmp_path_factory, request.param)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module", params=servers.test_databases())
def flaskr_apache(request, tmp_path_factory):
    if not os.path.exists(servers.APACHE):
        servers.missing("apache2", "make install-deps")
    s = flaskr_server(servers.Apache, tmp_path_factory, request.param)
    s.start()
    yield s
    s.stop()


class Reader(Browser):
    """A visitor of flaskr: registers, logs in, writes posts."""

    def form_token(self, path):
        r = self.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        token = csrf_token(r.text)
        assert token, r.text
        return token

    def register(self, username, password=PASSWORD):
        token = self.form_token("/cgi-bin/auth/register")
        return self.post("/cgi-bin/auth/register", data={
            "username": username, "password": password, "csrf_token": token})

    def login(self, username, password=PASSWORD, next_url=None):
        path = "/cgi-bin/auth/login"
        token = self.form_token(path)
        return self.post(path, params={"next": next_url} if next_url else None, data={
            "username": username, "password": password, "csrf_token": token})

    def signed_up(self, prefix):
        name = unique(prefix)
        assert self.register(name).status_code == 303
        assert self.login(name).status_code == 303
        return name

    def create(self, title, body="", files=None):
        token = self.form_token("/cgi-bin/blog/create")
        return self.post("/cgi-bin/blog/create", files=files, data={
            "title": title, "body": body, "csrf_token": token})

    def post_id(self, title):
        """The id of the post titled `title`, from its Edit link."""
        r = self.get("/cgi-bin/blog/")
        m = re.search(r"<h1>%s</h1>.*?href=\"/cgi-bin/blog/(\d+)/update\"" % re.escape(title),
                      r.text, re.S)
        assert m, r.text
        return int(m.group(1))


def test_code_blocks_are_the_files():
    text = open(TUTORIAL, encoding="utf-8").read()
    blocks = BLOCK_RE.findall(text)
    assert len(blocks) >= 12, "tutorial.md lost its <!-- file: ... --> code blocks"
    files = set()
    for path, code in blocks:
        full = os.path.join(servers.ROOT, path)
        assert os.path.exists(full), "tutorial.md quotes a missing file: %s" % path
        content = open(full, encoding="utf-8").read()
        assert code in content, "tutorial.md block for %s is not in the file:\n%s" % (path, code)
        files.add(path)
    for path in ("docs/tutorial/flaskr/flaskr.h", "docs/tutorial/flaskr/models.c",
                 "docs/tutorial/flaskr/app.c", "docs/tutorial/auth.c", "docs/tutorial/blog.c",
                 "docs/tutorial/flaskr/templates/base.html",
                 "docs/tutorial/flaskr/templates/blog/index.html",
                 "tests/integration/test_tutorial.py", "Makefile"):
        assert path in files, "tutorial.md no longer quotes %s" % path
    assert any(p.startswith("docs/tutorial/flaskr/migrations/") for p in files)


def test_register(flaskr):
    b = Reader(flaskr)
    r = b.get("/cgi-bin/auth/register")
    assert r.status_code == 200
    assert "<h1>Register</h1>" in r.text
    assert 'name="username"' in r.text and 'type="password"' in r.text
    name = unique("ada")
    r = b.register(name)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/auth/login")
    # The password is kept as werkzeug's hash, never as typed.
    (pw,), = flaskr.query('SELECT password FROM "user" WHERE username = ?', name)
    assert pw.startswith("pbkdf2:sha256:260000$") and PASSWORD not in pw
    r = b.register(name)
    assert r.status_code == 200
    assert "User %s is already registered." % name in r.text
    r = b.register("")
    assert r.status_code == 200
    assert "Username is required." in r.text
    r = b.register(unique("bob"), password="")
    assert "Password is required." in r.text


def test_login_and_logout(flaskr):
    b = Reader(flaskr)
    name = unique("ada")
    b.register(name)
    r = b.login(unique("nobody"))
    assert r.status_code == 200 and "Incorrect username." in r.text
    r = b.login(name, "wrong password")
    assert r.status_code == 200 and "Incorrect password." in r.text
    r = b.login(name)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/blog/")
    r = b.get("/cgi-bin/blog/")
    assert "<span>%s</span>" % name in r.text
    assert 'href="/cgi-bin/auth/logout"' in r.text
    r = b.get("/cgi-bin/auth/logout")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/cgi-bin/blog/")
    r = b.get("/cgi-bin/blog/")
    assert "<span>%s</span>" % name not in r.text
    assert 'href="/cgi-bin/auth/login"' in r.text


def test_login_required_redirects_with_next(flaskr):
    b = Reader(flaskr)
    r = b.get("/cgi-bin/blog/create")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/cgi-bin/auth/login?next=%2Fcgi-bin%2Fblog%2Fcreate")
    assert "Please log in to access this page." in b.get(r.headers["Location"]).text
    name = unique("ada")
    b.register(name)
    r = b.login(name, next_url="/cgi-bin/blog/create")
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/blog/create")
    assert "<h1>New Post</h1>" in b.get("/cgi-bin/blog/create").text
    # A next that leaves the site is ignored (Flask-Login's is_safe_url).
    b.get("/cgi-bin/auth/logout")
    r = b.login(name, next_url="http://evil.example/")
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/blog/")


def test_create_update_delete(flaskr):
    b = Reader(flaskr)
    b.signed_up("ada")
    r = b.create("", "no title")
    assert r.status_code == 200 and "Title is required." in r.text
    title = unique("Hello ")
    r = b.create(title, "First <b>post</b>")
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/cgi-bin/blog/")
    r = b.get("/cgi-bin/blog/")
    assert "<h1>%s</h1>" % title in r.text
    assert "First &lt;b&gt;post&lt;/b&gt;" in r.text
    pid = b.post_id(title)
    r = b.get("/cgi-bin/blog/%d/update" % pid)
    assert r.status_code == 200
    assert "Edit &#34;%s&#34;" % title in r.text or 'Edit "%s"' % title in r.text
    assert 'value="%s"' % title in r.text
    token = csrf_token(r.text)
    r = b.post("/cgi-bin/blog/%d/update" % pid, data={
        "title": title + " (edited)", "body": "changed", "csrf_token": token})
    assert r.status_code == 303
    assert "<h1>%s (edited)</h1>" % title in b.get("/cgi-bin/blog/").text

    # Somebody else's post: 403; a post that is not there: 404.
    eve = Reader(flaskr)
    eve.signed_up("eve")
    r = eve.get("/cgi-bin/blog/%d/update" % pid)
    assert r.status_code == 403
    assert "<title>Forbidden - Flaskr</title>" in r.text   # flaskr's error.html
    token = eve.form_token("/cgi-bin/blog/create")
    assert eve.post("/cgi-bin/blog/%d/delete" % pid, data={"csrf_token": token}).status_code == 403
    r = eve.get("/cgi-bin/blog/999999/update")
    assert r.status_code == 404
    assert "Post id 999999 doesn&#39;t exist." in r.text or "Post id 999999 doesn't exist." in r.text

    token = b.form_token("/cgi-bin/blog/%d/update" % pid)
    r = b.post("/cgi-bin/blog/%d/delete" % pid, data={"csrf_token": token})
    assert r.status_code == 303
    assert title not in b.get("/cgi-bin/blog/").text
    assert b.get("/cgi-bin/blog/%d/update" % pid).status_code == 404


def test_upload_shown_back(flaskr):
    b = Reader(flaskr)
    b.signed_up("ada")
    title = unique("Picture ")
    r = b.create(title, "a pixel", files={"image": ("../../pixel.png", PNG, "image/png")})
    assert r.status_code == 303, r.text[:1000]
    pid = b.post_id(title)
    page = b.get("/cgi-bin/blog/").text
    src = "/cgi-bin/blog/%d/image" % pid
    assert 'src="%s"' % src in page
    r = b.get(src)
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["Content-Type"] == "image/png"
    # Saved under a safe name inside UPLOAD_FOLDER, nowhere else.
    saved = os.listdir(flaskr.uploads)
    assert any(n.endswith("pixel.png") for n in saved), saved
    assert all("/" not in n and not n.startswith(".") for n in saved)


def images_of(flaskr, pid):
    return sorted(n for n in os.listdir(flaskr.uploads) if n.startswith("%d-" % pid))


def test_old_image_removed_on_update_and_delete(flaskr):
    """A replaced image and a deleted post's image leave the upload folder
    once their commit is done; an update without a new image keeps it."""
    b = Reader(flaskr)
    b.signed_up("ada")
    title = unique("Swap ")
    assert b.create(title, "", files={"image": ("one.png", PNG, "image/png")}).status_code == 303
    pid = b.post_id(title)
    [first] = images_of(flaskr, pid)
    path = "/cgi-bin/blog/%d/update" % pid
    token = b.form_token(path)
    r = b.post(path, data={"title": title, "body": "same image", "csrf_token": token})
    assert r.status_code == 303
    assert images_of(flaskr, pid) == [first]
    token = b.form_token(path)
    r = b.post(path, files={"image": ("two.png", PNG, "image/png")},
               data={"title": title, "body": "", "csrf_token": token})
    assert r.status_code == 303
    [second] = images_of(flaskr, pid)
    assert second != first and second.endswith("two.png")
    token = b.form_token(path)
    r = b.post("/cgi-bin/blog/%d/delete" % pid, data={"csrf_token": token})
    assert r.status_code == 303
    assert images_of(flaskr, pid) == []
    assert b.get("/cgi-bin/blog/%d/image" % pid).status_code == 404


def test_upload_bad_extension_refused(flaskr):
    b = Reader(flaskr)
    b.signed_up("ada")
    title = unique("Script ")
    before = sorted(os.listdir(flaskr.uploads))
    r = b.create(title, "", files={"image": ("evil.sh", b"#!/bin/sh\n", "text/x-sh")})
    assert r.status_code == 200
    assert "Images only!" in r.text
    assert title not in b.get("/cgi-bin/blog/").text
    assert sorted(os.listdir(flaskr.uploads)) == before


def test_custom_filter(flaskr):
    """{{ post['created']|datetimeformat }}: flaskr's strftime('%Y-%m-%d')
    as a filter of the application's own."""
    b = Reader(flaskr)
    name = b.signed_up("ada")
    title = unique("Dated ")
    assert b.create(title, "when?").status_code == 303
    (created,), = flaskr.query("SELECT created FROM post WHERE title = ?", title)
    day = dbaccess.as_datetime(created).strftime("%B %d, %Y")
    r = b.get("/cgi-bin/blog/")
    assert re.search(r"<h1>%s</h1>\s*<div class=\"about\">by %s on %s</div>"
                     % (re.escape(title), name, re.escape(day)), r.text), r.text


def test_404_handler_html_and_json(flaskr):
    b = Reader(flaskr)
    r = b.get("/cgi-bin/blog/no/such/page")
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("text/html")
    assert "<h1>Page Not Found</h1>" in r.text
    assert "- Flaskr</title>" in r.text            # flaskr's own page, not Flasky's
    r = b.get("/cgi-bin/auth/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["error"] == "Not Found"
    assert body["code"] == 404


def test_url_for_between_blueprints(flaskr):
    """url_for('blog.index') in auth's pages, url_for('auth.login') in
    blog's pages and in blog's C code (login_required)."""
    b = Reader(flaskr)
    r = b.get("/cgi-bin/auth/login")
    assert 'href="/cgi-bin/blog/"' in r.text
    r = b.get("/cgi-bin/blog/")
    assert 'href="/cgi-bin/auth/login"' in r.text
    assert 'href="/cgi-bin/auth/register"' in r.text


def test_login_flow_on_apache(flaskr_apache):
    b = Reader(flaskr_apache)
    r = b.get("/cgi-bin/blog/create")
    assert r.status_code == 302
    assert "/cgi-bin/auth/login?next=" in r.headers["Location"]
    name = b.signed_up("ada")
    title = unique("On Apache ")
    assert b.create(title, "mod_fcgid").status_code == 303
    r = b.get("/cgi-bin/blog/")
    assert "<span>%s</span>" % name in r.text
    assert "<h1>%s</h1>" % title in r.text
    assert b.get("/cgi-bin/auth/logout").status_code == 302
    assert "<span>%s</span>" % name not in b.get("/cgi-bin/blog/").text
