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
