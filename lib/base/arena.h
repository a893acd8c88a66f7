/* arena.h — per-request memory.
 *
 * An arena hands out memory by bumping a pointer through large chunks and
 * frees it all at once with fl_arena_reset() at the end of a request, so a
 * long-running FastCGI process cannot leak per-request memory.  Nothing taken
 * from an arena is ever freed one by one.  Allocation failure is fatal: the
 * process logs and exits (the web server starts a new one), so callers never
 * check for NULL.
 *
 * fl_buf is a growable byte buffer whose storage lives in an arena; response
 * bodies and rendered templates are built in one.
 *
 * The JSON values of a request (jansson's json_t) also live in the arena:
 * fl_json_set_arena() routes jansson's allocator to an arena, so session
 * data, template contexts and rows vanish with the request even if a
 * reference count is wrong.
 */
#ifndef FL_ARENA_H
#define FL_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An arena: per-request memory, freed all at once (opaque). */
typedef struct fl_arena fl_arena;

/* fl_arena_new — a new arena whose chunks are at least `chunk` bytes
 * (0 selects 64 KiB).  Free it with fl_arena_free(). */
fl_arena *fl_arena_new(size_t chunk);

/* fl_arena_free — release the arena and everything allocated from it. */
void fl_arena_free(fl_arena *a);

/* fl_arena_reset — forget every allocation; keeps the first chunk for reuse
 * and returns the others to the system.  Pointers into the arena die. */
void fl_arena_reset(fl_arena *a);

/* fl_arena_alloc — `n` bytes, 16-byte aligned, uninitialised; owned by `a`. */
void *fl_arena_alloc(fl_arena *a, size_t n);

/* fl_arena_calloc — `count * size` zeroed bytes; overflow is fatal. */
void *fl_arena_calloc(fl_arena *a, size_t count, size_t size);

/* fl_arena_strdup — a copy of `s` (NULL gives NULL). */
char *fl_arena_strdup(fl_arena *a, const char *s);

/* fl_arena_strndup — a NUL-terminated copy of the first `n` bytes of `s`. */
char *fl_arena_strndup(fl_arena *a, const char *s, size_t n);

/* fl_arena_memdup — a copy of `n` bytes of `p`, followed by a NUL byte. */
void *fl_arena_memdup(fl_arena *a, const void *p, size_t n);

/* fl_arena_printf — printf into a new string owned by `a`. */
char *fl_arena_printf(fl_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fl_arena_vprintf — vprintf into a new string owned by `a`. */
char *fl_arena_vprintf(fl_arena *a, const char *fmt, va_list ap);

/* fl_arena_used — bytes handed out since the last reset (for tests). */
size_t fl_arena_used(const fl_arena *a);

/* fl_arena_owns — true when `p` points into memory `a` handed out since its
 * last reset: lets tests and assertions check that a value (a JSON string,
 * a parsed field) really lives in the request's arena and so dies with it.
 * Walks the arena's chunks (a few per request); not for hot paths. */
bool fl_arena_owns(const fl_arena *a, const void *p);

/* A growable buffer; `data` is always NUL-terminated after any append. */
typedef struct fl_buf {
	fl_arena *arena;            /* where the storage comes from */
	char *data;                 /* the bytes, NUL-terminated */
	size_t len;                 /* bytes used, without the NUL */
	size_t cap;                 /* bytes allocated */
} fl_buf;

/* fl_buf_init — an empty buffer whose storage comes from `a`. */
void fl_buf_init(fl_buf *b, fl_arena *a);

/* fl_buf_reserve — make room for `extra` more bytes (plus the NUL) in
 * one allocation, so that appends up to that size never grow the buffer
 * again (a renderer that knows about how much it will write).  The
 * contents and length are unchanged; the old storage stays in the arena.
 * Out of memory aborts, as every append does. */
void fl_buf_reserve(fl_buf *b, size_t extra);

/* fl_buf_append — append `n` bytes of `p`. */
void fl_buf_append(fl_buf *b, const void *p, size_t n);

/* fl_buf_puts — append the C string `s`. */
void fl_buf_puts(fl_buf *b, const char *s);

/* fl_buf_putc — append one byte. */
void fl_buf_putc(fl_buf *b, char c);

/* fl_buf_put_int — append `v` in decimal ("-12"), as printf's %lld
 * would, without printf's cost (templates, JSON and reprs write many):
 * written in place, two digits per division. */
void fl_buf_put_int(fl_buf *b, long long v);

/* fl_buf_put_fixed — append `m` (0 <= m < 10^15) with its last `places`
 * digits after a point and at least one digit before it ("0.05"; places
 * 0: "m.0"), a '-' first when `neg`: a decimal fixed-point number written
 * in place (str(float)'s short path in templates, template/floatfmt.c). */
void fl_buf_put_fixed(fl_buf *b, int neg, unsigned long long m, int places);

/* fl_buf_printf — append printf output. */
void fl_buf_printf(fl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fl_buf_cstr — the contents as a C string ("" when empty); owned by the arena. */
const char *fl_buf_cstr(fl_buf *b);

/* fl_json_set_arena — make jansson allocate from `a` (NULL: from the heap)
 * and return the arena it used before.  Values made while an arena is set
 * die with the arena; never store them in a value made on the heap.  Flagon installs its
 * allocator into jansson before main() runs. */
fl_arena *fl_json_set_arena(fl_arena *a);

/* fl_json_head — the 16 bytes Flagon's jansson allocator puts before
 * every block it hands out: `tag` says whether the block is the arena's
 * or the heap's (jansson's free of an arena block does nothing), `note`
 * and `ptr` are free for base code to mark a value with (0: no note;
 * FL_JSON_NOTE_OWNS below).
 * Why: a compact row (base/row.h) is recognised by one load of its note
 * instead of a walk of its object's first member.  Every json_t but
 * jansson's null, true and false singletons (which are not objects or
 * arrays) has one; the allocator sets `note` to 0, `ptr` is undefined
 * until a note is set. */
typedef struct fl_json_head {
	uint32_t tag;    /* the allocator's: do not write */
	uint32_t note;   /* a base type's mark, 0 when none */
	void *ptr;       /* what the note refers to (valid only with a note) */
} fl_json_head;

/* A note with this bit set owns `ptr`, a block from fl_json_malloc that
 * starts with an fl_json_owned: jansson's free of the value (its
 * reference count reaching 0) calls the block's release function, so
 * that a value can own memory jansson does not know of (a compact row's
 * cells, base/row.h). */
#define FL_JSON_NOTE_OWNS 0x80000000u

/* The start of a block a note owns: `release` frees the block and what
 * it holds (it is called once, with the block). */
typedef struct fl_json_owned {
	void (*release)(struct fl_json_owned *self);   /* frees the block and what it holds */
} fl_json_owned;

/* fl_json_malloc — `n` bytes (16-byte aligned) from jansson's allocator:
 * the arena fl_json_set_arena set, else the heap, so that the block lives
 * exactly as long as values made at the same time.  Never NULL (out of
 * memory ends the process).  Free with fl_json_free (a no-op for an arena
 * block). */
void *fl_json_malloc(size_t n);

/* fl_json_free — free a block of fl_json_malloc (NULL ignored). */
void fl_json_free(void *p);

/* fl_json_head_of — the header of `v`, a value jansson allocated (any
 * object, array, string, integer or real; never NULL nor one of the
 * null/true/false singletons).  Borrowed; lives as long as `v`. */
static inline fl_json_head *fl_json_head_of(const void *v)
{
	return (fl_json_head *)((char *)v - sizeof(fl_json_head));
}

#endif
