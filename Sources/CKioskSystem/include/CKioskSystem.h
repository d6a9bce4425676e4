// Thin shim for what Swift cannot import from Glibc: sys/timex.h is not in its module map.
#ifndef CKIOSKSYSTEM_H
#define CKIOSKSYSTEM_H

#include <sys/timex.h>

/// adjtimex(2) read-only: 1 when the kernel considers the wall clock synchronised,
/// 0 when it does not (TIME_ERROR), -1 when the call failed.
static inline int ckiosk_clock_synchronised(void) {
    struct timex status = {0};
    int state = adjtimex(&status);
    if (state < 0) return -1;
    return state == TIME_ERROR ? 0 : 1;
}

#endif
