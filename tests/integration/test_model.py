"""The model blueprint (Flask-SQLAlchemy demo): SPEC §3 "model" and §7.

These routes create and drop the `student` table, so the tests run on
servers of their own, each with a fresh, empty database (no migration): one
lighttpd and one Apache in the testing config on each database FLAGON_TEST_DB
selects, and one lighttpd in the production config (on each database too),
where the mutating routes ask for confirmation first.
"""
import re

import pytest

import dbaccess
import servers
from servers import Browser

BASE = "/cgi-bin/model"
LINE_RE = re.compile(r"姓名:(.*?) 年纪:(\d+)成绩:([0-9.]+)")
XIAOMING = "姓名:小明 年纪:16成绩:80.0"


def start(request, tmp_path_factory, mounts, pair, name, **env):
    """A server of matrix() id `pair` whose database starts empty."""
    # Only model (and main, for a CSRF token): the other blueprints need the
    # tables this empty database does not have.
    mine = {bp: mounts[bp] for bp in ("main", "model")}
    s = servers.make(pair, str(tmp_path_factory.mktemp(name)), mine, extra_env=env)
    s.migrate = lambda: None    # the tests create the student table through /createmodel/
    request.addfinalizer(s.stop)
    s.start()
    return s


@pytest.fixture(scope="module", params=servers.matrix(servers.KINDS))
def mserver(request, tmp_path_factory, mounts):
    """A server (lighttpd, Apache; each database) in the testing config with
    an empty database."""
    return start(request, tmp_path_factory, mounts, request.param, "model-" + request.param)


@pytest.fixture(scope="module", params=servers.matrix(["lighttpd"]))
def prod_server(request, tmp_path_factory, mounts):
    """lighttpd in the production config with an empty database (each one)."""
    return start(request, tmp_path_factory, mounts, request.param, "model-production",
                 APP_CONFIG="production", SECRET_KEY="model-production-secret-key")


@pytest.fixture
def client(mserver):
    b = Browser(mserver)
    yield b
    b.close()
    mserver.remember_children()


def rows(server, sql="SELECT s_name, s_age, s_score FROM student ORDER BY id"):
    return server.query(sql)


def count(server):
    return rows(server, "SELECT count(*) FROM student")[0][0]


def table_exists(server):
    return "student" in dbaccess.tables(server.database_uri)


def students_on(html):
    return LINE_RE.findall(html)


def reset(client):
    """An empty student table."""
    assert client.get(BASE + "/drop_table/").status_code == 200
    assert client.get(BASE + "/createmodel/").status_code == 200


def assert_missing_table(r):
    assert r.status_code == 503, (r.status_code, r.text[:300])
    assert "student" in r.text
    assert "/cgi-bin/model/createmodel/" in r.text


# ---- the routes, in the order of the tutorial ----

def test_missing_table_is_503_naming_it_and_the_route(client, mserver):
    assert client.get(BASE + "/drop_table/").text == "删除表格成功"
    for path in ("/get_all_student/", "/get_all_student/?page=1&per_page=3",
                 "/add_student/", "/add_students/"):
        assert_missing_table(client.get(BASE + path))
    assert not table_exists(mserver)


def test_createmodel_and_drop_table(client, mserver):
    r = client.get(BASE + "/createmodel/")
    assert r.status_code == 200 and r.text == "创建表格成功"
    assert table_exists(mserver)
    # create_all keeps what exists.
    assert client.get(BASE + "/createmodel/").text == "创建表格成功"
    r = client.get(BASE + "/drop_table/")
    assert r.status_code == 200 and r.text == "删除表格成功"
    assert not table_exists(mserver)
    assert client.get(BASE + "/drop_table/").text == "删除表格成功"


def test_add_student_then_duplicate_is_409(client, mserver):
    reset(client)
    r = client.get(BASE + "/add_student/")
    assert r.status_code == 200 and r.text == "添加成功"
    assert rows(mserver) == [("小明", 16, 80.0)]
    r = client.get(BASE + "/get_all_student/")
    assert r.status_code == 200
    assert XIAOMING in r.text
    assert students_on(r.text) == [("小明", "16", "80.0")]

    r = client.get(BASE + "/add_student/")
    assert r.status_code == 409
    assert "already exists" in r.text and "student" in r.text
    assert rows(mserver) == [("小明", 16, 80.0)]


def test_add_students_adds_exactly_ten(client, mserver):
    reset(client)
    r = client.get(BASE + "/add_students/")
    assert r.status_code == 200 and r.text == "批量添加学生成功"
    got = rows(mserver)
    assert len(got) == 10
    for name, age, score in got:
        n = int(re.fullmatch(r"xiaojun(\d+)", name).group(1))
        assert 0 <= n <= 99 and age == n and score == n + 60.0
    assert client.get(BASE + "/add_students/").text == "批量添加学生成功"
    got = rows(mserver)
    assert len(got) == 20 and len({name for name, _, _ in got}) == 20

    page = client.get(BASE + "/get_all_student/").text
    assert [(n, int(a), float(s)) for n, a, s in students_on(page)] == got
    for name, age, score in got:
        assert "姓名:%s 年纪:%d成绩:%.1f" % (name, age, score) in page


def test_add_students_redraws_taken_names_and_409_when_too_few(client, mserver):
    reset(client)
    with dbaccess.connect(mserver.database_uri) as db:
        db.executemany("INSERT INTO student (s_name, s_age, s_score) VALUES (?, ?, ?)",
                       [("xiaojun%d" % n, n, n + 60) for n in range(90)])
    # Exactly ten names are free (xiaojun90..99): all of them are drawn.
    assert client.get(BASE + "/add_students/").status_code == 200
    names = {r[0] for r in rows(mserver)}
    assert names == {"xiaojun%d" % n for n in range(100)}
    # None free now: 409 and nothing added.
    r = client.get(BASE + "/add_students/")
    assert r.status_code == 409
    assert "no student was added" in r.text
    assert count(mserver) == 100


def test_add_students_409_with_nine_free(client, mserver):
    reset(client)
    with dbaccess.connect(mserver.database_uri) as db:
        db.executemany("INSERT INTO student (s_name, s_age, s_score) VALUES (?, ?, ?)",
                       [("xiaojun%d" % n, n, n + 60) for n in range(91)])
    r = client.get(BASE + "/add_students/")
    assert r.status_code == 409
    assert count(mserver) == 91


def test_get_all_student_lists_every_row_without_page(client, mserver):
    reset(client)
    client.get(BASE + "/add_student/")
    for _ in range(3):
        client.get(BASE + "/add_students/")
    r = client.get(BASE + "/get_all_student/")
    assert r.status_code == 200
    assert len(students_on(r.text)) == 31
    assert students_on(r.text)[0] == ("小明", "16", "80.0")
    assert 'class="pagination"' not in r.text


def test_pagination(client, mserver):
    reset(client)
    client.get(BASE + "/add_student/")
    client.get(BASE + "/add_students/")         # 11 rows: 4 pages of 3
    names = [r[0] for r in rows(mserver)]
    assert len(names) == 11

    r = client.get(BASE + "/get_all_student/?page=2&per_page=3")
    assert r.status_code == 200
    assert [s[0] for s in students_on(r.text)] == names[3:6]
    links = re.findall(r'href="([^"]*get_all_student/?[?][^"]*)"', r.text)
    assert links, r.text
    assert all("per_page=3" in link for link in links), links
    prev = re.search(r'<a href="([^"]*)" rel="prev"', r.text).group(1)
    nxt = re.search(r'<a href="([^"]*)" rel="next"', r.text).group(1)
    assert prev == BASE + "/get_all_student/?page=1&amp;per_page=3"
    assert nxt == BASE + "/get_all_student/?page=3&amp;per_page=3"
    for p in ("1", "3", "4"):
        assert 'href="%s/get_all_student/?page=%s&amp;per_page=3"' % (BASE, p) in r.text

    # The next link really is the next page; the last has no next link.
    r = client.get(nxt.replace("&amp;", "&"))
    assert [s[0] for s in students_on(r.text)] == names[6:9]
    r = client.get(BASE + "/get_all_student/?page=4&per_page=3")
    assert [s[0] for s in students_on(r.text)] == names[9:]
    assert 'rel="next"' not in r.text and 'rel="prev"' in r.text

    # Past the end, and bad page values: 404 (paginate(error_out=True)).
    for q in ("page=5&per_page=3", "page=0", "page=-1", "page=abc", "page=1&per_page=0",
              "per_page=x", "page=2.5", "page=%201", "page=1%20", "page=%2B1", "page=+1",
              "per_page=%2B3", "page=1_0"):
        r = client.get(BASE + "/get_all_student/?" + q)
        assert r.status_code == 404, (q, r.status_code)

    # Defaults: per_page 20; per_page above 100 is capped at 100.
    r = client.get(BASE + "/get_all_student/?page=1")
    assert r.status_code == 200 and len(students_on(r.text)) == 11
    assert "per_page" not in r.text or "per_page=20" in r.text
    r = client.get(BASE + "/get_all_student/?per_page=1000")
    assert r.status_code == 200 and len(students_on(r.text)) == 11


def test_drop_then_pages_are_503(client, mserver):
    reset(client)
    client.get(BASE + "/add_student/")
    assert client.get(BASE + "/drop_table/").text == "删除表格成功"
    assert_missing_table(client.get(BASE + "/get_all_student/"))
    assert_missing_table(client.get(BASE + "/get_all_student/?page=2&per_page=3"))
    assert_missing_table(client.get(BASE + "/add_student/"))
    assert_missing_table(client.get(BASE + "/add_students/"))
    assert client.get(BASE + "/createmodel/").status_code == 200
    assert client.get(BASE + "/get_all_student/").status_code == 200


def test_post_with_token_acts_and_without_is_400(client, mserver):
    reset(client)
    token = client.index()[1]
    r = client.post(BASE + "/add_student/", data={"csrf_token": token})
    assert r.status_code == 200 and r.text == "添加成功"
    r = client.post(BASE + "/add_students/")
    assert r.status_code == 400 and "The CSRF token is missing." in r.text
    assert count(mserver) == 1
    # get_all_student is GET only: 405 before CSRF.
    r = client.post(BASE + "/get_all_student/", data={"csrf_token": token})
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


# ---- production: confirm first, act on POST ----

MUTATING = ("/createmodel/", "/add_student/", "/add_students/", "/drop_table/")


@pytest.fixture
def prod(prod_server):
    b = Browser(prod_server)
    yield b
    b.close()
    prod_server.remember_children()


def confirm_token(b, path):
    """GET the confirmation page: a POST form to the same URL with a token."""
    r = b.get(BASE + path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    form = re.search(r'<form[^>]*action="([^"]*)"[^>]*method="post"', r.text)
    assert form and form.group(1) == BASE + path, r.text
    assert re.search(r'<(input|button)[^>]*type="submit"', r.text)
    token = servers.csrf_token(r.text)
    assert token
    return token


def test_production_get_only_asks(prod, prod_server):
    for path in MUTATING:
        confirm_token(prod, path)
    assert not table_exists(prod_server)
    # The read-only page is not guarded; without a table it is 503.
    assert_missing_table(prod.get(BASE + "/get_all_student/"))


def test_production_post_with_token_acts(prod, prod_server):
    def act(path):
        return prod.post(BASE + path, data={"csrf_token": confirm_token(prod, path)})

    r = act("/createmodel/")
    assert r.status_code == 200 and r.text == "创建表格成功"
    assert table_exists(prod_server) and count(prod_server) == 0
    confirm_token(prod, "/add_student/")
    assert count(prod_server) == 0
    r = act("/add_student/")
    assert r.status_code == 200 and r.text == "添加成功"
    assert act("/add_student/").status_code == 409
    r = act("/add_students/")
    assert r.status_code == 200 and r.text == "批量添加学生成功"
    assert count(prod_server) == 11
    assert XIAOMING in prod.get(BASE + "/get_all_student/").text
    confirm_token(prod, "/drop_table/")
    assert table_exists(prod_server)
    r = act("/drop_table/")
    assert r.status_code == 200 and r.text == "删除表格成功"
    assert not table_exists(prod_server)


def test_production_post_without_token_is_400(prod, prod_server):
    prod.post(BASE + "/createmodel/", data={"csrf_token": confirm_token(prod, "/createmodel/")})
    n = count(prod_server)
    for path in MUTATING:
        r = prod.post(BASE + path)
        assert r.status_code == 400, (path, r.status_code)
        assert "The CSRF token is missing." in r.text
        r = prod.post(BASE + path, data={"csrf_token": "forged"})
        assert r.status_code == 400 and "The CSRF token is invalid." in r.text
    assert table_exists(prod_server) and count(prod_server) == n
