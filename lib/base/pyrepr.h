/* pyrepr.h — Python's float repr, which Flask's JSON, Jinja's output and
 * Werkzeug's url_for all show: the shortest digits that read back as the
 * same double ("80.0", "0.1", "1e-05", "1e+16", "inf", "nan"). */
#ifndef FL_PYREPR_H
#define FL_PYREPR_H

#include "base/arena.h"

/* fl_float_repr — append repr(d) as Python 3 writes it to `b`: positional
 * notation for decimal exponents -4..15 (always with a fractional part),
 * d.ddde±XX otherwise; "-0.0", "inf", "-inf", "nan" for the special values. */
void fl_float_repr(fl_buf *b, double d);

#endif
