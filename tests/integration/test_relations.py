"""The relations blueprint (one-to-one, one-to-many, many-to-many) as a user
sees it, through lighttpd and Apache (the `server` fixture runs every test
against both).  The server's database is migrated, then seeded once per
server; rows the assertions depend on are read from (or written to) the
server's database directly (dbaccess: SQLite, MariaDB or PostgreSQL)."""
import html
import os
import re
import subprocess
from urllib.parse import urlsplit

import pytest

import dbaccess
import servers
from servers import csrf_token, unique

BASE = "/cgi-bin/relations"


@pytest.fixture(scope="module", autouse=True)
def seeded(server):
    server.seed()


def query(server, sql, *args):
    return server.query(sql, *args)


def execute(server, sql, *args):
    """One INSERT on the server's database (foreign keys enforced); the new id."""
    with dbaccess.connect(server.database_uri) as db:
        if db.kind == "sqlite":
            db.execute("PRAGMA foreign_keys = ON")
        return db.insert(sql, args)


def ids(server, table):
    return [r[0] for r in query(server, 'SELECT id FROM "%s" ORDER BY id' % table)]


def links(page, kind):
    """The ids of every link to /cgi-bin/relations/<kind>/<id> in order."""
    return [int(i) for i in re.findall(r'href="%s/%s/(\d+)"' % (BASE, kind), page)]


def section(page, cls):
    """The inner HTML of the first <ul class="cls">."""
    m = re.search(r'<ul class="%s">(.*?)</ul>' % cls, page, re.S)
    assert m, page[:2000]
    return m.group(1)


def get_ok(b, path):
    r = b.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.headers["Content-Type"].startswith("text/html")
    return r


def location_path(r):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    return urlsplit(r.headers["Location"]).path


# ---- fixtures: rows of our own, so assertions do not depend on the seed ----

@pytest.fixture
def author(server):
    """A user with a role, an ident and three articles, one logically
    deleted: {id, username, role, address, articles: [(id, title)] newest
    first (live ones only), deleted: id}."""
    name = unique("writer")
    role = query(server, "SELECT id, name FROM roles ORDER BY id LIMIT 1")[0]
    address = unique("street ")
    ident = execute(server, "INSERT INTO idents (address) VALUES (?)", address)
    uid = execute(server, "INSERT INTO users (username, role_id, ident_id) VALUES (?, ?, ?)",
                  name, role[0], ident)
    arts = {}
    for title, when, gone in (("older " + name, "2020-01-01 10:00:00", False),
                              ("newest " + name, "2022-06-01 08:30:00", False),
                              ("deleted " + name, "2023-01-01 00:00:00", True),
                              ("middle " + name, "2021-03-04 05:06:07", False)):
        arts[title.split()[0]] = execute(
            server, "INSERT INTO articles (title, body, user_id, rdatetime, isdelete) "
                    "VALUES (?, ?, ?, ?, ?)", title, "body of " + title, uid, when, gone)
    return {"id": uid, "username": name, "role": role[1], "address": address,
            "articles": [(arts["newest"], "newest " + name), (arts["middle"], "middle " + name),
                         (arts["older"], "older " + name)],
            "deleted": arts["deleted"]}


@pytest.fixture
def student(server):
    """A student with no course."""
    return execute(server, "INSERT INTO student (s_name, s_age, s_score) VALUES (?, 20, 70)",
                   unique("stu"))


def enrolments(server, sid, cid=None):
    if cid is None:
        return query(server, "SELECT cou_id FROM student_course WHERE stu_id = ? ORDER BY cou_id",
                     sid)
    return query(server, "SELECT id FROM student_course WHERE stu_id = ? AND cou_id = ?",
                 sid, cid)


# ---- overview ----

def test_overview_links_every_role_student_and_course(browser, server):
    b = browser()
    page = get_ok(b, BASE + "/").text
    for kind, table in (("roles", "roles"), ("students", "student"), ("courses", "course")):
        found = links(page, kind)
        assert found == ids(server, table), kind
        for i in found:
            get_ok(b, "%s/%s/%d" % (BASE, kind, i))


def test_overview_counts_users_per_role(browser, server):
    page = get_ok(browser(), BASE + "/").text
    shown = {int(i): int(n) for i, n in re.findall(
        r'href="%s/roles/(\d+)">.*?</a></td><td class="user-count">(\d+)<' % BASE, page)}
    counts = dict(query(server, "SELECT r.id, COUNT(u.id) FROM roles r "
                                "LEFT JOIN users u ON u.role_id = r.id GROUP BY r.id"))
    assert shown == counts
    assert any(counts.values())


def test_seed_shows_up(browser):
    page = get_ok(browser(), BASE + "/").text
    for role in ("Admin", "Moderator", "User"):
        assert ">%s</a>" % role in page


# ---- roles ----

def test_role_page_lists_users_ordered_by_username(browser, server):
    b = browser()
    checked = 0
    for rid, name in query(server, "SELECT id, name FROM roles ORDER BY id"):
        page = get_ok(b, "%s/roles/%d" % (BASE, rid)).text
        assert html.escape(name) in page
        users = query(server, "SELECT id, username FROM users WHERE role_id = ? "
                              "ORDER BY username", rid)
        ul = section(page, "users")
        assert links(ul, "users") == [u[0] for u in users]
        assert re.findall(r'">([^<]*)</a></li>', ul) == [html.escape(u[1]) for u in users]
        checked += len(users) > 1
    assert checked, "no role with two users to check the order"


# ---- users ----

def test_user_page(browser, author):
    page = get_ok(browser(), "%s/users/%d" % (BASE, author["id"])).text
    assert "<h1>%s</h1>" % author["username"] in page
    assert re.search(r'<dd class="role">.*>%s</a></dd>' % re.escape(author["role"]), page)
    assert '<dd class="ident">%s</dd>' % author["address"] in page
    titles = re.findall(r"<h3>([^<]*)</h3>", page)
    assert titles == [t for _, t in author["articles"]]          # newest first
    assert "deleted " + author["username"] not in page
    # Each article names its author through the backref article.user.
    assert page.count('<span class="author">%s</span>' % author["username"]) == 3
    # One delete button per article, each a POST form with a CSRF token.
    forms = re.findall(r'<form action="%s/articles/(\d+)/delete" method="post"[^>]*>\s*'
                       r'<input type="hidden" name="csrf_token" value="([^"]+)">' % BASE, page)
    assert [int(i) for i, _ in forms] == [i for i, _ in author["articles"]]


def test_seeded_user_page(browser, server):
    b = browser()
    for uid, name, role in query(server, "SELECT u.id, u.username, r.name FROM users u "
                                         "JOIN roles r ON r.id = u.role_id "
                                         "WHERE u.username IN ('john', 'susan', 'david')"):
        page = get_ok(b, "%s/users/%d" % (BASE, uid)).text
        assert "<h1>%s</h1>" % name in page and ">%s</a></dd>" % role in page
        live = query(server, "SELECT title FROM articles WHERE user_id = ? AND isdelete = ? "
                             "ORDER BY rdatetime DESC", uid, False)
        assert len(re.findall(r"<h3>", page)) == len(live)


# ---- logical delete of an article ----

def user_page_token(b, uid):
    r = get_ok(b, "%s/users/%d" % (BASE, uid))
    return r, csrf_token(r.text)


def test_delete_redirects_to_a_local_referer(browser, server, author):
    b = browser()
    page_url = "%s%s/users/%d" % (server.url, BASE, author["id"])
    _, token = user_page_token(b, author["id"])
    aid, title = author["articles"][0]
    r = b.post("%s/articles/%d/delete" % (BASE, aid), data={"csrf_token": token},
               headers={"Referer": page_url})
    assert r.status_code == 303
    assert r.headers["Location"] == page_url
    assert query(server, "SELECT isdelete FROM articles WHERE id = ?", aid) == [(1,)]
    # The row is kept, only hidden; the others stay.
    after = get_ok(b, "%s/users/%d" % (BASE, author["id"])).text
    assert title not in after
    assert author["articles"][1][1] in after and author["articles"][2][1] in after
    assert "The article has been deleted." in after


def test_delete_redirects_to_a_local_path_referer(browser, server, author):
    b = browser()
    _, token = user_page_token(b, author["id"])
    aid = author["articles"][1][0]
    r = b.post("%s/articles/%d/delete" % (BASE, aid), data={"csrf_token": token},
               headers={"Referer": BASE + "/"})
    assert location_path(r) == BASE + "/"
    assert urlsplit(r.headers["Location"]).netloc in ("", urlsplit(server.url).netloc)
    assert query(server, "SELECT isdelete FROM articles WHERE id = ?", aid) == [(1,)]


@pytest.mark.parametrize("referer", [
    "http://evil.example/", "https://evil.example/cgi-bin/relations/",
    "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)", None])
def test_delete_ignores_a_foreign_referer(browser, server, author, referer):
    b = browser()
    _, token = user_page_token(b, author["id"])
    aid = author["articles"][2][0]
    headers = {"Referer": referer} if referer is not None else {}
    r = b.post("%s/articles/%d/delete" % (BASE, aid), data={"csrf_token": token},
               headers=headers)
    assert location_path(r) == "%s/users/%d" % (BASE, author["id"])
    assert "evil" not in r.headers["Location"]
    assert urlsplit(r.headers["Location"]).netloc in ("", urlsplit(server.url).netloc)
    assert query(server, "SELECT isdelete FROM articles WHERE id = ?", aid) == [(1,)]


def test_delete_with_a_referer_on_another_port_is_not_followed(browser, server, author):
    b = browser()
    _, token = user_page_token(b, author["id"])
    host = urlsplit(server.url).hostname
    r = b.post("%s/articles/%d/delete" % (BASE, author["articles"][0][0]),
               data={"csrf_token": token}, headers={"Referer": "http://%s:1/x" % host})
    assert location_path(r) == "%s/users/%d" % (BASE, author["id"])


# ---- students and courses ----

def test_student_page_has_a_select_of_course_ids(browser, server, student):
    page = get_ok(browser(), "%s/students/%d" % (BASE, student)).text
    form = re.search(r'<form action="%s/students/%d/courses" method="post"[^>]*>(.*?)</form>'
                     % (BASE, student), page, re.S)
    assert form, page
    assert csrf_token(form.group(1))
    select = re.search(r'<select[^>]*\bname="cou_id"[^>]*>(.*?)</select>', form.group(1), re.S)
    assert select
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select.group(1))
    courses = query(server, "SELECT id, cname FROM course ORDER BY id")
    assert [(int(v), html.unescape(label)) for v, label in options] == courses


def test_student_page_lists_courses_and_offers_the_others(browser, server):
    b = browser()
    all_courses = ids(server, "course")
    for sid in ids(server, "student"):
        page = get_ok(b, "%s/students/%d" % (BASE, sid)).text
        taken = [c for (c,) in enrolments(server, sid)]
        assert links(section(page, "courses"), "courses") == taken
        for cid in taken:
            assert 'action="%s/students/%d/courses/%d/delete"' % (BASE, sid, cid) in page
        offered = [int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', page)]
        assert sorted(offered + taken) == all_courses


def enroll(b, sid, cou_id):
    token = csrf_token(get_ok(b, "%s/students/%d" % (BASE, sid)).text)
    return b.post("%s/students/%d/courses" % (BASE, sid),
                  data={"csrf_token": token, "cou_id": str(cou_id)})


def test_enroll_adds_one_row_and_twice_changes_nothing(browser, server, student):
    b = browser()
    cid = ids(server, "course")[-1]
    r = enroll(b, student, cid)
    assert location_path(r) == "%s/students/%d" % (BASE, student)
    assert len(enrolments(server, student, cid)) == 1
    page = get_ok(b, "%s/students/%d" % (BASE, student)).text
    assert "Enrolled in" in page
    assert links(section(page, "courses"), "courses") == [cid]
    before = query(server, "SELECT COUNT(*) FROM student_course")
    r = enroll(b, student, cid)
    assert location_path(r) == "%s/students/%d" % (BASE, student)
    assert query(server, "SELECT COUNT(*) FROM student_course") == before
    assert len(enrolments(server, student, cid)) == 1
    assert "Already enrolled" in get_ok(b, "%s/students/%d" % (BASE, student)).text


def test_course_page_lists_its_students(browser, server, student):
    b = browser()
    cid = ids(server, "course")[0]
    enroll(b, student, cid)
    for cid in ids(server, "course"):
        page = get_ok(b, "%s/courses/%d" % (BASE, cid)).text
        expected = [s for (s,) in query(server, "SELECT stu_id FROM student_course "
                                                "WHERE cou_id = ? ORDER BY stu_id", cid)]
        assert sorted(links(section(page, "students"), "students")) == expected
    assert student in links(get_ok(b, "%s/courses/%d" % (BASE, ids(server, "course")[0])).text,
                            "students")


def test_drop_removes_only_the_association_row(browser, server, student):
    b = browser()
    c1, c2 = ids(server, "course")[:2]
    enroll(b, student, c1)
    enroll(b, student, c2)
    assert enrolments(server, student) == [(c1,), (c2,)]
    token = csrf_token(get_ok(b, "%s/students/%d" % (BASE, student)).text)
    r = b.post("%s/students/%d/courses/%d/delete" % (BASE, student, c1),
               data={"csrf_token": token})
    assert location_path(r) == "%s/students/%d" % (BASE, student)
    assert enrolments(server, student) == [(c2,)]
    assert query(server, "SELECT COUNT(*) FROM student WHERE id = ?", student) == [(1,)]
    assert query(server, "SELECT COUNT(*) FROM course WHERE id = ?", c1) == [(1,)]
    page = get_ok(b, "%s/students/%d" % (BASE, student)).text
    assert "Dropped" in page
    assert links(section(page, "courses"), "courses") == [c2]
    # Dropping again changes nothing.
    r = b.post("%s/students/%d/courses/%d/delete" % (BASE, student, c1),
               data={"csrf_token": token})
    assert r.status_code == 303
    assert enrolments(server, student) == [(c2,)]
    assert "Not enrolled in" in get_ok(b, "%s/students/%d" % (BASE, student)).text


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-", "99999999999999999999999"])
def test_enroll_with_a_bad_course_id_is_400(browser, server, student, value):
    r = enroll(browser(), student, value)
    assert r.status_code == 400, r.text[:300]
    assert enrolments(server, student) == []


def test_enroll_without_course_id_is_400(browser, server, student):
    b = browser()
    token = csrf_token(get_ok(b, "%s/students/%d" % (BASE, student)).text)
    r = b.post("%s/students/%d/courses" % (BASE, student), data={"csrf_token": token})
    assert r.status_code == 400


def test_enroll_and_drop_unknown_ids_are_404(browser, server, student):
    b = browser()
    cid = ids(server, "course")[0]
    token = csrf_token(get_ok(b, "%s/students/%d" % (BASE, student)).text)
    for path, data in (
            ("/students/999999/courses", {"cou_id": str(cid)}),
            ("/students/%d/courses" % student, {"cou_id": "999999"}),
            ("/students/999999/courses/%d/delete" % cid, {}),
            ("/students/%d/courses/999999/delete" % student, {}),
            ("/articles/999999/delete", {})):
        r = b.post(BASE + path, data=dict(data, csrf_token=token))
        assert r.status_code == 404, (path, r.status_code)
        assert "Page Not Found" in r.text
    assert enrolments(server, student) == []


# ---- errors ----

@pytest.mark.parametrize("path", ["/roles/999", "/users/999", "/students/999", "/courses/999"])
def test_missing_ids_are_404(browser, path):
    r = browser().get(BASE + path)
    assert r.status_code == 404
    assert "Page Not Found" in r.text


@pytest.mark.parametrize("path", ["/articles/1/delete", "/students/1/courses",
                                  "/students/1/courses/1/delete"])
def test_post_routes(browser, path):
    b = browser()
    r = b.get(BASE + path)
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]
    r = b.post(BASE + path, data={"cou_id": "1"})
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    r = b.post(BASE + path, data={"cou_id": "1", "csrf_token": "forged"})
    assert r.status_code == 400
    assert "The CSRF token is invalid." in r.text


def test_post_without_csrf_changes_nothing(browser, server, author, student):
    b = browser()
    aid = author["articles"][0][0]
    b.post("%s/articles/%d/delete" % (BASE, aid))
    b.post("%s/students/%d/courses" % (BASE, student), data={"cou_id": "1"})
    assert query(server, "SELECT isdelete FROM articles WHERE id = ?", aid) == [(0,)]
    assert enrolments(server, student) == []


def test_data_is_escaped(browser, server):
    if not query(server, "SELECT id FROM roles WHERE name = ?", "<b>x</b>"):
        execute(server, "INSERT INTO roles (name) VALUES (?)", "<b>x</b>")
    (rid,), = query(server, "SELECT id FROM roles WHERE name = ?", "<b>x</b>")
    sid = execute(server, "INSERT INTO student (s_name) VALUES (?)",
                  '<script>%s</script>' % unique("s")[:10])
    b = browser()
    for path in ("/", "/roles/%d" % rid):
        page = get_ok(b, BASE + path).text
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        assert "<b>x</b>" not in page
    page = get_ok(b, "%s/students/%d" % (BASE, sid)).text
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_missing_tables_answer_503(tmp_path, server):
    """An unmigrated database (of the server's kind): a clear 503 naming
    the table and the command that creates it, not a crash (as plain CGI)."""
    env = servers.app_env(str(tmp_path))
    if server.db_kind != "sqlite":
        env["DATABASE_URI"] = servers.new_database(server.db_kind, "unmigrated")
    env.update({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "",
                "SCRIPT_NAME": BASE, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
                "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1"})
    exe = os.path.join(os.path.dirname(servers.MAIN_EXE), "relations")
    p = subprocess.run([exe], env=servers.base_env(env), stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60, cwd=servers.ROOT)
    out = p.stdout.decode("utf-8", "replace")
    assert out.startswith("Status: 503"), out[:500]
    assert "roles" in out and "./manage db upgrade" in out
