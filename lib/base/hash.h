/* hash.h — the one non-cryptographic hash of the library, for the
 * in-process tables that only need keys spread over their buckets. */
#ifndef FL_HASH_H
#define FL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* fl_hash_fnv1a — the 32-bit FNV-1a hash of the `n` bytes at `p` (`p` may be
 * NULL when `n` is 0).  Fast on short keys, not keyed: use it only where a
 * collision costs time, never correctness (the tables compare the keys
 * themselves), and not for input an attacker could choose in bulk. */
uint32_t fl_hash_fnv1a(const void *p, size_t n);

#endif
