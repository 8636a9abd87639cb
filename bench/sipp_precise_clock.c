/* SIPp 3.6 times responses with the kernel's coarse clocks, which tick every few
 * milliseconds, so its response times come out as multiples of that tick. Preloaded
 * into SIPp (LD_PRELOAD), this maps the coarse clock ids onto the precise ones, and
 * nothing else, so the benchmark's RTD percentiles have microsecond resolution. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>

static int (*next_clock_gettime)(clockid_t, struct timespec *);

int clock_gettime(clockid_t clock, struct timespec *out)
{
    if (next_clock_gettime == NULL)
        next_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    switch (clock) {
    case CLOCK_MONOTONIC_COARSE: clock = CLOCK_MONOTONIC; break;
    case CLOCK_REALTIME_COARSE: clock = CLOCK_REALTIME; break;
    default: break;
    }
    return next_clock_gettime(clock, out);
}
