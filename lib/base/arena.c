/* arena.c — chunked bump allocator, arena-backed buffers, and jansson's
 * allocator hooks.  See arena.h for the contract. */
#include "base/arena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define DEFAULT_CHUNK (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t size;          /* usable bytes in data[] */
	size_t used;
	_Alignas(ALIGN) unsigned char data[];
};

struct fl_arena {
	struct chunk *head;   /* the chunk being filled */
	struct chunk *first;  /* kept across resets */
	size_t chunk_size;
	size_t used;
};

static void oom(size_t n)
{
	/* Memory is gone: nothing sensible can be answered.  Say so once and
	 * leave; lighttpd / mod_fcgid start a fresh process. */
	fprintf(stderr, "flagon: fatal: out of memory allocating %zu bytes\n", n);
	_Exit(70);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof *c + size);
	if (!c)
		oom(size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

fl_arena *fl_arena_new(size_t chunk)
{
	fl_arena *a = calloc(1, sizeof *a);
	if (!a)
		oom(sizeof *a);
	a->chunk_size = chunk ? chunk : DEFAULT_CHUNK;
	a->first = a->head = chunk_new(a->chunk_size);
	return a;
}

static void free_chain(struct chunk *c, struct chunk *keep)
{
	while (c) {
		struct chunk *next = c->next;
		if (c != keep)
			free(c);
		c = next;
	}
}

void fl_arena_free(fl_arena *a)
{
	if (!a)
		return;
	free_chain(a->head, NULL);
	free(a);
}

void fl_arena_reset(fl_arena *a)
{
	free_chain(a->head, a->first);
	a->first->next = NULL;
	a->first->used = 0;
	a->head = a->first;
	a->used = 0;
}

/* The bump of fl_arena_alloc when `need` (a multiple of ALIGN) fits the
 * current chunk, else NULL.  Inline so that jansson's allocator (every
 * value of a query's rows: ten per 4-column row) takes it without a call. */
static inline void *arena_bump(fl_arena *a, size_t need)
{
	struct chunk *c = a->head;
	if (c->size - c->used < need)
		return NULL;
	void *p = c->data + c->used;
	c->used += need;
	a->used += need;
	return p;
}

void *fl_arena_alloc(fl_arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < n)
		oom(n);
	if (need == 0)
		need = ALIGN;
	void *p = arena_bump(a, need);
	if (p)
		return p;
	/* Big requests get a chunk of their own; chunks are chained newest
	 * first so reset can walk them. */
	size_t size = need > a->chunk_size ? need : a->chunk_size;
	struct chunk *nc = chunk_new(size);
	nc->next = a->head;
	a->head = nc;
	return arena_bump(a, need);
}

void *fl_arena_calloc(fl_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		oom(SIZE_MAX);
	void *p = fl_arena_alloc(a, count * size);
	memset(p, 0, count * size);
	return p;
}

void *fl_arena_memdup(fl_arena *a, const void *p, size_t n)
{
	char *d = fl_arena_alloc(a, n + 1);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

char *fl_arena_strndup(fl_arena *a, const char *s, size_t n)
{
	return fl_arena_memdup(a, s, n);
}

char *fl_arena_strdup(fl_arena *a, const char *s)
{
	return s ? fl_arena_memdup(a, s, strlen(s)) : NULL;
}

char *fl_arena_vprintf(fl_arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	char probe[1];
	if (!fmt) /* also tells gcc's -Wformat-truncation that fmt is set */
		fmt = "";
	va_copy(cp, ap);
	int n = vsnprintf(probe, sizeof probe, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *s = fl_arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *fl_arena_printf(fl_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = fl_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

size_t fl_arena_used(const fl_arena *a)
{
	return a->used;
}

bool fl_arena_owns(const fl_arena *a, const void *p)
{
	uintptr_t q = (uintptr_t)p;
	for (const struct chunk *c = a->head; c; c = c->next)
		if (q >= (uintptr_t)c->data && q < (uintptr_t)c->data + c->used)
			return true;
	return false;
}

/* ---- buffers ---- */

void fl_buf_init(fl_buf *b, fl_arena *a)
{
	b->arena = a;
	b->data = NULL;
	b->len = b->cap = 0;
}

static void buf_grow(fl_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < extra)
		oom(extra);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap * 2 : 256;
	while (cap < need)
		cap *= 2;
	char *d = fl_arena_alloc(b->arena, cap);
	if (b->len)
		memcpy(d, b->data, b->len);
	b->data = d;
	b->cap = cap;
}

void fl_buf_reserve(fl_buf *b, size_t extra)
{
	buf_grow(b, extra);
}

void fl_buf_append(fl_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n)   /* no room for n bytes and the NUL (cap 0 never has) */
		buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fl_buf_puts(fl_buf *b, const char *s)
{
	fl_buf_append(b, s, strlen(s));
}

void fl_buf_putc(fl_buf *b, char c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void fl_buf_printf(fl_buf *b, const char *fmt, ...)
{
	va_list ap, cp;
	char probe[1];
	if (!fmt)
		fmt = "";
	va_start(ap, fmt);
	va_copy(cp, ap);
	/* One pass when the output fits the spare capacity (the common case);
	 * a second one only after growing. */
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n = vsnprintf(room ? b->data + b->len : probe, room ? room : sizeof probe, fmt, ap);
	if (n > 0) {
		if ((size_t)n >= room) {
			buf_grow(b, (size_t)n);
			vsnprintf(b->data + b->len, (size_t)n + 1, fmt, cp);
		}
		b->len += (size_t)n;
	}
	va_end(cp);
	va_end(ap);
}

/* "00".."99": two digits per division, half the steps of one digit. */
static const char digits2[201] =
	"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
	"5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/* The digits of u ending just before `end`, two at a time. */
static inline char *put_digits(char *end, unsigned long long u)
{
	while (u >= 100) {
		unsigned d = (unsigned)(u % 100) * 2;
		u /= 100;
		*--end = digits2[d + 1];
		*--end = digits2[d];
	}
	if (u >= 10) {
		*--end = digits2[u * 2 + 1];
		*--end = digits2[u * 2];
	} else {
		*--end = (char)('0' + u);
	}
	return end;
}

static inline size_t count_digits(unsigned long long u)
{
	size_t n = 1;
	for (; u >= 100; u /= 100)
		n += 2;
	return n + (u >= 10);
}

void fl_buf_put_int(fl_buf *b, long long i)
{
	unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	size_t n = (i < 0) + count_digits(u);
	if (b->cap - b->len <= n)  /* room for the digits and the NUL */
		fl_buf_reserve(b, n);
	/* the digits written in place, from the last one */
	char *p = b->data + b->len + n;
	*p = '\0';
	p = put_digits(p, u);
	if (i < 0)
		*--p = '-';
	b->len += n;
}

void fl_buf_put_fixed(fl_buf *b, int neg, unsigned long long m, int places)
{
	/* the digits of m, at least places + 1 of them ("0.05") */
	size_t nd = count_digits(m);
	if (nd <= (size_t)places)
		nd = (size_t)places + 1;
	size_t n = (size_t)neg + nd + 1 + (places == 0);   /* sign, digits, point, "0" of ".0" */
	if (b->cap - b->len <= n)
		fl_buf_reserve(b, n);
	char *p = b->data + b->len + n;
	*p = '\0';
	if (!places) {
		*--p = '0';
		*--p = '.';
		p = put_digits(p, m);
	} else {
		for (int i = 0; i < places; i++, m /= 10)
			*--p = (char)('0' + m % 10);
		*--p = '.';
		p = put_digits(p, m);   /* "0" when m had no more digits than places */
	}
	if (neg)
		*--p = '-';
	b->len += n;
}

const char *fl_buf_cstr(fl_buf *b)
{
	return b->data ? b->data : "";
}

/* ---- jansson allocator ----
 * Every block carries a 16-byte header (fl_json_head, arena.h) saying
 * where it came from, so that json_decref() on an arena value is a no-op
 * while heap values are freed; the rest of the header carries base code's
 * notes (a compact row's mark). */

#define TAG_HEAP 0x48454150u  /* "HEAP" */
#define TAG_ARENA 0x4152454eu /* "AREN" */

_Static_assert(sizeof(fl_json_head) == ALIGN, "the header keeps blocks aligned");

static fl_arena *json_arena;

static inline void *json_block(unsigned char *p, uint32_t tag)
{
	fl_json_head *h = (fl_json_head *)p;
	h->tag = tag;
	h->note = 0;
	return p + ALIGN;
}

/* Out of the fast path: a new chunk, the heap, a size near SIZE_MAX. */
static __attribute__((noinline)) void *json_alloc_slow(size_t n)
{
	if (n > SIZE_MAX - 2 * ALIGN)
		oom(n);
	if (json_arena)
		return json_block(fl_arena_alloc(json_arena, n + ALIGN), TAG_ARENA);
	unsigned char *p = malloc(n + ALIGN);
	if (!p)
		oom(n);
	return json_block(p, TAG_HEAP);
}

/* The common case — the request's arena has room — is a leaf: a row of
 * a query allocates about ten values. */
static void *json_alloc(size_t n)
{
	fl_arena *a = json_arena;
	if (a) {
		size_t need = (n + 2 * ALIGN - 1) & ~(size_t)(ALIGN - 1);
		unsigned char *p = need > n ? arena_bump(a, need) : NULL;
		if (p)
			return json_block(p, TAG_ARENA);
	}
	return json_alloc_slow(n);
}

static void json_release(void *ptr)
{
	if (!ptr)
		return;
	fl_json_head *h = fl_json_head_of(ptr);
	if (h->note & FL_JSON_NOTE_OWNS) {   /* a compact row's cells (base/row.h) */
		fl_json_owned *o = h->ptr;
		h->note = 0;
		o->release(o);
	}
	if (h->tag == TAG_HEAP) {
		h->tag = 0;
		free(h);
	}
}

void *fl_json_malloc(size_t n)
{
	return json_alloc(n);
}

void fl_json_free(void *p)
{
	json_release(p);
}

/* Installed before main() so no jansson value is ever made by plain malloc
 * (json_release would misread its header). */
__attribute__((constructor)) static void json_install(void)
{
	json_set_alloc_funcs(json_alloc, json_release);
}

fl_arena *fl_json_set_arena(fl_arena *a)
{
	fl_arena *old = json_arena;
	json_arena = a;
	return old;
}
