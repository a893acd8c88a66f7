/* netaddr.c — host names and address lists (see netaddr.h). */
#include "base/netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool fl_host_is_valid(const char *s, size_t n)
{
	size_t i = 0;
	if (n && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
				return false;
		if (i == n || i == 1)
			return false;
		i++;
	} else {
		for (; i < n && s[i] != ':'; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
				return false;
		if (i == 0 || i > 253)
			return false;
	}
	if (i == n)
		return true;
	if (s[i] != ':' || n - i - 1 < 1 || n - i - 1 > 5)
		return false;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The address `s` (n bytes) as 16 bytes (IPv4 mapped into IPv6). */
static bool parse_addr(const char *s, size_t n, unsigned char out[16])
{
	char tmp[64];
	struct in_addr v4;
	if (n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, out) == 1)
		return true;
	if (inet_pton(AF_INET, tmp, &v4) != 1)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &v4, 4);
	return true;
}

/* Calls fn for each trimmed entry of `list`; stops when it returns true. */
static bool each_entry(const char *list, bool (*fn)(const char *s, size_t n, void *ud), void *ud)
{
	const char *p = list;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *s = p;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (fn(s, n, ud))
			return true;
		if (!comma)
			return false;
		p = comma + 1;
	}
}

struct bad { char *out; size_t len; bool found; };

static bool first_bad(const char *s, size_t n, void *ud)
{
	struct bad *b = ud;
	unsigned char a[16];
	if (parse_addr(s, n, a))
		return false;
	b->found = true;
	if (b->len)
		snprintf(b->out, b->len, "%.*s", (int)n, s);
	return true;
}

bool fl_addr_list_is_valid(const char *list, char *bad, size_t badlen)
{
	struct bad b = { bad, badlen, false };
	if (!list || !*list) {
		if (badlen)
			snprintf(bad, badlen, "%s", "");
		return false;
	}
	each_entry(list, first_bad, &b);
	return !b.found;
}

static bool same_addr(const char *s, size_t n, void *ud)
{
	unsigned char a[16];
	return parse_addr(s, n, a) && memcmp(a, ud, 16) == 0;
}

bool fl_addr_in_list(const char *addr, const char *list)
{
	unsigned char want[16];
	if (!addr || !list || !parse_addr(addr, strlen(addr), want))
		return false;
	return each_entry(list, same_addr, want);
}
