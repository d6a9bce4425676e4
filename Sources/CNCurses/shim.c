#include "CNCurses.h"
#include <signal.h>
#include <string.h>

static void cncurses_crash(int number) {
    endwin();
    signal(number, SIG_DFL);
    raise(number);
}

void cncurses_restore_on_crash(void) {
    int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = cncurses_crash;
        action.sa_flags = SA_RESETHAND;
        sigaction(crashes[i], &action, NULL);
    }
}
