/* clock.c — see clock.h. */
#include "base/clock.h"

time_t fl_now(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return time(NULL);
	return ts.tv_sec;
}
