/* clock.h — the wall clock every signature, token and expiry reads. */
#ifndef FL_CLOCK_H
#define FL_CLOCK_H

#include <time.h>

/* fl_now — the current Unix time in whole seconds, read from
 * CLOCK_REALTIME: the same second Python's int(time.time()) gives at the
 * same instant.  (glibc's time(2) reads the coarse clock, which can still
 * show the previous second for a few milliseconds after Python has moved
 * on, so a token Flask signed a moment ago would look "from the future".) */
time_t fl_now(void);

/* fl_monotonic_us — microseconds on CLOCK_MONOTONIC since an arbitrary
 * start: for measuring how long something took (a statement, a render, a
 * request), never for dates.  Python's time.perf_counter(), in µs. */
long long fl_monotonic_us(void);

#endif
