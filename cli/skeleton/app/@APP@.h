/* @APP@.h — what the programs of @APP@ share: the application object
 * (Flask's `app = Flask(__name__)`), its models and its blueprints.
 * Every program in cgi-bin/ and ./manage links the files of app/. */
#ifndef @APP_UPPER@_H
#define @APP_UPPER@_H

#include "flagon.h"

/* The application: its name, models and blueprints (app/@APP@.c). */
extern const fl_application @APP@_app;

/* The blueprint of cgi-bin/@BLUEPRINT@.c, mounted at /cgi-bin/@BLUEPRINT@/. */
extern const fl_blueprint @BLUEPRINT@_blueprint;

/* Note, table "note": id, title (not null, unique), body, created.
 * Flask-SQLAlchemy:
 *
 *     class Note(db.Model):
 *         id = db.Column(db.Integer, primary_key=True)
 *         title = db.Column(db.String(100), nullable=False, unique=True)
 *         body = db.Column(db.Text)
 *         created = db.Column(db.DateTime, nullable=False,
 *                             server_default=db.func.current_timestamp())
 */
extern const fl_model Note;

#endif
