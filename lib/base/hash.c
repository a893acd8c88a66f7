/* hash.c — FNV-1a.  See hash.h. */
#include "base/hash.h"

uint32_t fl_hash_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}
