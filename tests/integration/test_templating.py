"""An application's own template extensions and forms field by field, on a
real server: Flasky registers a filter (datetimeformat) and a context
processor (app_name, current_time) in app/templating.c; /cgi-bin/main/fields/
uses both and writes the NameForm field by field (templates/_name_form.html),
which must give the same bytes as Flask-WTF + WTForms rendering that very
file; the new-user mail gets the context processor's value too.

Template rendering is not the web server's business, so one server
(lighttpd) is enough."""
import email
import glob
import os
import re
import time
from datetime import datetime, timezone
from email import policy

import pytest

import servers
from servers import Browser, unique

PAGE = "/cgi-bin/main/fields/"
FORM_RE = re.compile(r'<form method="POST" class="name-form">.*?</form>', re.S)
FRAGMENT = os.path.join(servers.ROOT, "templates", "_name_form.html")
ADMIN = "admin@example.com"


@pytest.fixture(scope="module")
def flasky(tmp_path_factory):
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("templating")), {"main": servers.MAIN_EXE})
    s.env.update({"FLASKY_ADMIN": ADMIN, "MAIL_SUPPRESS_SEND": "1", "FLAGON_VAR": s.var})
    s.start()
    yield s
    s.stop()


def wtforms_render(token, formdata=None):
    """templates/_name_form.html rendered by Flask + Flask-WTF + WTForms 3.0
    with Flasky's NameForm (app/main/forms.py) and the same CSRF token."""
    from flask import Flask, render_template_string
    from flask_wtf import FlaskForm
    from wtforms import StringField, SubmitField
    from wtforms.validators import DataRequired, Length

    class NameForm(FlaskForm):
        name = StringField("What is your name?", validators=[DataRequired(), Length(1, 64)])
        submit = SubmitField("Submit")

    app = Flask(__name__)
    app.secret_key = "oracle"
    with open(FRAGMENT, encoding="utf-8") as f:
        source = f.read()
    kw = {"method": "POST", "data": formdata} if formdata is not None else {}
    with app.test_request_context("/", **kw):
        form = NameForm()
        form.csrf_token.current_token = token
        if formdata is not None:
            form.validate()
            # Flagon checked the (valid) token before the view ran.
            form.csrf_token.errors = []
        return render_template_string(source, form=form)


def form_html(page):
    m = FORM_RE.search(page)
    assert m, page[:2000]
    return m.group(0)


def test_page_uses_the_filter_and_the_context_processor(flasky):
    r = Browser(flasky).get(PAGE)
    assert r.status_code == 200, r.text[:500]
    assert "<title>Flasky - fields</title>" in r.text
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    m = re.search(r'<p class="app-footer[^"]*">Flasky &middot; (\d{4}-\d\d-\d\d)</p>', r.text)
    assert m, r.text[-1500:]
    assert m.group(1) <= today  # the same day (or the one before, at midnight)


def test_fields_are_byte_for_byte_wtforms(flasky):
    r = Browser(flasky).get(PAGE)
    token = servers.csrf_token(r.text)
    assert token
    ours = form_html(r.text)
    assert ours == wtforms_render(token)
    # the pieces the Flask book writes, as WTForms writes them
    assert '<label for="name">What is your name?</label> <input class="form-control" ' \
           'id="my-text-field" maxlength="64" minlength="1" name="name" ' \
           'placeholder="Your &lt;name&gt;" required size="32" type="text" value="">' in ours
    assert '<input id="csrf_token" name="csrf_token" type="hidden" value="%s">' % token in ours


def test_errors_and_data_after_a_bad_post_are_wtforms(flasky):
    b = Browser(flasky)
    token = servers.csrf_token(b.get(PAGE).text)
    r = b.post(PAGE, data={"name": "", "csrf_token": token, "submit": "Submit"})
    assert r.status_code == 200, r.text[:500]
    ours = form_html(r.text)
    assert '<span class="error">This field is required.</span>' in ours
    # The page signs the session's token anew (Flask-WTF's generate_csrf), so
    # its timestamp is this second's, not the GET's: compare with that one.
    rendered = servers.csrf_token(r.text)
    assert rendered.split(".")[0] == token.split(".")[0]
    assert ours == wtforms_render(rendered, {"name": "", "submit": "Submit"})


def test_a_valid_post_redirects_to_the_page(flasky):
    b = Browser(flasky)
    token = servers.csrf_token(b.get(PAGE).text)
    r = b.post(PAGE, data={"name": unique("fields"), "csrf_token": token, "submit": "Submit"})
    assert r.status_code in (302, 303)
    assert r.headers["Location"].endswith(PAGE)


def test_the_quick_form_page_is_unchanged(flasky):
    r, token = Browser(flasky).index()
    # quick_form still renders from the same JSON (Bootstrap markup)
    assert '<input class="form-control" id="name" maxlength="64" minlength="1" name="name" ' \
           'required type="text" value="">' in r.text
    assert '<input id="csrf_token" name="csrf_token" type="hidden" value="%s">' % token in r.text
    assert "app-footer" not in r.text


def test_new_user_mail_has_the_context_processor_value(flasky):
    outbox = os.path.join(flasky.var, "outbox")
    before = set(glob.glob(os.path.join(outbox, "*.eml")))
    name = unique("mail<&>")
    r = Browser(flasky).submit_name(name)
    assert r.status_code in (302, 303)
    deadline = time.monotonic() + 10
    new = []
    while not new and time.monotonic() < deadline:
        new = sorted(set(glob.glob(os.path.join(outbox, "*.eml"))) - before)
        time.sleep(0.05)
    assert new, "no mail in %s" % outbox
    with open(new[0], "rb") as f:
        m = email.message_from_bytes(f.read(), policy=policy.default)
    text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = m.get_body(("html",)).get_content()
    assert "User %s has joined.\n\n-- \nFlasky" % name in text
    assert "<p>&mdash; Flasky</p>" in html
