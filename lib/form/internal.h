/* validators.h — the inside of form.c shared with validators.c.
 *
 * Not for blueprints: they use form.h.  The field and form structures are
 * defined here so that the validators (validators.c) can read a field's raw
 * input and data and edit its error list the way WTForms validators do
 * (DataRequired clears earlier errors before it stops the chain).
 */
#ifndef FL_VALIDATORS_H
#define FL_VALIDATORS_H

#include "base/vec.h"
#include "base/pynum.h"
#include "form/pytypes.h"
#include "form/form.h"
#include "http/formparser.h"

/* A growable NULL-terminated array of strings in an arena: a vector
 * (base/vec.h) whose items are NULL until the first push, then always
 * followed by a NULL (items[len] == NULL). */
typedef FL_VEC(const char *) fl_strv;

struct fl_field {
	const fl_field_def *def;
	fl_form *form;
	int has_raw;            /* raw_data is non-empty: the name was submitted */
	const char *raw;        /* raw_data[0], or NULL */
	int has_nul;            /* raw_data[0] held a NUL byte: refused (raw is "") */
	int has_data;           /* data is not None */
	const char *data;       /* the data's string form ("" when None) */
	const char *shown;      /* set by fl_form_set_data: what to render, or NULL */
	long long ival;         /* integer fields, selects with coerce=int */
	double fval;            /* float fields */
	int bval;               /* boolean and submit fields */
	const fl_choice *choices;
	size_t nchoices;
	fl_strv process_errors; /* coercion errors from fl_form_process */
	fl_strv errors;         /* process errors + validation errors */
	/* the fields of issue 15 */
	fl_strv raw_list;       /* raw_data: every value under the name */
	fl_strv multi;          /* SelectMultiple: the data list (string forms) */
	fl_pydt dt;                  /* Date/DateTime data */
	const fl_file *file;    /* FileField: the upload (data), or NULL */
	FL_VEC(const fl_file *) files; /* MultipleFileField: the uploads */
};

struct fl_form {
	fl_arena *arena;
	const fl_form_def *def;
	fl_field *fields;
	size_t nfields;
	fl_strv form_errors;
	void *ctx;
	int validated;          /* validate() ran: field.errors is a list, not () */
};

/* What one validator decided: WTForms' return, ValidationError, StopValidation. */
typedef enum fl_vresult {
	FL_VR_PASS,
	FL_VR_FAIL,   /* add *message, continue the chain */
	FL_VR_STOP    /* add *message unless NULL, stop the chain */
} fl_vresult;

/* fl_validator_run — run `v` on `field`; sets *message (arena or static)
 * for FAIL and STOP.  May clear the field's errors first (DataRequired,
 * InputRequired, Optional). */
fl_vresult fl_validator_run(const fl_validator *v, fl_form *f, fl_field *field,
                            const char **message);

/* fl_strv_push — append `s` (not copied) to `sv`. */
void fl_strv_push(fl_arena *a, fl_strv *sv, const char *s);

/* fl_strv_clear — empty `sv` (WTForms' errors[:] = []). */
void fl_strv_clear(fl_strv *sv);

/* fl_field_truthy — Python's bool(field.data), with whitespace-only strings
 * false (the DataRequired rule). */
int fl_field_truthy(const fl_field *field);

/* fl_field_value — WTForms' field._value(): what value= shows (the typed
 * text again after an error, the data's string form otherwise); "" for
 * a file field. */
const char *fl_field_value(const fl_field *field);

/* fl_field_has_choices — is `t` a Select, Radio or SelectMultiple field? */
int fl_field_has_choices(fl_field_type t);

/* fl_field_choice_selected — is choice value `v` selected (its coerced
 * value equals the data, or is in the data list)? */
int fl_field_choice_selected(const fl_field *field, const char *v);

/* fl_str_is_blank — 1 when the C string `s` is NULL or blank by
 * fl_utf8_is_blank (Python's `not s.strip()`, str.isspace() per character). */
int fl_str_is_blank(const char *s);

/* WTForms' field.flags: what the field_flags of the field's validators
 * (and of its widget: HiddenInput's `hidden`) set, later validators
 * winning. */
typedef struct fl_field_flags {
	int required;           /* DataRequired, InputRequired, FileRequired */
	int optional;           /* Optional */
	int hidden;             /* HiddenField's widget */
	long minlength, maxlength;      /* Length; -1: not set */
	int has_min, has_max;           /* NumberRange ... */
	double min, max;                /* ... its bounds */
} fl_field_flags;

/* fl_field_get_flags — the flags of `field` into *out. */
void fl_field_get_flags(const fl_field *field, fl_field_flags *out);

#endif
