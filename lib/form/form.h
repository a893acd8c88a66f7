/* form.h — web forms with fields and validators (WTForms 3.0 / Flask-WTF 1.1).
 *
 * A form *definition* is static const C data that reads like a WTForms class:
 *
 *     static const fl_validator name_validators[] = {
 *         FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 64, NULL), FL_VALIDATORS_END };
 *     static const fl_field_def name_form_fields[] = {
 *         FL_STRING_FIELD("name", "What is your name?", name_validators),
 *         FL_SUBMIT_FIELD("submit", "Submit"),
 *         FL_FIELDS_END };
 *     const fl_form_def NameForm = { "NameForm", name_form_fields };
 *
 * A form *instance* (fl_form) lives in the request's arena:
 *
 *     fl_form *form = fl_form_new(arena, &NameForm);
 *     fl_form_process(form, request_form);          // Form(formdata=request.form)
 *     if (fl_form_validate_on_submit(form, method)) {
 *         const char *name = fl_form_data(form, "name");
 *         ...
 *     }
 *     json_t *ctx_form = fl_form_to_json(form, csrf_token);   // for quick_form
 *
 * Field by field, as a Flask-WTF template writes `{{ form.name(class_='x') }}`,
 * `{{ form.name.label }}` and `{{ form.hidden_tag() }}`: form/widgets.h
 * renders WTForms 3.0's exact HTML.  Uploads: fl_form_process_files()
 * takes request.files too (fl_new_form does), FileField data is the
 * fl_file (fl_form_file()).
 *
 * Fields: String, Password, Integer, Float, Decimal, Boolean, Select,
 * SelectMultiple, Radio, TextArea, Hidden, Submit, Date, DateTime, Email,
 * URL, File, MultipleFile.  Validators: DataRequired, InputRequired,
 * Optional, Length, Email, EqualTo, NumberRange, Regexp, AnyOf, NoneOf,
 * URL, IPAddress, UUID, custom functions, and Flask-WTF's FileRequired,
 * FileAllowed, FileSize.
 *
 * A NULL `message` in a validator selects WTForms' default English text,
 * word for word.  Where WTForms interpolates a message with `%` (Length,
 * NumberRange, EqualTo, AnyOf) custom messages are interpolated too:
 * %(min)d, %(max)d, %(length)d, %(min)s, %(max)s, %(other_name)s,
 * %(other_label)s, %(values)s, and %% for a literal percent sign.
 *
 * Data model (WTForms': raw_data, data, errors).  Every field keeps
 *   - its raw input: the first value the form data held under its name, or
 *     none when the name was absent (WTForms' raw_data list);
 *   - its data: the coerced value, or "None" when there is none;
 *   - its errors: processing (coercion) errors first, then validator errors.
 * The string form of the data is what a re-rendered form shows, so a value
 * typed into a form that failed validation is offered again.
 */
#ifndef FL_FORM_H
#define FL_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/multidict.h"
#include "http/formparser.h"

/* A form instance (WTForms' Form object), in the request arena (opaque). */
typedef struct fl_form fl_form;
/* One field of a form instance (opaque). */
typedef struct fl_field fl_field;

/* ---- definitions (static const data) ---------------------------------- */

/* The field classes of WTForms that Flagon offers.  fl_field_classes[]
 * holds the names of each one. */
typedef enum fl_field_type {
	FL_FIELD_STRING,    /* StringField    <input type="text"> */
	FL_FIELD_PASSWORD,  /* PasswordField  <input type="password">, never re-filled */
	FL_FIELD_INTEGER,   /* IntegerField   <input type="number">, data is an integer */
	FL_FIELD_FLOAT,     /* FloatField     <input type="text">, data is a double */
	FL_FIELD_BOOLEAN,   /* BooleanField   <input type="checkbox"> */
	FL_FIELD_SELECT,    /* SelectField    <select> with choices */
	FL_FIELD_TEXTAREA,  /* TextAreaField  <textarea> */
	FL_FIELD_HIDDEN,    /* HiddenField    <input type="hidden"> */
	FL_FIELD_SUBMIT,    /* SubmitField    <input type="submit">; data: was it pressed */
	FL_FIELD_DATE,      /* DateField      <input type="date">, format "%Y-%m-%d" */
	FL_FIELD_DATETIME,  /* DateTimeField  <input type="datetime">, "%Y-%m-%d %H:%M:%S" */
	FL_FIELD_DECIMAL,   /* DecimalField   <input step="any" type="number">, data as text */
	FL_FIELD_EMAIL,     /* EmailField     <input type="email"> (a StringField) */
	FL_FIELD_URL,       /* URLField       <input type="url"> (a StringField) */
	FL_FIELD_RADIO,     /* RadioField     <ul> of <input type="radio"> with choices */
	FL_FIELD_SELECT_MULTIPLE, /* SelectMultipleField <select multiple>; data a list */
	FL_FIELD_FILE,      /* FileField (Flask-WTF's) <input type="file">; data the upload */
	FL_FIELD_MULTIPLE_FILE, /* MultipleFileField <input multiple type="file">; a list */
	FL_FIELD__MAX
} fl_field_type;

/* What a field class is called, in one row per fl_field_type. */
typedef struct fl_field_class {
	const char *name;        /* "string", "password", ...: the "type" in fl_form_to_json */
	const char *class_name;  /* "StringField", ...: WTForms' field.type */
	const char *input_type;  /* the widget: the <input> type ("text", "number", ...),
	                            or "select", "textarea", "radio" */
} fl_field_class;

/* fl_field_classes — the names of each field class, indexed by
 * fl_field_type. */
extern const fl_field_class fl_field_classes[FL_FIELD__MAX];

/* The validators of wtforms.validators that Flagon offers. */
typedef enum fl_validator_kind {
	FL_V_END = 0,        /* terminates a validator array (FL_VALIDATORS_END) */
	FL_V_DATA_REQUIRED,  /* DataRequired: data is truthy; stops the chain */
	FL_V_INPUT_REQUIRED, /* InputRequired: raw input non-empty; stops the chain */
	FL_V_OPTIONAL,       /* Optional: empty input stops the chain, clears errors */
	FL_V_LENGTH,         /* Length(min, max), in characters (code points) */
	FL_V_EMAIL,          /* Email: a syntax check, see fl_email_is_valid() */
	FL_V_EQUAL_TO,       /* EqualTo(fieldname) */
	FL_V_NUMBER_RANGE,   /* NumberRange(min, max), either bound optional */
	FL_V_REGEXP,         /* Regexp(pattern): POSIX ERE matched at the start */
	FL_V_ANY_OF,         /* AnyOf(values) */
	FL_V_CUSTOM,         /* a C function: WTForms' validate_<field> or a callable */
	FL_V_URL,            /* URL(require_tld): WTForms' regex and hostname check */
	FL_V_IP_ADDRESS,     /* IPAddress(ipv4, ipv6): inet_pton, like ipaddress */
	FL_V_NONE_OF,        /* NoneOf(values) */
	FL_V_UUID,           /* UUID: what Python's uuid.UUID(s) accepts */
	FL_V_FILE_REQUIRED,  /* Flask-WTF FileRequired: a file was uploaded; stops */
	FL_V_FILE_ALLOWED,   /* Flask-WTF FileAllowed(extensions); stops */
	FL_V_FILE_SIZE,      /* Flask-WTF FileSize(max_size, min_size) in bytes */
	FL_V__MAX
} fl_validator_kind;

/* A custom validator (WTForms' `def validate_<field>(form, field)` or any
 * callable).  Return FL_OK when the field is fine.  Any other code means
 * ValidationError: set *message to the error text (a static string or one
 * allocated in the form's arena, see fl_form_arena()); a NULL *message gives
 * "Invalid input.".  The chain continues after a failure, as it does after a
 * ValidationError.  `ud` is the validator's user data from the definition;
 * per-request context (a database handle, the current user) comes from
 * fl_form_context(form). */
typedef fl_err (*fl_validator_fn)(fl_form *form, fl_field *field, void *ud,
                                  const char **message);

/* One validator.  Write it with the FL_* macros below rather than by hand. */
typedef struct fl_validator {
	fl_validator_kind kind;     /* which validator */
	const char *message;        /* NULL: WTForms' default text */
	long min, max;              /* Length: -1 leaves that bound unchecked */
	double nmin, nmax;          /* NumberRange bounds ... */
	int has_nmin, has_nmax;     /* ... and whether each one is checked */
	const char *other;          /* EqualTo: the other field's name */
	const char *pattern;        /* Regexp: POSIX extended regular expression */
	int cflags;                 /* Regexp: extra regcomp flags, e.g. REG_ICASE */
	const char *const *values;  /* AnyOf: NULL-terminated list of accepted data */
	fl_validator_fn fn;         /* custom: the function ... */
	void *ud;                   /* ... and its user data */
	int keep_whitespace;        /* Optional(strip_whitespace=False) when 1 */
	/* URL, IPAddress (issue 15) */
	int require_tld;            /* URL(require_tld=True) when 1 */
	int ipv4, ipv6;             /* IPAddress: which families are accepted */
} fl_validator;

/* Ends a validator array. */
#define FL_VALIDATORS_END { .kind = FL_V_END }
/* DataRequired(message) — "This field is required."; sets `required`. */
#define FL_DATA_REQUIRED(msg) { .kind = FL_V_DATA_REQUIRED, .message = (msg) }
/* InputRequired(message) — "This field is required."; sets `required`. */
#define FL_INPUT_REQUIRED(msg) { .kind = FL_V_INPUT_REQUIRED, .message = (msg) }
/* Optional() — whitespace-only input counts as empty. */
#define FL_OPTIONAL() { .kind = FL_V_OPTIONAL }
/* Length(min, max, message) — -1 for an unchecked bound, as in WTForms. */
#define FL_LENGTH(mn, mx, msg) { .kind = FL_V_LENGTH, .min = (mn), .max = (mx), .message = (msg) }
/* Email(message) — "Invalid email address." */
#define FL_EMAIL(msg) { .kind = FL_V_EMAIL, .message = (msg) }
/* EqualTo(fieldname, message) — "Field must be equal to %(other_name)s." */
#define FL_EQUAL_TO(name, msg) { .kind = FL_V_EQUAL_TO, .other = (name), .message = (msg) }
/* NumberRange(min, max, message), NumberRange(min=...), NumberRange(max=...). */
#define FL_NUMBER_RANGE(mn, mx, msg) { .kind = FL_V_NUMBER_RANGE, .nmin = (mn), .nmax = (mx), \
	.has_nmin = 1, .has_nmax = 1, .message = (msg) }
#define FL_NUMBER_RANGE_MIN(mn, msg) { .kind = FL_V_NUMBER_RANGE, .nmin = (mn), .has_nmin = 1, \
	.message = (msg) }
#define FL_NUMBER_RANGE_MAX(mx, msg) { .kind = FL_V_NUMBER_RANGE, .nmax = (mx), .has_nmax = 1, \
	.message = (msg) }
/* Regexp(pattern, message) — "Invalid input."; REGEXP_FLAGS adds regcomp flags. */
#define FL_REGEXP(pat, msg) { .kind = FL_V_REGEXP, .pattern = (pat), .message = (msg) }
#define FL_REGEXP_FLAGS(pat, fl, msg) { .kind = FL_V_REGEXP, .pattern = (pat), .cflags = (fl), \
	.message = (msg) }
/* AnyOf(values, message) — values: a NULL-terminated `const char *const[]`. */
#define FL_ANY_OF(vals, msg) { .kind = FL_V_ANY_OF, .values = (vals), .message = (msg) }
/* A custom validator function with user data. */
#define FL_CUSTOM_VALIDATOR(f, u) { .kind = FL_V_CUSTOM, .fn = (f), .ud = (u) }
/* URL(require_tld, message) — "Invalid URL.": `^[a-z]+://host(:port)?(/path)?(?query)?$`
 * (any case), the host an IPv4/IPv6 address or dot-separated labels of
 * [a-z0-9_-] (1-63 characters, not starting with '-' unless "xn-"), at most
 * 253 in all; with require_tld, at least two labels, the last 2-20 letters
 * or an "xn--" label.  Non-ASCII host names are checked after IDNA
 * (punycode) encoding, as WTForms does. */
#define FL_URL(tld, msg) { .kind = FL_V_URL, .require_tld = (tld), .message = (msg) }
/* IPAddress(ipv4, ipv6, message) — "Invalid IP address."; WTForms' default
 * is FL_IP_ADDRESS(1, 0, NULL). */
#define FL_IP_ADDRESS(v4, v6, msg) { .kind = FL_V_IP_ADDRESS, .ipv4 = (v4), .ipv6 = (v6), \
	.message = (msg) }
/* NoneOf(values, message) — "Invalid value, can't be any of: %(values)s." */
#define FL_NONE_OF(vals, msg) { .kind = FL_V_NONE_OF, .values = (vals), .message = (msg) }
/* UUID(message) — "Invalid UUID." */
#define FL_UUID(msg) { .kind = FL_V_UUID, .message = (msg) }
/* Flask-WTF's FileRequired(message) — "This field is required."; sets
 * `required`; stops the chain (without clearing earlier errors). */
#define FL_FILE_REQUIRED(msg) { .kind = FL_V_FILE_REQUIRED, .message = (msg) }
/* Flask-WTF's FileAllowed(extensions, message) — `exts`: a NULL-terminated
 * `const char *const[]` like {"jpg", "png", NULL}; the lower-cased file
 * name must end in "." + one of them; "File does not have an approved
 * extension: jpg, png"; stops the chain.  Passes when there is no upload. */
#define FL_FILE_ALLOWED(exts, msg) { .kind = FL_V_FILE_ALLOWED, .values = (exts), .message = (msg) }
/* Flask-WTF's FileSize(max_size, min_size, message), bytes —
 * "File must be between {min_size} and {max_size} bytes.".  Passes when
 * there is no upload. */
#define FL_FILE_SIZE(mx, mn, msg) { .kind = FL_V_FILE_SIZE, .max = (mx), .min = (mn), .message = (msg) }

/* One choice of a SelectField: (value, label).  Arrays end with FL_CHOICES_END. */
typedef struct fl_choice {
	const char *value;          /* the submitted value */
	const char *label;          /* the text shown */
} fl_choice;
/* Ends a choice array. */
#define FL_CHOICES_END { NULL, NULL }

/* SelectField(coerce=...): how the submitted value becomes data. */
typedef enum fl_coerce {
	FL_COERCE_STR = 0,  /* coerce=str (the default) */
	FL_COERCE_INT,      /* coerce=int */
	FL_COERCE__MAX
} fl_coerce;

/* DecimalField(rounding=decimal.ROUND_...): how places= rounds. */
typedef enum fl_rounding {
	FL_ROUND_HALF_EVEN = 0,  /* the default context's rounding */
	FL_ROUND_HALF_UP,
	FL_ROUND_HALF_DOWN,
	FL_ROUND_UP,             /* away from zero */
	FL_ROUND_DOWN,           /* towards zero */
	FL_ROUND_CEILING,
	FL_ROUND_FLOOR
} fl_rounding;

/* One attribute of a field's render_kw= (the attributes every render of
 * the widget gets unless the call gives them): `value` NULL is True (a
 * bare attribute like `autofocus`), anything else the text of the
 * attribute.  Arrays end with FL_ATTRS_END. */
typedef struct fl_attr {
	const char *name;           /* as in Python: "placeholder", "class_", "data_x" */
	const char *value;          /* NULL: True */
} fl_attr;
/* Ends an fl_attr array. */
#define FL_ATTRS_END { NULL, NULL }

/* One field of a form class. */
typedef struct fl_field_def {
	const char *name;               /* form data key, HTML name and id */
	const char *label;              /* label text (NULL: the name) */
	fl_field_type type;         /* the field class */
	const fl_validator *validators; /* NULL or ended by FL_VALIDATORS_END */
	const fl_choice *choices;       /* select: NULL or ended by FL_CHOICES_END */
	fl_coerce coerce;               /* select only */
	const char *default_value;      /* default=: data when no form data was sent */
	const char *description;        /* description=: help text under the field */
	/* Date, DateTime and Decimal fields (issue 15) */
	const char *format;             /* Date/DateTime format=: NULL for WTForms' default
	                                 * ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"); directives
	                                 * %Y %m %d %H %M %S %%, parsed like strptime */
	int places;                     /* Decimal places= for showing data that was not
	                                 * typed (the macros set WTForms' 2);
	                                 * FL_PLACES_NONE: as it is */
	fl_rounding rounding;           /* Decimal rounding=: FL_ROUND_HALF_EVEN is the
	                                 * decimal context's default */
	/* render_kw (issue 16) */
	const fl_attr *render_kw;       /* render_kw=: NULL (None) or ended by
	                                 * FL_ATTRS_END; WTForms' meta.render_field
	                                 * merges it under every call's keyword
	                                 * arguments (widgets.h) */
} fl_field_def;

/* DecimalField(places=None) */
#define FL_PLACES_NONE (-1)

/* Ends a field array. */
#define FL_FIELDS_END { .name = NULL }
/* Field constructors: FL_<TYPE>_FIELD(name, label, validators), like
 * StringField(label, validators) named `name`; FL_FIELD_ is their common
 * form. */
#define FL_FIELD_(t, n, l, v) { .name = (n), .label = (l), .type = (t), .validators = (v) }
#define FL_STRING_FIELD(n, l, v)   FL_FIELD_(FL_FIELD_STRING, n, l, v)
#define FL_PASSWORD_FIELD(n, l, v) FL_FIELD_(FL_FIELD_PASSWORD, n, l, v)
#define FL_INTEGER_FIELD(n, l, v)  FL_FIELD_(FL_FIELD_INTEGER, n, l, v)
#define FL_FLOAT_FIELD(n, l, v)    FL_FIELD_(FL_FIELD_FLOAT, n, l, v)
#define FL_BOOLEAN_FIELD(n, l, v)  FL_FIELD_(FL_FIELD_BOOLEAN, n, l, v)
#define FL_TEXTAREA_FIELD(n, l, v) FL_FIELD_(FL_FIELD_TEXTAREA, n, l, v)
#define FL_HIDDEN_FIELD(n, v)      FL_FIELD_(FL_FIELD_HIDDEN, n, NULL, v)
#define FL_SUBMIT_FIELD(n, l)      FL_FIELD_(FL_FIELD_SUBMIT, n, l, NULL)
/* SelectField(label, validators, choices=..., coerce=...) */
#define FL_SELECT_FIELD(n, l, ch, co, v) { .name = (n), .label = (l), .type = FL_FIELD_SELECT, \
	.validators = (v), .choices = (ch), .coerce = (co) }
/* RadioField and SelectMultipleField, like FL_SELECT_FIELD. */
#define FL_RADIO_FIELD(n, l, ch, co, v) { .name = (n), .label = (l), .type = FL_FIELD_RADIO, \
	.validators = (v), .choices = (ch), .coerce = (co) }
#define FL_SELECT_MULTIPLE_FIELD(n, l, ch, co, v) { .name = (n), .label = (l), \
	.type = FL_FIELD_SELECT_MULTIPLE, .validators = (v), .choices = (ch), .coerce = (co) }
/* DateField / DateTimeField with the default format; FL_FIELD_ with
 * .format = "..." for another one. */
#define FL_DATE_FIELD(n, l, v)     FL_FIELD_(FL_FIELD_DATE, n, l, v)
#define FL_DATETIME_FIELD(n, l, v) FL_FIELD_(FL_FIELD_DATETIME, n, l, v)
/* DecimalField(places=2) and DecimalField(places=p, rounding=r). */
#define FL_DECIMAL_FIELD(n, l, v) { .name = (n), .label = (l), .type = FL_FIELD_DECIMAL, \
	.validators = (v), .places = 2 }
#define FL_DECIMAL_FIELD_PLACES(n, l, v, p, r) { .name = (n), .label = (l), \
	.type = FL_FIELD_DECIMAL, .validators = (v), .places = (p), .rounding = (r) }
#define FL_EMAIL_FIELD(n, l, v)    FL_FIELD_(FL_FIELD_EMAIL, n, l, v)
#define FL_URL_FIELD(n, l, v)      FL_FIELD_(FL_FIELD_URL, n, l, v)
/* Flask-WTF's FileField and MultipleFileField. */
#define FL_FILE_FIELD(n, l, v)     FL_FIELD_(FL_FIELD_FILE, n, l, v)
#define FL_MULTIPLE_FILE_FIELD(n, l, v) FL_FIELD_(FL_FIELD_MULTIPLE_FILE, n, l, v)

/* A form class: its name (for templates and logs) and its fields in order. */
typedef struct fl_form_def {
	const char *name;           /* the class name ("NameForm") */
	const fl_field_def *fields;   /* ended by FL_FIELDS_END */
} fl_form_def;

/* ---- instances -------------------------------------------------------- */

/* fl_form_new — an instance of `def` allocated in `a`, its fields holding
 * their defaults (WTForms' Form() without form data).  A default that does
 * not coerce (an IntegerField default "x") gives a processing error, as
 * process_data does.  Never NULL; dies with the arena. */
fl_form *fl_form_new(fl_arena *a, const fl_form_def *def);

/* fl_form_process — load submitted form data, like Form(formdata=...).
 * Every field is reset to its default and then takes the first value under
 * its name: strings as they are (not stripped, as in WTForms 3.0), integers
 * and floats parsed like Python's int()/float() ("Not a valid integer
 * value." / "Not a valid float value."), booleans false for "false", "" or
 * absence and true otherwise, selects coerced ("Invalid Choice: could not
 * coerce.").  A field whose name is absent keeps its default data.  A NULL
 * or empty `formdata` is "no form data" (Flask-WTF passes None when the
 * request carried no form), so the form keeps its defaults.  A value that
 * holds a NUL byte (fl_pair.value_len past its C string; the request
 * refuses those with 400 before a view runs) is never cut short: the field
 * is left empty and fails validation with "This field holds a NUL byte,
 * which text cannot contain.".  The values are copied into the form's
 * arena.  Call fl_form_set_data() after this. */
void fl_form_process(fl_form *f, const fl_multidict *formdata);

/* fl_form_process_files — fl_form_process with the request's uploads too,
 * like Flask-WTF's CombinedMultiDict(request.files, request.form): the
 * form counts as submitted when either holds anything.  A FileField takes
 * the first upload under its name that has a file name (an empty file
 * input sends none) as its data, else has no input (raw_data = ()), as
 * flask_wtf.file.FileField does; a MultipleFileField takes every such
 * upload (Flask-WTF 1.2's MultipleFileField).  The uploads are not copied:
 * `files` must live as long as the form (request.files does).  Text
 * fields ignore `files`; NULL is no uploads. */
void fl_form_process_files(fl_form *f, const fl_multidict *formdata, const fl_files *files);

/* fl_form_set_data — set a field's data from its string form, like
 * `form.name.data = value` (a pre-filled edit form, or clearing a field).
 * NULL sets the data to None.  Integer and float fields parse `value` and
 * return FL_EINVAL (data unchanged) when it does not parse; booleans are
 * true unless `value` is NULL, "" or "false".  The rendered value becomes the
 * new data.  FL_ENOTFOUND when the form has no such field. */
fl_err fl_form_set_data(fl_form *f, const char *name, const char *value);

/* fl_form_set_choices — replace a select field's choices for this request
 * (form.field.choices = [...] built from a query).  `choices` (n entries,
 * no terminator needed) and the strings are copied into the arena.
 * FL_ENOTFOUND when there is no such field, FL_EINVAL when it is no select. */
fl_err fl_form_set_choices(fl_form *f, const char *name, const fl_choice *choices, size_t n);

/* fl_form_set_context / fl_form_context — a per-request pointer (request,
 * database, current user) for custom validators to reach.  Not owned. */
void fl_form_set_context(fl_form *f, void *ctx);
void *fl_form_context(const fl_form *f);

/* fl_form_arena — the arena the form allocates from (for messages built by
 * custom validators). */
fl_arena *fl_form_arena(const fl_form *f);

/* fl_form_validate — run every field's validators in definition order, as
 * Form.validate() does: errors start as the processing errors; a select
 * first checks the data is one of its choices ("Not a valid choice.");
 * then the validators run in order; DataRequired, InputRequired and
 * Optional stop the chain (the first two clearing earlier errors and adding
 * theirs, Optional clearing them when the input is empty).  Earlier
 * validation errors are replaced.  Returns 1 when no field has an error,
 * 0 otherwise. */
int fl_form_validate(fl_form *f);

/* fl_form_was_validated — 1 once fl_form_validate ran on `f` (WTForms'
 * field.errors is then a list, before it the empty tuple). */
int fl_form_was_validated(const fl_form *f);

/* fl_form_is_submitted — Flask-WTF's is_submitted(): `method` is POST, PUT,
 * PATCH or DELETE (NULL: no). */
int fl_form_is_submitted(const char *method);

/* fl_form_validate_on_submit — fl_form_is_submitted(method) &&
 * fl_form_validate(f), like FlaskForm.validate_on_submit().  CSRF is checked
 * by the application before the handler runs, not here. */
int fl_form_validate_on_submit(fl_form *f, const char *method);

/* ---- reading a form --------------------------------------------------- */

/* fl_form_field — the field called `name`, or NULL. */
fl_field *fl_form_field(const fl_form *f, const char *name);

/* fl_field_name — the field's name (field.name: the form data key). */
const char *fl_field_name(const fl_field *field);

/* fl_field_id — the field's HTML id (field.id; the name, as WTForms'
 * default without a prefix). */
const char *fl_field_id(const fl_field *field);

/* fl_field_label_text — the label text (field.label.text): the
 * definition's label, or WTForms' default for none, the name with '_' as
 * ' ' in title case (`name.replace("_", " ").title()`, ASCII letters
 * only), allocated in the form's arena. */
const char *fl_field_label_text(const fl_field *field);

/* fl_field_type_of — the field's class. */
fl_field_type fl_field_type_of(const fl_field *field);

/* fl_field_class_name — WTForms' field.type, the class name
 * ("StringField"); static. */
const char *fl_field_class_name(const fl_field *field);

/* fl_field_description — the description= text, "" when none (WTForms'
 * default). */
const char *fl_field_description(const fl_field *field);

/* fl_field_errors — the field's errors (field.errors) as a NULL-terminated
 * array, empty when valid; owned by the form's arena. */
const char *const *fl_field_errors(const fl_field *field);

/* fl_field_data_json — field.data as JSON for templates: null for None; a
 * string (String, Password, TextArea, Hidden, Email, URL, a select with
 * coerce=str, Radio); an integer (Integer, coerce=int); a real (Float);
 * true/false (Boolean, Submit); the decimal as text, str(Decimal)
 * ("1.50", "1E+400"); the date "YYYY-MM-DD" and the datetime
 * "YYYY-MM-DD HH:MM:SS" (str() of Python's date/datetime); an array of
 * those for SelectMultiple; for a FileField {"filename", "content_type",
 * "size"} (null without an upload) and an array of them for
 * MultipleFileField.  New reference (NULL only when jansson fails). */
json_t *fl_field_data_json(const fl_field *field);

/* fl_field_data — the string form of the field's data ("" when None);
 * integers in decimal, floats like Python's str(), booleans "y" or "". */
const char *fl_field_data(const fl_field *field);

/* fl_field_has_data — 1 when the data is not None. */
int fl_field_has_data(const fl_field *field);

/* fl_field_raw — the raw submitted value (raw_data[0]), or NULL when the
 * form data did not hold the field's name. */
const char *fl_field_raw(const fl_field *field);

/* fl_form_data — fl_field_data() of the field called `name`: the string
 * data, "" when it is None, NULL when there is no such field.  Owned by
 * the form's arena (or static). */
const char *fl_form_data(const fl_form *f, const char *name);

/* fl_form_data_int — an integer field's data (or a select with coerce=int,
 * or any field whose data parses as an integer) into *out.  FL_ENOTFOUND
 * when there is no such field, FL_EINVAL when the data is None or no
 * integer; *out is then untouched. */
fl_err fl_form_data_int(const fl_form *f, const char *name, long long *out);

/* fl_form_data_float — like fl_form_data_int for a double. */
fl_err fl_form_data_float(const fl_form *f, const char *name, double *out);

/* fl_form_data_bool — a boolean or submit field's data: 1 checked/pressed,
 * 0 otherwise or when there is no such field.  For other fields: whether
 * the data is truthy. */
int fl_form_data_bool(const fl_form *f, const char *name);

/* fl_form_data_list — the data of a SelectMultipleField as a
 * NULL-terminated list of the coerced values' string forms (empty for
 * None or []); for other fields a list of fl_field_data() (empty for
 * None).  NULL when there is no such field.  Owned by the arena. */
const char *const *fl_form_data_list(const fl_form *f, const char *name);

/* fl_form_file — the upload of a FileField (its data; for a
 * MultipleFileField the first), or NULL when none was sent or there is no
 * such field.  Points into the request's files. */
const fl_file *fl_form_file(const fl_form *f, const char *name);

/* fl_form_files — the uploads of a MultipleFileField (or the one of a
 * FileField) and their number in *n; NULL and 0 when none. */
const fl_file *const *fl_form_files(const fl_form *f, const char *name, size_t *n);

/* fl_form_has_file — 1 when the form has a File or MultipleFileField (so
 * it must be sent as multipart/form-data). */
int fl_form_has_file(const fl_form *f);

/* fl_form_errors — the errors of field `name` as a NULL-terminated array
 * (empty when valid), or NULL when there is no such field.  A NULL `name`
 * gives the form-level errors (WTForms' form_errors).  Owned by the arena;
 * valid until the errors change. */
const char *const *fl_form_errors(const fl_form *f, const char *name);

/* fl_form_has_errors — 1 when any field or the form has an error. */
int fl_form_has_errors(const fl_form *f);

/* fl_form_add_error — append `message` (copied) to the errors of field
 * `name`, e.g. "Username already in use." found by the handler after
 * validate; a NULL `name` adds a form-level error.  FL_ENOTFOUND when the
 * form has no such field. */
fl_err fl_form_add_error(fl_form *f, const char *name, const char *message);

/* fl_form_to_json — the form as templates see it (templates/_forms.html):
 *
 *   { "name": "NameForm",
 *     "fields": [ field, ... ],     in definition order; with a CSRF token the
 *                                   hidden field "csrf_token" comes first
 *     "csrf_token": "<token>",      only when a token was given
 *     "errors": {"name": ["..."]},  fields with errors only (form.errors)
 *     "form_errors": ["..."],       form-level errors (may be empty)
 *     "has_errors": false,
 *     "enctype": "multipart/form-data" }   only when the form has a file field
 *
 *   field = { "name": "name", "id": "name", "type": "string",
 *                                     (fl_field_classes' name: string, ...,
 *                                     decimal, date, select_multiple, file)
 *             "input_type": "text",   text|password|number|checkbox|hidden|
 *                                     submit|select|textarea|date|datetime|
 *                                     email|url|radio|file (the widget)
 *             "label": "What is your name?",
 *             "value": "...",         the string to put in value= (raw, not
 *                                     escaped; "" for passwords; the label
 *                                     for submit; for checkboxes the value
 *                                     submitted, else "y")
 *             "data": "...",          the string form of the data
 *             "required": true,       DataRequired / InputRequired
 *             "errors": ["..."],
 *             "description": "...",   only when the definition has one
 *             "checked": false,       boolean and submit only
 *             "choices": [{"value":"1","label":"x","selected":true}], select,
 *                                     radio and select multiple only
 *             "multiple": true,       SelectMultiple and MultipleFile only
 *             "maxlength": 64, "minlength": 1,   from Length, text-like widgets
 *             "min": 0, "max": 10 }             from NumberRange, number widgets
 *
 * Optional keys are absent rather than null, so templates test them with
 * `is defined`.  Strings are raw: the template's autoescape escapes them.
 * `csrf_token` may be NULL.  The object is made by jansson (in the arena
 * set with fl_json_set_arena(), if any); the caller owns the reference.
 * Returns NULL only when jansson fails to allocate. */
json_t *fl_form_to_json(const fl_form *f, const char *csrf_token);

/* ---- validator helpers ------------------------------------------------ */

/* fl_email_is_valid — 1 when `s` looks like an e-mail address: local@domain
 * with no whitespace or control characters, at most 254 bytes; a local part
 * of at most 64 bytes made of dot-separated atoms (RFC 5322 atext or UTF-8);
 * a domain of at least two dot-separated labels of letters, digits, hyphens
 * or UTF-8, each 1-63 bytes, not starting or ending with a hyphen, the last
 * one not all digits.  Quoted local parts and [address literals] are
 * refused, as email_validator does by default.  WTForms itself delegates to
 * the email_validator package; this is its syntax check without DNS. */
int fl_email_is_valid(const char *s);

#endif
