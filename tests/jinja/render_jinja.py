#!/usr/bin/python3
"""render_jinja.py — the oracle of the template corpus: render templates
with the real Jinja (Debian's python3-jinja2) in Flask's environment, as
Flask's render_template does inside app.test_request_context('/'):
autoescape chosen by file extension (.html .htm .xml .xhtml .svg on,
anything else off), Flask's `tojson`, the globals and context processors
Flask adds.  `./manage render` is the Flagon side; tests/integration/
test_jinja_corpus.py compares the two byte for byte.

usage:
  render_jinja.py DIR NAME [CONTEXT_JSON]   print one template's output
  render_jinja.py DIR --all                 render every case of DIR (not
                                            under _lib/, not *.json or
                                            *.expect) and print {name:
                                            {"out": text} or {"error":
                                            message, "file": template,
                                            "lineno": line}} as JSON

A case NAME may have a context NAME-without-extension.json beside it.
The search path is DIR itself, so cases include "_lib/x.html".
"""
import json
import os
import sys

import flask
import jinja2


def make_app(directory):
    app = flask.Flask("corpus", template_folder=os.path.abspath(directory))
    app.config["SECRET_KEY"] = "corpus"
    return app


def context_for(directory, name):
    base = os.path.splitext(name)[0]
    path = os.path.join(directory, base + ".json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {}


def render(app, name, ctx):
    with app.test_request_context("/"):
        return flask.render_template(name, **ctx)


def cases(directory):
    out = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "_lib" and not d.startswith("."))
        for f in sorted(files):
            if f.endswith((".json", ".expect")) or f.startswith("."):
                continue
            out.append(os.path.relpath(os.path.join(root, f), directory))
    return sorted(out)


def error_location(directory, e):
    """Where Jinja says error `e` happened: (template name relative to
    DIR, line) — a TemplateSyntaxError's own name and lineno, else the
    innermost frame of a template in Jinja's rewritten traceback (its
    frames carry the template's file and line); (None, None) if unknown."""
    if isinstance(e, jinja2.TemplateSyntaxError) and e.lineno:
        name = e.name or e.filename
        if name and os.path.isabs(name):   # the lexer's errors carry the path
            name = os.path.relpath(name, directory)
        return name, e.lineno
    top = os.path.abspath(directory) + os.sep
    where = (None, None)
    tb = e.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(top):
            where = (os.path.relpath(filename, top), tb.tb_lineno)
        tb = tb.tb_next
    return where


def error_result(directory, e):
    name, lineno = error_location(directory, e)
    return {"error": "%s: %s" % (type(e).__name__, e), "file": name, "lineno": lineno}


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 else 2
    directory, name = argv[1], argv[2]
    app = make_app(directory)
    if name == "--all":
        results = {}
        for case in cases(directory):
            try:
                results[case] = {"out": render(app, case, context_for(directory, case))}
            except Exception as e:  # TemplateError, or a Python error inside Jinja (TypeError, …)
                results[case] = error_result(directory, e)
        json.dump(results, sys.stdout, ensure_ascii=False, sort_keys=True)
        return 0
    ctx = json.loads(argv[3]) if len(argv) > 3 else context_for(directory, name)
    sys.stdout.write(render(app, name, ctx))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
