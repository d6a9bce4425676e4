#include "CKioskSystem.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t termination_signal = 0;

static void ckiosk_note_termination(int number) { termination_signal = number; }

void ckiosk_install_termination_flag(void) {
    int stops[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = ckiosk_note_termination;
        sigaction(stops[i], &action, NULL);
        sigaddset(&unblock, stops[i]);
    }
    // A parent may have left these blocked (test runners and some supervisors do); a kiosk
    // that cannot be stopped is worse than one that stops.
    sigaddset(&unblock, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    signal(SIGTSTP, SIG_IGN);
}

int ckiosk_termination_requested(void) { return termination_signal; }
