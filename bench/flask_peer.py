"""flask_peer.py — the Flask 2.2 peer of the pages `make bench` measures.

The same routes at the same paths, the same Jinja templates (templates/),
SQLite through Python's sqlite3 (Flask-SQLAlchemy is not packaged here, so
the peer is, if anything, lighter than Flasky), Flask's signed-cookie
session and Flask-WTF's CSRF.  Served by bench/run.py as

    BENCH_DB=/path/db.sqlite SECRET_KEY=... FLAGON_ROOT=... \
    /usr/bin/gunicorn -w N -b 127.0.0.1:PORT --chdir bench flask_peer:app
"""
import math
import os
import sqlite3

from flask import Flask, g, jsonify, redirect, render_template, session, url_for, flash, abort, \
    request
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

ROOT = os.environ.get("FLAGON_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
app = Flask(__name__, template_folder=os.path.join(ROOT, "templates"),
            static_folder=os.path.join(ROOT, "htdocs", "static"), static_url_path="/static")
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "flask-peer")
DB = os.environ["BENCH_DB"]


def db():
    if "db" not in g:
        g.db = sqlite3.connect(DB, timeout=5)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(exc):
    d = g.pop("db", None)
    if d is not None:
        d.close()


class NameForm(FlaskForm):
    name = StringField("What is your name?", validators=[DataRequired(), Length(1, 64)])
    submit = SubmitField("Submit")


def form_json(form):
    """The shape templates/_forms.html reads (lib/form/form.h's fl_form_to_json)."""
    fields = []
    for f in form:
        kind = f.widget.input_type if hasattr(f.widget, "input_type") else "text"
        fields.append({"id": f.id, "name": f.name, "input_type": kind,
                       "value": f._value() if kind != "submit" else f.label.text,
                       "label": f.label.text, "required": bool(f.flags.required),
                       "errors": list(f.errors)})
    return {"name": "NameForm", "fields": fields, "errors": form.errors}


@app.route("/cgi-bin/main/", methods=["GET", "POST"])
def index():
    form = NameForm()
    if form.validate_on_submit():
        name = form.name.data
        d = db()
        user = d.execute("SELECT * FROM users WHERE username = ? LIMIT 1", (name,)).fetchone()
        if user is None:
            d.execute("INSERT INTO users (username) VALUES (?)", (name,))
            d.commit()
            session["known"] = False
        else:
            session["known"] = True
        old = session.get("name")
        if old is not None and old != name:
            flash("Looks like you have changed your name!")
        session["name"] = name
        return redirect(url_for("index"), 303)
    return render_template("index.html", form=form_json(form), name=session.get("name"),
                           known=session.get("known", False))


@app.route("/cgi-bin/main/user/<name>")
def user(name):
    return render_template("user.html", name=name)


@app.route("/cgi-bin/model/get_all_student/")
def get_all_student():
    rows = db().execute("SELECT * FROM student ORDER BY id").fetchall()
    return render_template("student_list.html", students=[dict(r) for r in rows])


@app.route("/cgi-bin/api/students")
def students():
    page = request.args.get("page", 1, type=int)
    per_page = min(request.args.get("per_page", 20, type=int), 100)
    d = db()
    total = d.execute("SELECT count(*) FROM student").fetchone()[0]
    pages = max(1, math.ceil(total / per_page))
    if page < 1 or page > pages:
        abort(404)
    rows = d.execute("SELECT id, s_name, s_age, s_score FROM student ORDER BY id LIMIT ? OFFSET ?",
                     (per_page, (page - 1) * per_page)).fetchall()
    return jsonify({"items": [dict(r) for r in rows], "page": page, "per_page": per_page,
                    "total": total, "pages": pages})
