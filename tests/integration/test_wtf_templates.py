"""Flask-Bootstrap's bootstrap/wtf.html on Flagon's forms, byte for byte.

The same forms are defined here with WTForms 3.0 / Flask-WTF and in
tests/integration/formwidgets.c; each case fills both with the same form
data and uploads, validates, and renders the same template source — which
imports lib/web/templates/bootstrap/wtf.html (quick_form, form_field,
form_errors) — with the real Jinja (Flask 2.2's environment, Flask-Bootstrap's
bootstrap_is_hidden_field global) and with Flagon's engine.  The outputs must
be identical; the CSRF token is Python's, given to Flagon.  Run with
/usr/bin/python3 -m pytest tests/integration/test_wtf_templates.py
"""
import json
import os
import subprocess

import pytest
from flask import Flask, render_template_string
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField
from wtforms import (BooleanField, HiddenField, IntegerField, PasswordField, RadioField,
                     SelectField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

import servers
from test_form_widgets import CASES as WIDGET_CASES
from test_form_widgets import AllForm, TOOL, ValForm, request_kwargs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATES = os.path.join(ROOT, "lib", "web", "templates")


class NameForm(FlaskForm):
    name = StringField("What is your name?", validators=[DataRequired()])
    submit = SubmitField("Submit")


class MixForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(1, 64)],
                       description="Your <b>full</b> name",
                       render_kw={"placeholder": "Your <name>", "autofocus": True})
    nick = StringField(validators=[Optional(), Length(2, 10)], default="nn")
    secret = PasswordField("Password", validators=[InputRequired()])
    remember_me = BooleanField("Keep me logged in")
    size = RadioField("Size", choices=[("s", "Small"), ("m", "Medium")],
                      validators=[DataRequired()], render_kw={"class_": "sz", "data_x": "1"})
    colour = SelectField("Colour", choices=[("r", "Red"), ("g", "Green <&>")])
    body = TextAreaField("Body", validators=[Length(max=500)], description="Markdown & more")
    photo = FileField("Photo", description="A picture")
    next = HiddenField()
    age = IntegerField("Age", validators=[NumberRange(0, 150)])
    go = SubmitField("Go!", render_kw={"class": "ignored"})


FORMS = {"NameForm": NameForm, "MixForm": MixForm, "AllForm": AllForm, "ValForm": ValForm}

IMPORT = '{% import "bootstrap/wtf.html" as wtf %}'
TEMPLATES_ = {
    "quick": IMPORT + "{{ wtf.quick_form(form) }}",
    "horizontal": IMPORT + "{{ wtf.quick_form(form, form_type='horizontal', "
                           "button_map={'submit': 'primary', 'go': 'danger'}) }}",
    "horizontal-cols": IMPORT + "{{ wtf.quick_form(form, form_type='horizontal', "
                                "horizontal_columns=('sm', 4, 8), id='f2') }}",
    "inline": IMPORT + "{{ wtf.quick_form(form, action='/x?a=1&b=2', method='get', "
                       "extra_classes='big <x>', role='', form_type='inline', "
                       "enctype='text/plain', id='f1', novalidate=True) }}",
    "no-action": IMPORT + "{{ wtf.quick_form(form, action=None, method='', enctype='') }}",
    "fields": IMPORT + "{% for f in form %}{{ wtf.form_field(f) }}|"
                       "{{ wtf.form_field(f, form_type='inline') }}|"
                       "{{ wtf.form_field(f, form_type='horizontal', "
                       "horizontal_columns=('md', 3, 9), button_map={f.name: 'link'}) }}"
                       "{% endfor %}",
    "errors": IMPORT + "[{{ wtf.form_errors(form) }}][{{ wtf.form_errors(form, hiddens=False) }}]"
                       "[{{ wtf.form_errors(form, hiddens='only') }}]",
    "book": IMPORT + "{% block page_content %}<div class=\"page-header\">\n"
                     "    <h1>Hello, {% if name %}{{ name }}{% else %}Stranger{% endif %}!</h1>\n"
                     "</div>\n{{ wtf.quick_form(form) }}\n{% endblock %}",
    # the form as WTForms shows it to a template
    "face": "{% for f in form %}{{ loop.index }} {{ f.name }} {{ f.short_name }} {{ f.id }} "
            "{{ f.type }} {{ f.widget.input_type }} {{ f.flags.required }} {{ f.flags.optional }} "
            "{{ f.flags.hidden }} {{ f.flags.maxlength }} {{ f.flags.min }} [{{ f.label.text }}] "
            "{{ f.label.field_id }} [{{ f.description }}] {{ f.default }} {{ f.render_kw }} "
            "{{ f.errors }} {{ bootstrap_is_hidden_field(f) }} {{ f.render_kw is none }}\n"
            "{% endfor %}{% for k, v in form.errors.items() %}{{ k }}={{ v }};{% endfor %}\n"
            "{{ form['name'].label(class='c') }}{{ form.name.label(class_='d', for_='x') }}\n"
            "{{ bootstrap_is_hidden_field(form.nothing) }}{{ form.errors|length }}",
    "calls": "{{ form.name(class='c') }}\n{{ form.name(class='c', class_='d') }}\n"
             "{{ form.name(class_='d', placeholder=none, autofocus=false) }}\n"
             "{{ form.name(**{'class': 'k', 'data_y': 2}) }}\n"
             "{% for o in form.size %}{{ o }}|{{ o(class_='o') }}|{{ o.label }}|{{ o.label.text }}|"
             "{{ o.id }}|{{ o.name }}|{{ o.type }}|{{ o.checked }}|{{ o.data }}|"
             "{{ o.widget.input_type }}|{{ o.flags.required }}\n{% endfor %}"
             "{{ form.size(class_='r') }}\n{{ form.size }}\n{{ form.go() }}\n{{ form.go(class_='b') }}\n"
             "{{ form.size.widget.html_tag }} {{ form.colour.widget.input_type }}|"
             "{{ form.photo.widget.input_type }} {{ form.next.widget.input_type }} "
             "{{ form.secret.widget.input_type }} {{ form.remember_me.widget.input_type }}\n"
             "{{ form.csrf_token.type }} {{ form.csrf_token.widget.input_type }} "
             "{{ form.csrf_token.flags.hidden }} {{ form.csrf_token(class='c') }} "
             "{{ form.csrf_token.label(class='l') }}\n{{ form.hidden_tag() }}",
}

BAD_MIX = [["name", "  "], ["nick", "x"], ["secret", ""], ["size", "zz"], ["colour", "g"],
           ["body", "b" * 501], ["next", "/n?a=<1>"], ["age", "200"], ["go", "Go!"]]
GOOD_MIX = [["name", "Ann <&> \"O'Neil\""], ["nick", "annie"], ["secret", "pw"],
            ["remember_me", "y"], ["size", "m"], ["colour", "r"], ["body", "line\r\n<b>"],
            ["next", "/n"], ["age", "42"], ["go", "Go!"]]

STATES = {
    "NameForm": {"get": {}, "post-bad": {"formdata": [["name", ""]], "validate": True},
                 "post-good": {"formdata": [["name", "Dave"]], "validate": True},
                 "form-error": {"formdata": [["name", "x"]], "validate": True,
                                "form_error": "Whole <form> is bad"}},
    "MixForm": {"get": {}, "post-bad": {"formdata": BAD_MIX, "validate": True,
                                        "form_error": "Try again"},
                "post-good": {"formdata": GOOD_MIX, "validate": True,
                              "files": [["photo", "me.png", "image/png", 5]]}},
    "AllForm": {"get": {}},
    "ValForm": {"post-bad": {k: WIDGET_CASES["validators-bad"][k]
                             for k in ("formdata", "files", "validate")}},
}
FACE_ONLY = {"face", "calls"}

CASES = {}
for form_name, states in STATES.items():
    for state, case in states.items():
        for tname, tpl in TEMPLATES_.items():
            if tname in FACE_ONLY and form_name != "MixForm":
                continue
            if tname == "book" and form_name != "NameForm":
                continue
            CASES[f"{form_name}-{state}-{tname}"] = dict(case, form=form_name, template=tpl)


def python_results(app):
    out = {}
    for cid, case in CASES.items():
        kwargs = request_kwargs(case)
        with app.test_request_context("/", **kwargs):
            form = FORMS[case["form"]]()
            if case.get("validate"):
                form.validate()
                # CSRF is the application's business in Flagon, not the form's.
                form.csrf_token.errors = []
            if case.get("form_error"):
                form.form_errors.append(case["form_error"])
            token = generate_csrf()
            try:
                html = {"html": render_template_string(case["template"], form=form)}
            except Exception as e:  # noqa: BLE001 - compared: both must fail
                html = {"error": type(e).__name__}
            out[cid] = (html, token)
    return out


@pytest.fixture(scope="module")
def results():
    if not os.access(TOOL, os.X_OK):
        servers.missing(f"{TOOL} is not built", "make unit-bins builds it")
    app = Flask(__name__, template_folder=TEMPLATES)
    app.config["SECRET_KEY"] = "wtf"
    # Flask-Bootstrap's init_app: isinstance(field, HiddenField)
    app.jinja_env.globals["bootstrap_is_hidden_field"] = lambda f: isinstance(f, HiddenField)
    py = python_results(app)
    cases = [dict(case, csrf=py[cid][1]) for cid, case in CASES.items()]
    r = subprocess.run([TOOL, TEMPLATES], input=json.dumps(cases), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = dict(zip(CASES, json.loads(r.stdout)))
    return {cid: (py[cid][0], got[cid]) for cid in CASES}


@pytest.mark.parametrize("cid", list(CASES))
def test_wtf_html_matches_jinja(results, cid):
    want, got = results[cid]
    assert "error" not in want, want
    assert got.get("error") is None, got["error"]
    assert got["html"] == want["html"]
