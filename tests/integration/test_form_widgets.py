"""Flagon's forms against WTForms 3.0 and Flask-WTF, byte for byte.

The same two form classes are defined here in Python and in
tests/integration/formwidgets.c (built as
$FLAGON_BUILD/tests/integration/formwidgets by `make unit-bins`); every case
below feeds both the same form data, uploads and keyword arguments, and
the rendered widgets (`field(**kwargs)`), labels (`field.label(**kwargs)`),
hidden_tag(), errors (word for word), the coerced data and field.type must
be equal.  Run with
/usr/bin/python3 -m pytest tests/integration/test_form_widgets.py
"""
import datetime
import decimal
import io
import json
import os
import subprocess

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (BooleanField, DateField, DateTimeField, DecimalField, EmailField,
                     FloatField, HiddenField, IntegerField, MultipleFileField,
                     PasswordField, RadioField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField, URLField)
from wtforms.validators import (UUID, URL, DataRequired, InputRequired, IPAddress, Length,
                                NoneOf, NumberRange, Optional)

import servers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("FLAGON_BUILD", "build")
TOOL = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD),
                    "tests", "integration", "formwidgets")


class AllForm(FlaskForm):
    name = StringField("What is your name?", validators=[DataRequired(), Length(1, 64)])
    secret = PasswordField("Password", validators=[InputRequired()])
    age = IntegerField("Age", validators=[NumberRange(0, 150)])
    ratio = FloatField("Ratio", validators=[Optional()])
    price = DecimalField("Price")
    remember_me = BooleanField()
    colour = SelectField("Colour", choices=[("r", "Red"), ("g", "Green <&>")])
    count = SelectField("Count", choices=[("1", "One"), ("2", "Two")], coerce=int)
    body = TextAreaField("Body", validators=[Length(max=500)])
    next = HiddenField()
    born = DateField("Born")
    when = DateTimeField("When")
    email = EmailField("Email", validators=[DataRequired()])
    homepage = URLField("Homepage", validators=[Optional(), URL()])
    size = RadioField("Size", choices=[("s", "Small"), ("m", "Medium")],
                      validators=[DataRequired()])
    tags = SelectMultipleField("Tags", choices=[("a", "A"), ("b", "B"), ("c", "C")])
    photo = FileField("Photo", validators=[FileRequired(), FileAllowed(["jpg", "png"]),
                                           FileSize(100, 0)])
    docs = MultipleFileField("Docs")
    token = HiddenField()
    submit = SubmitField("Submit")


class ValForm(FlaskForm):
    url = StringField("URL", validators=[URL()])
    url_notld = StringField(validators=[URL(require_tld=False)])
    ip4 = StringField(validators=[IPAddress()])
    ip6 = StringField(validators=[IPAddress(ipv4=False, ipv6=True)])
    ip46 = StringField(validators=[IPAddress(ipv4=True, ipv6=True)])
    user = StringField(validators=[NoneOf(["admin", "root"])])
    uuid = StringField(validators=[UUID()])
    opt_uuid = StringField(validators=[Optional(), UUID()])
    n_input = IntegerField(validators=[InputRequired()])
    n_data = IntegerField(validators=[DataRequired()])
    n_opt = IntegerField(validators=[Optional(), NumberRange(1, 5)])
    upload = FileField(validators=[FileSize(10, 2)])
    amount = DecimalField(validators=[DataRequired()])
    exact = DecimalField(places=None)
    up = DecimalField(places=1, rounding=decimal.ROUND_HALF_UP)
    day = DateField(format="%d/%m/%Y")


FORMS = {"AllForm": AllForm, "ValForm": ValForm}
ALL_FIELDS = [n for n in AllForm.__dict__ if not n.startswith("_") and n != "Meta"
              and hasattr(AllForm.__dict__[n], "field_class")]
KW = [{}, {"class_": "form-control", "id": "my-id"},
      {"data_toggle_x": "a\"<b>'&", "aria_label": "L", "required": False, "disabled": True},
      {"placeholder": None, "size": 10, "step": 0.5, "for_": "x"}]

# Everything every field renders, with four sets of keyword arguments.
RENDER = [[f, kw] for f in ALL_FIELDS for kw in KW]
LABELS = [[f, kw] for f in ALL_FIELDS for kw in (KW[0], KW[1], {"for_": "other", "text": "T"},
                                                 {"text": "<b>"})]

CASES = {
    "get": {"form": "AllForm", "formdata": None, "hidden_tag": "tok\"<>"},
    "post-empty": {"form": "AllForm", "formdata": [["x", "1"]], "validate": True,
                   "hidden_tag": None},
    "post-good": {"form": "AllForm", "validate": True, "hidden_tag": "t", "formdata": [
        ["name", "Ann <&> \"O'Neil\""], ["secret", "pw"], ["age", "42"], ["ratio", "1.5"],
        ["price", "3.14159"], ["remember_me", "y"], ["colour", "g"], ["count", "2"],
        ["body", "\nline1\r\nline2 <b>"], ["next", "/x?a=1&b=2"], ["born", "2023-02-28"],
        ["when", "2023-02-28 13:45:00"], ["email", "a@b.co"],
        ["homepage", "https://example.com/x?y=1"], ["size", "m"], ["tags", "a"],
        ["tags", "c"], ["token", "v"], ["submit", "Submit"]],
        "files": [["photo", "me.JPG", "image/jpeg", 50], ["docs", "a.txt", "text/plain", 3],
                  ["docs", "b.txt", "text/plain", 4]]},
    "post-bad": {"form": "AllForm", "validate": True, "hidden_tag": None, "formdata": [
        ["name", "   "], ["secret", ""], ["age", "x"], ["ratio", "nope"], ["price", "1,5"],
        ["colour", "purple"], ["count", "three"], ["body", "b" * 501], ["born", "2023-02-30"],
        ["when", "2023-02-28"], ["homepage", "not a url"], ["size", "xl"],
        ["tags", "a"], ["tags", "zz"], ["remember_me", "false"]],
        "files": [["photo", "me.gif", "image/gif", 5], ["docs", "", "application/octet-stream", 0]]},
    "post-bad2": {"form": "AllForm", "validate": True, "formdata": [
        ["age", "200"], ["price", "1e400"], ["born", "2024-02-29"], ["when", "2023-1-5  7:05:09"],
        ["tags", "zz"], ["tags", "zz"], ["homepage", "   "], ["ratio", ""]],
        "files": [["photo", "big.png", "image/png", 101]]},
    "set-data": {"form": "AllForm", "formdata": None,
                 "set_data": {"name": "pre <filled>", "age": "7", "price": "2.675",
                              "born": "1999-12-31", "when": "2000-01-02 03:04:05",
                              "remember_me": "y", "colour": "r", "count": "1", "size": "s",
                              "tags": "b", "secret": "hidden"}},
    "validators-bad": {"form": "ValForm", "validate": True, "formdata": [
        ["url", "http://localhost/"], ["url_notld", "ftp://a_b-c.d-:99/p"],
        ["ip4", "01.2.3.4"], ["ip6", "1.2.3.4"], ["ip46", "::1::"], ["user", "root"],
        ["uuid", "1234"], ["opt_uuid", "  "], ["n_input", ""], ["n_data", "0"], ["n_opt", "9"],
        ["amount", "0.00"], ["exact", "abc"], ["up", "x"], ["day", "31/04/2023"]],
        "files": [["upload", "a.bin", "application/octet-stream", 11]]},
    "validators-good": {"form": "ValForm", "validate": True, "formdata": [
        ["url", "HTTPS://xn--bcher-kva.example.com:8080/a/b?c=d#e"],
        ["url_notld", "http://localhost"], ["ip4", "192.168.0.1"], ["ip6", "fe80::1%eth0"],
        ["ip46", "::ffff:1.2.3.4"], ["user", "Root"],
        ["uuid", "{urn:uuid:12345678-1234-5678-1234-567812345678}"], ["opt_uuid", ""],
        ["n_input", "0"], ["n_data", "3"], ["n_opt", ""], ["amount", "-0.5"],
        ["exact", " 1_000.50 "], ["up", "2.25"], ["day", "9/3/2023"]],
        "files": [["upload", "a.bin", "application/octet-stream", 2]]},
    "validators-more": {"form": "ValForm", "validate": True, "formdata": [
        ["url", "http://a.b/\n"], ["url_notld", "http://-a.com"], ["ip4", "1.2.3.256"],
        ["ip6", "::1"], ["ip46", "1.2.3.4"], ["user", ""],
        ["uuid", "12345678123456781234567812345678"], ["opt_uuid", "x"],
        ["n_data", "x"], ["n_opt", "3"], ["amount", "NaN"], ["exact", "1E+2"], ["up", "-0.05"],
        ["day", "1/1/2023 "]]},
    "validators-urls": {"form": "ValForm", "validate": True, "formdata": [
        ["url", "http://example.com:"], ["url_notld", "http://xn-/x"],
        ["uuid", "0x345678123456781234567812345678"], ["opt_uuid", "urn:12345678-1234-5678-1234-5678123456_8"],
        ["amount", "Infinity"], ["exact", "0.0000001"], ["up", "1.05"], ["day", "01/13/2023"]]},
}
for case in CASES.values():
    if case["form"] == "AllForm":
        case["widgets"] = RENDER
        case["labels"] = LABELS
    else:
        names = [n for n in ValForm.__dict__ if hasattr(ValForm.__dict__[n], "field_class")]
        case["widgets"] = [[n, {}] for n in names]
        case["labels"] = [[n, {}] for n in names]


def jsonable(v):
    if isinstance(v, FileStorage):
        data = v.read()
        v.seek(0)
        return {"filename": v.filename, "content_type": v.mimetype if v.content_type else None,
                "size": len(data)}
    if isinstance(v, (datetime.date, decimal.Decimal)):
        return str(v)
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def request_kwargs(case):
    """test_request_context's arguments for a case: a multipart POST of its
    formdata and files (name, filename, content type, size), or a GET."""
    if case.get("formdata") is None and not case.get("files"):
        return {}
    data = MultiDict()
    for k, v in case.get("formdata") or []:
        data.add(k, v)
    for field, filename, ctype, size in case.get("files", []):
        data.add(field, (io.BytesIO(b"x" * size), filename, ctype))
    return {"method": "POST", "data": data, "content_type": "multipart/form-data"}


def python_results(app):
    out = {}
    for cid, case in CASES.items():
        kwargs = request_kwargs(case)
        app.config["WTF_CSRF_ENABLED"] = case.get("hidden_tag") is not None
        with app.test_request_context("/", **kwargs):
            form = FORMS[case["form"]]()
            for k, v in case.get("set_data", {}).items():
                f = getattr(form, k)
                if isinstance(f, SelectMultipleField):
                    f.data = [v]
                elif isinstance(f, DateTimeField) and not isinstance(f, DateField):
                    f.data = datetime.datetime.fromisoformat(v)
                elif isinstance(f, DateField):
                    f.data = datetime.date.fromisoformat(v)
                elif isinstance(f, DecimalField):
                    f.data = decimal.Decimal(v)
                elif isinstance(f, (IntegerField,)) or (isinstance(f, SelectField) and f.coerce is int):
                    f.data = int(v)
                elif isinstance(f, BooleanField):
                    f.data = True
                else:
                    f.data = v
            # CSRF is the application's business in Flagon, not the form's.
            valid = bool(case.get("validate")) and (form.validate() or list(form.errors) == ["csrf_token"])
            r = {"valid": valid}
            r["widgets"] = [str(getattr(form, n)(**kw)) for n, kw in case["widgets"]]
            r["labels"] = [str(getattr(form, n).label(**kw)) for n, kw in case["labels"]]
            token = None
            if case.get("hidden_tag") is not None:
                token = generate_csrf()
                r["hidden_tag"] = str(form.hidden_tag())
            elif "hidden_tag" in case:
                r["hidden_tag"] = str(form.hidden_tag())
            names = [f.name for f in form if f.name != "csrf_token"]
            r["errors"] = {n: list(getattr(form, n).errors) for n in names
                           if getattr(form, n).errors}
            r["data"] = {n: jsonable(getattr(form, n).data) for n in names}
            r["types"] = {n: getattr(form, n).type for n in names}
            out[cid] = (r, token)
    return out


@pytest.fixture(scope="module")
def results():
    if not os.access(TOOL, os.X_OK):
        servers.missing(f"{TOOL} is not built", "make unit-bins builds it")
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "widgets"
    py = python_results(app)
    cases = []
    for cid, case in CASES.items():
        c = dict(case)
        if case.get("hidden_tag") is not None:
            c["hidden_tag"] = py[cid][1]
        cases.append(c)
    r = subprocess.run([TOOL], input=json.dumps(cases), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    c_results = dict(zip(CASES, json.loads(r.stdout)))
    return {cid: (py[cid][0], c_results[cid]) for cid in CASES}


@pytest.mark.parametrize("cid", list(CASES))
def test_widgets_match_wtforms(results, cid):
    py, c = results[cid]
    for (name, kw), want, got in zip(CASES[cid]["widgets"], py["widgets"], c["widgets"]):
        assert got == want, f"{name}({kw})"
    for (name, kw), want, got in zip(CASES[cid]["labels"], py["labels"], c["labels"]):
        assert got == want, f"{name}.label({kw})"
    if "hidden_tag" in CASES[cid]:
        assert c["hidden_tag"] == py["hidden_tag"]


@pytest.mark.parametrize("cid", list(CASES))
def test_errors_and_data_match_wtforms(results, cid):
    py, c = results[cid]
    assert c["errors"] == py["errors"]
    assert c["valid"] == py["valid"]
    assert c["types"] == py["types"]
    for name, want in py["data"].items():
        if name == "docs" and not isinstance(want, list):
            continue
        if name == "docs":   # WTForms' MultipleFileField keeps empty uploads
            want = [x for x in want if x.get("filename")] or None
        assert c["data"][name] == want, name
