"""url_for across blueprints, _external, and the request's own URL
(request.url, host, scheme, endpoint, blueprint, referrer, headers) in C and
in templates — through lighttpd and Apache, and as plain CGI for the
trusted-proxy rules.  The views are the test-only blueprint
tests/integration/reqinfo.c (a blueprint of the Flasky application, so it
links every Flasky blueprint); request.url is compared with werkzeug 2.2's
get_current_url on the same input."""
import json
import os
import re
import subprocess

import pytest

import servers


def werkzeug_url(scheme, host, root, path, query):
    """werkzeug 2.2's request.url for these parts, by the real werkzeug."""
    code = ("import sys, json; from werkzeug.sansio.utils import get_current_url; "
            "a = json.loads(sys.argv[1]); print(get_current_url(*a))")
    r = subprocess.run(["/usr/bin/python3", "-c", code,
                        json.dumps([scheme, host, root, path, query])],
                       capture_output=True, text=True, check=True)
    return r.stdout.rstrip("\n")


@pytest.fixture
def reqinfo(server, browser):
    if "reqinfo" not in server.mounts:
        servers.missing("reqinfo is not built",
                        "make unit-bins builds $FLAGON_BUILD/tests/integration/reqinfo")
    return browser()


def test_main_page_links_to_other_blueprints_with_url_for(server, browser):
    """base.html: url_for('session.login') etc. from a page of main; the
    active item is request.blueprint's."""
    r = browser().get("/cgi-bin/main/")
    assert r.status_code == 200
    html = r.text
    for href in ("/cgi-bin/main/", "/cgi-bin/session/login/", "/cgi-bin/session/welcome/",
                 "/cgi-bin/model/get_all_student/", "/cgi-bin/relations/",
                 "/cgi-bin/cookies/set?key=flagon&amp;value=hello&amp;max_age=3600",
                 "/cgi-bin/animals/cats/", "/cgi-bin/api/students"):
        assert 'href="%s"' % href in html, href
    assert re.search(r'class="nav-link active" aria-current="page" href="/cgi-bin/main/">Home<',
                     html), html[:3000]
    r = browser().get("/cgi-bin/session/login/")
    assert r.status_code == 200
    assert re.search(r'nav-link dropdown-toggle active"[^>]*>Session<', r.text)


def test_request_url_host_endpoint_in_c(reqinfo, server):
    path = "/cgi-bin/reqinfo/info/5/a b/%C3%A9/%25"
    r = reqinfo.get(path + "?q=%C3%A9&x=%2F+y&z=a%20b",
                    headers={"Referer": "http://elsewhere.example/from",
                             "X-Forwarded-Host": "evil.example",
                             "X-Forwarded-Proto": "https"})
    assert r.status_code == 200, r.text[:500]
    d = r.json()
    host = "127.0.0.1:%d" % server.port
    # X-Forwarded-* from a peer not in TRUSTED_PROXIES: ignored.
    assert d["host"] == host and d["scheme"] == "http"
    assert d["url"] == werkzeug_url("http", host, "/cgi-bin/reqinfo",
                                    "/info/5/a b/é/%", "q=%C3%A9&x=%2F+y&z=a%20b")
    assert d["endpoint"] == "reqinfo.info_path" and d["blueprint"] == "reqinfo"
    assert d["referrer"] == "http://elsewhere.example/from"
    # url_for to other blueprints of the application, converters, anchors.
    assert d["login"] == "/cgi-bin/session/login/"
    assert d["user"] == "/cgi-bin/relations/users/5"
    assert d["home"] == "/cgi-bin/main/#top"
    # _external without SERVER_NAME: the request's scheme and Host.
    assert d["external"] == "http://%s/cgi-bin/reqinfo/info/5" % host


def test_request_in_templates(reqinfo, server):
    r = reqinfo.get("/cgi-bin/reqinfo/page", headers={"User-Agent": "flagon-test/1",
                                                      "X-Test": "<b>"})
    assert r.status_code == 200, r.text[:500]
    lines = dict(line.split("=", 1) for line in r.text.splitlines() if "=" in line)
    host = "127.0.0.1:%d" % server.port
    assert lines["url"] == "http://%s/cgi-bin/reqinfo/page" % host
    assert lines["host"] == host and lines["scheme"] == "http"
    assert lines["endpoint"] == "reqinfo.page" and lines["blueprint"] == "reqinfo"
    assert lines["referrer"] == "None"
    assert lines["user_agent"] == "flagon-test/1"
    assert lines["x_test"] == "&lt;b&gt;"            # escaped like any value
    assert lines["login"] == "/cgi-bin/session/login/"
    assert lines["self"] == "http://%s/cgi-bin/reqinfo/page" % host
    assert lines["role"] == "/cgi-bin/relations/roles/7"


def test_converter_refuses_a_bad_value(reqinfo):
    """url_for('relations.user', id='abc') for an <int:id>: Flask's
    BuildError, the 500 page."""
    r = reqinfo.get("/cgi-bin/reqinfo/badtype")
    assert r.status_code == 500


# ---- plain CGI: the trusted-proxy rule, a bad Host ----

def _run_reqinfo(cgi_env, extra):
    """reqinfo's GET /info/3 as plain CGI, from REMOTE_ADDR 10.0.0.2 with
    Host site.example:8080, `extra` overriding any variable."""
    if not os.access(servers.REQINFO_EXE, os.X_OK):
        servers.missing("reqinfo is not built",
                        "make unit-bins builds $FLAGON_BUILD/tests/integration/reqinfo")
    env = dict(cgi_env)
    env.update({"REQUEST_METHOD": "GET", "PATH_INFO": "/info/3", "QUERY_STRING": "",
                "SCRIPT_NAME": "/cgi-bin/reqinfo", "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_NAME": "server.example", "SERVER_PORT": "8080",
                "GATEWAY_INTERFACE": "CGI/1.1", "REMOTE_ADDR": "10.0.0.2",
                "HTTP_HOST": "site.example:8080"})
    env.update(extra)
    return subprocess.run([servers.REQINFO_EXE], env=servers.base_env(env), capture_output=True,
                          timeout=60, cwd=servers.ROOT)


def info(cgi_env, extra):
    status, _, body = servers.cgi_response(_run_reqinfo(cgi_env, extra))
    assert status == 200, body[:500]
    return json.loads(body)


FORWARDED = {"HTTP_X_FORWARDED_HOST": "client-said.example, proxy.example",
             "HTTP_X_FORWARDED_PROTO": "http, https"}


def test_forwarded_headers_from_a_trusted_proxy(cgi_env):
    d = info(cgi_env, dict(FORWARDED, TRUSTED_PROXIES="192.0.2.1, 10.0.0.2"))
    # ProxyFix(x_proto=1, x_host=1): the last entry, the proxy's own.
    assert d["host"] == "proxy.example" and d["scheme"] == "https"
    assert d["url"] == "https://proxy.example/cgi-bin/reqinfo/info/3"
    assert d["external"] == "https://proxy.example/cgi-bin/reqinfo/info/3"


def test_forwarded_headers_from_an_untrusted_address(cgi_env):
    d = info(cgi_env, dict(FORWARDED, TRUSTED_PROXIES="192.0.2.1"))
    assert d["host"] == "site.example:8080" and d["scheme"] == "http"
    assert d["external"] == "http://site.example:8080/cgi-bin/reqinfo/info/3"
    d = info(cgi_env, FORWARDED)                # no TRUSTED_PROXIES at all
    assert d["host"] == "site.example:8080"


def test_a_bad_host_header_is_never_echoed(cgi_env):
    for bad in ("evil.example/x?", "a b", "evil.example\"><script>", "x@evil.example"):
        d = info(cgi_env, {"HTTP_HOST": bad})
        assert d["host"] == "server.example:8080", bad
        assert d["url"].startswith("http://server.example:8080/"), bad
    d = info(cgi_env, {"HTTPS": "on", "HTTP_HOST": "site.example:443"})
    assert d["url"] == "https://site.example/cgi-bin/reqinfo/info/3"   # default port dropped


def test_bad_trusted_proxies_stops_start_up(cgi_env):
    p = _run_reqinfo(cgi_env, {"TRUSTED_PROXIES": "10.0.0.1, proxy.example"})
    assert p.returncode != 0
    assert b"TRUSTED_PROXIES" in p.stderr and b"proxy.example" in p.stderr


# ---- ./manage: routes from the blueprint list, the application's commands ----

def test_manage_routes_lists_every_blueprint(cgi_env):
    r = servers.run_manage(["routes"], cgi_env)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[0]: line.split()[-1] for line in r.stdout.splitlines()[2:]}
    assert rows["session.login"] == "/cgi-bin/session/login/"
    assert rows["relations.role"] == "/cgi-bin/relations/roles/<int:id>"
    assert rows["api.student"] == "/cgi-bin/api/students/<int:id>"
    assert {e.split(".")[0] for e in rows} == {"main", "session", "model", "relations",
                                               "cookies", "animals", "api"}


def test_manage_help_lists_the_applications_commands(cgi_env):
    r = servers.run_manage(["--help"], cgi_env)
    assert r.returncode == 0
    head, sep, own = r.stdout.partition("Commands of the application (flasky):\n")
    assert sep and re.match(r"  deploy +upgrade the database", own), r.stdout
    assert "deploy" not in head


def test_manage_deploy(tmp_path):
    env = servers.app_env(str(tmp_path))
    r = servers.run_manage(["deploy"], env)
    assert r.returncode == 0, r.stderr
    assert re.search(r"seed: \d+ rows added", r.stdout), r.stdout
    r = servers.run_manage(["db", "current"], env)
    assert "(head)" in r.stdout
    r = servers.run_manage(["deploy"], env)      # again: nothing to do
    assert r.returncode == 0, r.stderr
    assert "already has data; nothing added" in r.stdout
    r = servers.run_manage(["deploy", "extra"], env)
    assert r.returncode == 2 and "unexpected argument 'extra'" in r.stderr
    assert "manage deploy --help" in r.stderr
