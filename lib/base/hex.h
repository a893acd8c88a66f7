/* hex.h — bytes as lower-case hexadecimal (Python's bytes.hex(),
 * hashlib's hexdigest()). */
#ifndef FL_HEX_H
#define FL_HEX_H

#include <stddef.h>

/* fl_hex_encode — write the `n` bytes at `in` to `out` as 2*n lower-case
 * hex digits and a NUL: `out` must hold 2*n + 1 bytes (the caller's).
 * Returns `out`.  Never fails. */
char *fl_hex_encode(char *out, const void *in, size_t n);

#endif
