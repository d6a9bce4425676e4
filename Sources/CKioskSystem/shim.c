#define _GNU_SOURCE
#include "CKioskSystem.h"
#include <fcntl.h>
#include <linux/input.h>
#include <time.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>

int ckiosk_pipe_cloexec(int descriptors[2]) { return pipe2(descriptors, O_CLOEXEC); }

int ckiosk_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int ckiosk_lower_thread_priority(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

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

int ckiosk_sd_notify(const char *socket_path, const char *message) {
    struct sockaddr_un address;
    size_t length = strlen(socket_path);
    if (length == 0 || length >= sizeof address.sun_path) { errno = EINVAL; return -1; }
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, socket_path, length);
    if (socket_path[0] == '@') address.sun_path[0] = 0;
    socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + (socket_path[0] == '@' ? 0 : 1));
    int descriptor = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (descriptor < 0) return -1;
    ssize_t sent;
    do {
        sent = sendto(descriptor, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&address, size);
    } while (sent < 0 && errno == EINTR);
    int saved = errno;
    close(descriptor);
    errno = saved;
    return sent < 0 ? -1 : 0;
}

int ckiosk_evdev_open(const char *path, int grab) {
    int descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (descriptor < 0) return -1;
    int clock = CLOCK_MONOTONIC;
    if (ioctl(descriptor, EVIOCSCLOCKID, &clock) != 0 || (grab && ioctl(descriptor, EVIOCGRAB, 1) != 0)) {
        int saved = errno;
        close(descriptor);
        errno = saved;
        return -1;
    }
    return descriptor;
}

int ckiosk_evdev_read_keys(int descriptor, ckiosk_key_event *events, int max) {
    struct input_event raw[64];
    int written = 0;
    while (written < max) {
        ssize_t bytes = read(descriptor, raw, sizeof raw);
        if (bytes < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        if (bytes == 0) break;
        for (size_t i = 0; i < (size_t)bytes / sizeof raw[0] && written < max; i++) {
            if (raw[i].type != EV_KEY) continue;
            events[written].code = raw[i].code;
            events[written].state = raw[i].value;
            events[written].nanoseconds = (uint64_t)raw[i].input_event_sec * 1000000000u + (uint64_t)raw[i].input_event_usec * 1000u;
            written++;
        }
    }
    return written;
}
