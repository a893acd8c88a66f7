/* guestbook.h — a test application (tests/integration/test_manage_db.py)
 * built by the Makefile's fl_application and fl_manage functions, as an
 * application of one's own is: a shared model (Visitor) in its
 * fl_application, and a blueprint (bp/entries.c) that declares its own
 * model, reachable only through its fl_blueprint.models, as a Flask
 * blueprint module declares a db.Model. */
#ifndef GUESTBOOK_H
#define GUESTBOOK_H

#include "flagon.h"

/* The application: its models are Visitor; its blueprint adds Entry. */
extern const fl_application guestbook_app;

/* The one blueprint, /cgi-bin/entries/. */
extern const fl_blueprint entries_blueprint;

/* The shared model, table "visitor". */
extern const fl_model Visitor;

#endif
