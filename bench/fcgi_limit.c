/* fcgi_limit.c — the FastCGI ceiling for `make bench` (SPEC §8).
 *
 * The least a FastCGI program can do: accept a request and write a fixed
 * text/html page.  Its size comes from the query string (?n=BYTES, default
 * 2048, at most 1 MiB) so each Flagon page is compared with a page of the
 * same size over the same web server, socket and libfcgi.  The page is
 * built once; a request only parses n and writes.  Built by `make bench`
 * into build/bench/fcgi_limit; mounted by bench/run.py at /cgi-bin/fcgilimit.
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGE (1 << 20)

static char page[MAX_PAGE];

static size_t page_size(const char *qs)
{
	const char *p = qs ? strstr(qs, "n=") : NULL;
	long n = p ? strtol(p + 2, NULL, 10) : 2048;
	if (n < 0)
		n = 0;
	if (n > MAX_PAGE)
		n = MAX_PAGE;
	return (size_t)n;
}

int main(void)
{
	for (size_t i = 0; i < MAX_PAGE; i++)
		page[i] = (i % 64 == 63) ? '\n' : 'x';
	if (FCGX_Init() != 0)
		return 1;
	FCGX_Request req;
	FCGX_InitRequest(&req, 0, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		size_t n = page_size(FCGX_GetParam("QUERY_STRING", req.envp));
		/* snprintf: libfcgi's own FCGX_FPrintF knows no %zu. */
		char head[128];
		int hn = snprintf(head, sizeof head, "Status: 200 OK\r\n"
			"Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n\r\n", n);
		FCGX_PutStr(head, hn, req.out);
		FCGX_PutStr(page, (int)n, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
