#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE
#include "CKioskSystem.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
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

int ckiosk_open_pseudo_terminal(unsigned short rows, unsigned short columns, char *path, unsigned long length) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) return -1;
    const char *name = (grantpt(master) == 0 && unlockpt(master) == 0) ? ptsname(master) : NULL;
    if (name == NULL || strlen(name) + 1 > length) return -1;
    strcpy(path, name);
    struct winsize size = {.ws_row = rows, .ws_col = columns};
    ioctl(master, TIOCSWINSZ, &size);
    return master;
}
