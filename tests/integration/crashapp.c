/* crashapp — a test-only blueprint for tests/integration: it lets the
 * integration tests see the 500 page and a crashing FastCGI process, which
 * the real blueprints never produce on purpose.  The Makefile builds it to
 * $(BUILD)/tests/integration/crashapp; the tests mount it at
 * /cgi-bin/crashapp next to cgi-bin/main.
 *
 *   GET /        200 text "ok"
 *   GET /error   abort(500): the custom 500 page and a log line
 *   GET /segv    a write to address 64: SIGSEGV in the middle of a view
 */
#include <stdint.h>

#include "flagon.h"

static int ok_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, "ok");
}

static int error_view(fl_ctx *c)
{
	return fl_abort(c, 500, NULL);
}

static int segv_view(fl_ctx *c)
{
	/* A write to the unmapped first page: a real SIGSEGV.  Not through NULL
	 * itself, which UBSan (make check) would catch and abort on first; both
	 * volatile so the compiler keeps the store. */
	volatile int *volatile p = (volatile int *)(uintptr_t)64;
	*p = 42;
	return fl_text(c, 200, NULL, "unreachable");
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, ok_view, 0 },
	{ "/error", "error", FL_M_GET, error_view, 0 },
	{ "/segv", "segv", FL_M_GET, segv_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint crashapp_blueprint = {
	.name = "crashapp", .routes = routes,
};

int main(void)
{
	return fl_run(&crashapp_blueprint);
}
