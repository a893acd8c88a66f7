/* widgets.h — a field's HTML, byte for byte as WTForms 3.0 writes it.
 *
 * What `{{ form.name(class_='x') }}`, `{{ form.name.label }}` and
 * `{{ form.hidden_tag() }}` print in a Flask-WTF template
 * (wtforms/widgets/core.py, wtforms/fields/core.py's Label, flask_wtf's
 * FlaskForm.hidden_tag):
 *
 *     fl_buf out;
 *     fl_buf_init(&out, arena);
 *     json_t *kw = json_pack("{s:s}", "class_", "form-control");
 *     fl_field_widget(fl_form_field(form, "name"), kw, &out);
 *     // <input class="form-control" id="name" name="name" required type="text" value="">
 *
 * Keyword arguments are a JSON object, the attributes WTForms' html_params
 * writes:
 *   - sorted by their key as given (Python's sorted(kwargs.items()));
 *   - a key loses its trailing '_' (`class_` -> class, `for_` -> for), and a
 *     key that then starts with `data_` or `aria_` has every '_' made '-'
 *     (`data_toggle_x` -> data-toggle-x);
 *   - true writes the bare name (`checked`), false writes nothing;
 *   - any other value is written as key="value" with str(value) escaped
 *     like markupsafe (& < > " ' as &amp; &lt; &gt; &#34; &#39;): strings
 *     as they are, integers in decimal, reals as Python's str(float), null
 *     as "None".  Arrays and objects are refused (FL_EINVAL).
 * A field's call (fl_field_widget, fl_field_option_widget) first cleans
 * every key as WTForms 3.0's meta.render_field does, later keys winning
 * (`field(class='a', class_='b')` writes class="b"; a macro's `**kwargs`
 * brings "class"), over the field's render_kw (fl_field_def.render_kw,
 * cleaned too): the call's keyword arguments win over render_kw.
 * The widget sets `id` (the field id), `type` and `value` unless the
 * keyword arguments give them, and the validators' flags it knows
 * (`required` from DataRequired/InputRequired/FileRequired, `maxlength`
 * and `minlength` from Length on text inputs and textareas, `min` and
 * `max` from NumberRange on number/date inputs) unless given.  Passwords
 * never show a value; a file input never has one.  Everything is appended
 * to `out` (an fl_buf, base/arena.h) in its arena; the text is markup
 * (already escaped).
 */
#ifndef FL_WIDGETS_H
#define FL_WIDGETS_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "form/form.h"

/* fl_html_params — WTForms' html_params(**kwargs): the attributes of the
 * JSON object `kwargs` (NULL: none) as described above, joined by one
 * space, appended to `out` (nothing for no attributes).  FL_EINVAL (out
 * unchanged) for a value that is an array or object. */
fl_err fl_html_params(json_t *kwargs, fl_buf *out);

/* fl_field_widget — field(**kwargs): the field's widget HTML, appended to
 * `out`.  `kwargs` (a JSON object or NULL) is not changed.  The widget
 * per field class is WTForms': TextInput (String, Float), PasswordInput,
 * NumberInput (Integer; Decimal with step="any"), CheckboxInput (checked
 * when the data is true), Select (selected options; `multiple` for
 * SelectMultiple), TextArea ("\r\n" then the escaped value), HiddenInput,
 * SubmitInput (the label as value), DateInput, DateTimeInput
 * (type="datetime"), EmailInput, URLInput, ListWidget of RadioInput
 * (`<ul id=..><li><input ..> <label ..>..</label></li>..</ul>`, kwargs on
 * the <ul>), FileInput (`multiple` for MultipleFileField).
 * FL_EINVAL (out unchanged) for a bad value in `kwargs`, or for a `name`
 * key (Python raises TypeError: name is given twice). */
fl_err fl_field_widget(const fl_field *field, json_t *kwargs, fl_buf *out);

/* fl_field_option_count — how many options iterating the field gives
 * (`{% for option in form.size %}`): a RadioField's choices; 0 for other
 * fields. */
size_t fl_field_option_count(const fl_field *field);

/* fl_field_option — option `i` (< fl_field_option_count) of a RadioField:
 * its value, its label text (static or the form's arena) and whether it
 * is checked. */
void fl_field_option(const fl_field *field, size_t i, const char **value, const char **label,
                     int *checked);

/* fl_field_option_widget — option(**kwargs) of the option `i` of a
 * RadioField (WTForms' _Option field with RadioInput): `<input checked
 * id="ID-i" name="NAME" required type="radio" value="VALUE">`, with the
 * parent's flags and render_kw, appended to `out`.  FL_EINVAL (out
 * unchanged) for a bad value or a `name` key in kwargs, or for `i` out of
 * range. */
fl_err fl_field_option_widget(const fl_field *field, size_t i, json_t *kwargs, fl_buf *out);

/* fl_field_flags_json — WTForms 3.0's field.flags as a JSON object: every
 * flag Flagon's validators and widgets can set — required (DataRequired,
 * InputRequired, FileRequired), optional (Optional), hidden (HiddenField),
 * minlength, maxlength (Length), min, max (NumberRange) — true or its
 * number when set, null otherwise (Flags.__getattr__ gives None for a
 * flag that was not set).  New reference to a value made once per process
 * on the heap and shared (read it, never change it). */
json_t *fl_field_flags_json(const fl_field *field);

/* fl_field_widget_json — field.widget as templates read it:
 * {"input_type": "text"} for the <input> widgets (plus "multiple" for a
 * FileInput, "step": "any" for DecimalField's NumberInput), {"multiple":
 * bool} for Select, {"html_tag": "ul", "prefix_label": false} for
 * RadioField's ListWidget, {} for TextArea.  New reference to a value made
 * once per process (per field type) on the heap and shared (read it, never
 * change it). */
json_t *fl_field_widget_json(const fl_field *field);

/* fl_field_render_kw_json — field.render_kw: null (None) or the object of
 * the definition's attributes as written (keys uncleaned; true for an
 * attribute without a value).  New reference. */
json_t *fl_field_render_kw_json(const fl_field *field);

/* fl_field_default_json — field.default: the definition's default_value
 * as a string, or null.  New reference. */
json_t *fl_field_default_json(const fl_field *field);

/* fl_field_label — field.label(**kwargs): `<label for="ID">TEXT</label>`
 * appended to `out`.  `for_` (or `for`) in kwargs replaces the field id;
 * a non-empty string `text` replaces the label text (Label.__call__(text=));
 * other keys are attributes as in fl_html_params.  FL_EINVAL (out
 * unchanged) for a bad value. */
fl_err fl_field_label(const fl_field *field, json_t *kwargs, fl_buf *out);

/* fl_form_hidden_tag — Flask-WTF's form.hidden_tag(): the widget of every
 * HiddenField in definition order, then, when `csrf_token` is not NULL,
 * the CSRF field `<input id="csrf_token" name="csrf_token" type="hidden"
 * value="TOKEN">` (Flask-WTF adds it after the class's fields), joined by
 * "\n"; appended to `out`. */
void fl_form_hidden_tag(const fl_form *f, const char *csrf_token, fl_buf *out);

#endif
