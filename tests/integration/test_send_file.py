"""send_file, send_from_directory, uploads and binary bodies behind real
lighttpd and Apache (tests/integration/filesapp.c, web/send_file.h,
web/uploads.h): byte-exact bodies, werkzeug's headers (ETag and
Content-Disposition computed by werkzeug itself), 304 and 206 answers,
traversal attempts that must all be 404, an upload saved then downloaded
and never overwritten, and the X-Sendfile hand-off to each server."""
import os
import zlib

import pytest
import requests

import servers

FILESAPP = os.path.join(servers.BUILD, "tests", "integration", "filesapp")
BINARY = bytes(range(256)) * 300 + b"\0\r\n\xff end"
SECRET = b"TOPSECRET-outside-the-directory\n"


def _make_server(kind, tmp_path_factory, x_sendfile, header="X-Sendfile"):
    if not os.access(FILESAPP, os.X_OK):
        servers.missing("tests/integration/filesapp is not built", "make unit-bins")
    name = "%s-%s" % (kind, header if x_sendfile else "files")
    cls = {"lighttpd": servers.Lighttpd, "apache": servers.Apache}[kind]
    workdir = str(tmp_path_factory.mktemp(name))
    # FILESAPP_DIR under the server's FLAGON_VAR: where both servers'
    # X-Sendfile set-ups allow files from.
    base = os.path.join(workdir, "var", "filesapp")
    env = {"FILESAPP_DIR": base, "USE_X_SENDFILE": "true" if x_sendfile else "false",
           "X_SENDFILE_HEADER": header}
    s = cls(workdir, {"main": servers.MAIN_EXE, "filesapp": FILESAPP}, extra_env=env,
            max_content_length=None)
    files = os.path.join(base, "files")
    os.makedirs(os.path.join(files, "sub"))
    os.makedirs(os.path.join(base, "uploads"))
    with open(os.path.join(files, "bin.dat"), "wb") as f:
        f.write(BINARY)
    with open(os.path.join(files, "hello.txt"), "wb") as f:
        f.write(b"hello, world\n")
    with open(os.path.join(files, "sub", "notes.txt"), "wb") as f:
        f.write(b"notes\n")
    with open(os.path.join(base, "secret.txt"), "wb") as f:
        f.write(SECRET)
    os.symlink(os.path.join(base, "secret.txt"), os.path.join(files, "out.txt"))
    os.symlink("..", os.path.join(files, "up"))
    s.base = base
    s.start()
    return s


@pytest.fixture(scope="module", params=["lighttpd", "apache"])
def fs(request, tmp_path_factory):
    """A server of each kind with filesapp mounted, X-Sendfile off."""
    s = _make_server(request.param, tmp_path_factory, False)
    request.addfinalizer(s.stop)
    return s


@pytest.fixture(scope="module", params=[("lighttpd", "X-Sendfile"),
                                        ("lighttpd", "X-LIGHTTPD-send-file"),
                                        ("apache", "X-Sendfile")], ids="-".join)
def xs(request, tmp_path_factory):
    """The same with USE_X_SENDFILE=true: the server sends the files
    (lighttpd with either of its headers, Apache with mod_xsendfile's)."""
    kind, header = request.param
    s = _make_server(kind, tmp_path_factory, True, header)
    s.header = header
    request.addfinalizer(s.stop)
    return s


def get(s, path, **kw):
    kw.setdefault("allow_redirects", False)
    kw.setdefault("timeout", 30)
    return requests.get(s.url + "/cgi-bin/filesapp" + path, **kw)


def werkzeug_etag(path):
    """werkzeug 2.2 send_file's ETag for the file at `path`."""
    st = os.stat(path)
    return '"%s-%s-%s"' % (st.st_mtime, st.st_size, zlib.adler32(path.encode()) & 0xFFFFFFFF)


def werkzeug_disposition(name, as_attachment):
    import io
    from werkzeug.test import create_environ
    from werkzeug.utils import send_file
    r = send_file(io.BytesIO(b""), create_environ(), mimetype="x/y",
                  as_attachment=as_attachment, download_name=name)
    return r.headers["Content-Disposition"]


def test_binary_file_byte_exact(fs):
    r = get(fs, "/files/bin.dat")
    assert r.status_code == 200, r.text[:300]
    assert r.content == BINARY
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Content-Length"] == str(len(BINARY))
    assert r.headers["Content-Disposition"] == "inline; filename=bin.dat"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["ETag"] == werkzeug_etag(os.path.join(fs.base, "files", "bin.dat"))
    st = os.stat(os.path.join(fs.base, "files", "bin.dat"))
    from werkzeug.http import http_date
    assert r.headers["Last-Modified"] == http_date(int(st.st_mtime))
    r = get(fs, "/files/sub/notes.txt")
    assert r.content == b"notes\n"
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_download_with_non_ascii_name(fs):
    name = "résumé 我的.txt"
    r = get(fs, "/download/hello.txt", params={"as": name})
    assert r.status_code == 200
    assert r.content == b"hello, world\n"
    cd = r.headers["Content-Disposition"]
    assert cd == werkzeug_disposition(name, True)
    assert cd.startswith("attachment; filename=")
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%88%91%E7%9A%84.txt" in cd


def test_conditional_answers(fs):
    r = get(fs, "/files/hello.txt")
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    r = get(fs, "/files/hello.txt", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"] == etag
    r = get(fs, "/files/hello.txt", headers={"If-Modified-Since": modified})
    assert r.status_code == 304 and r.content == b""
    r = get(fs, "/files/hello.txt", headers={"If-None-Match": '"other"'})
    assert r.status_code == 200 and r.content == b"hello, world\n"
    r = get(fs, "/files/bin.dat", headers={"Range": "bytes=256-511"})
    assert r.status_code == 206
    assert r.content == BINARY[256:512]
    assert r.headers["Content-Range"] == "bytes 256-511/%d" % len(BINARY)
    r = get(fs, "/files/bin.dat", headers={"Range": "bytes=999999-"})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == "bytes */%d" % len(BINARY)
    r = requests.head(fs.url + "/cgi-bin/filesapp/files/bin.dat", timeout=30)
    assert r.status_code == 200 and r.content == b""
    assert r.headers["Content-Length"] == str(len(BINARY))


@pytest.mark.parametrize("path", [
    "/files/..%2fsecret.txt", "/files/%2e%2e/secret.txt", "/files/%2e%2e%2fsecret.txt",
    "/files/sub/..%2f..%2fsecret.txt", "/files/out.txt", "/files/up/secret.txt",
    "/files/%2fetc%2fpasswd", "/files/sub", "/files/missing.txt",
    "/get?name=../secret.txt", "/get?name=sub/../../secret.txt", "/get?name=%2Fetc%2Fpasswd",
    "/get?name=" + "%2e%2e%2fsecret.txt", "/get?name=..%5csecret.txt", "/get?name=out.txt",
    "/get?name=up/secret.txt", "/get?name=", "/get",
])
def test_traversal_is_404(fs, path):
    r = get(fs, path)
    assert r.status_code == 404, (path, r.status_code, r.content[:200])
    assert SECRET not in r.content and b"root:" not in r.content


def test_upload_saved_then_downloaded_never_overwritten(fs):
    data = bytes(reversed(BINARY))
    r = requests.post(fs.url + "/cgi-bin/filesapp/upload", timeout=30,
                      files={"file": ("../my photo é.png", data, "image/png")})
    assert r.status_code == 201, r.text[:300]
    assert r.text == "my_photo_e.png"
    r = get(fs, "/uploads/my_photo_e.png")
    assert r.status_code == 200 and r.content == data
    assert r.headers["Content-Type"] == "image/png"
    r = requests.post(fs.url + "/cgi-bin/filesapp/upload", timeout=30,
                      files={"file": ("my photo e.png", b"other bytes", "image/png")})
    assert r.status_code == 409, r.text[:300]
    assert get(fs, "/uploads/my_photo_e.png").content == data
    r = requests.post(fs.url + "/cgi-bin/filesapp/upload", timeout=30,
                      files={"file": ("我.", b"x", "text/plain")})
    assert r.status_code == 400
    assert sorted(os.listdir(os.path.join(fs.base, "uploads"))) == ["my_photo_e.png"]


def test_binary_body_and_int_arg(fs):
    assert get(fs, "/config").text == "USE_X_SENDFILE=0 X_SENDFILE_HEADER=X-Sendfile"
    r = get(fs, "/bytes")
    assert r.status_code == 200 and r.content == bytes(range(256))
    assert get(fs, "/page?page=3").text == "page 3"
    assert get(fs, "/page?page=abc").text == "page 1"
    assert get(fs, "/page?page=").text == "page 1"
    assert get(fs, "/page").text == "page 1"


def test_x_sendfile_served_by_the_server(xs):
    # The program runs with the hand-off on: its send_file answers with the
    # header and no body (test_send_file.c::test_x_sendfile) ...
    assert get(xs, "/config").text == "USE_X_SENDFILE=1 X_SENDFILE_HEADER=" + xs.header
    r = get(xs, "/files/bin.dat")
    assert r.status_code == 200, r.text[:300]
    # ... so the bytes are the server's.
    assert r.content == BINARY
    assert r.headers["Content-Length"] == str(len(BINARY))
    assert "X-Sendfile" not in r.headers and "X-LIGHTTPD-send-file" not in r.headers
    assert r.headers["Content-Disposition"] == "inline; filename=bin.dat"
    etag = r.headers["ETag"]
    r = get(xs, "/files/bin.dat", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    r = get(xs, "/get?name=../secret.txt")
    assert r.status_code == 404 and SECRET not in r.content
