// Thin shim for what Swift cannot import from Glibc: sys/timex.h is not in its module map.
#ifndef CKIOSKSYSTEM_H
#define CKIOSKSYSTEM_H

#include <spawn.h>
#include <stdint.h>
#include <sys/timex.h>

/// adjtimex(2) read-only: 1 when the kernel considers the wall clock synchronised,
/// 0 when it does not (TIME_ERROR), -1 when the call failed.
static inline int ckiosk_clock_synchronised(void) {
    struct timex status = {0};
    int state = adjtimex(&status);
    if (state < 0) return -1;
    return state == TIME_ERROR ? 0 : 1;
}

/// pipe2(2) with O_CLOEXEC (a _GNU_SOURCE function Swift's Glibc does not show). 0 or -1.
int ckiosk_pipe_cloexec(int descriptors[2]);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+, _GNU_SOURCE): the child closes every
/// descriptor from `lowest` on. Returns 0 or an error number.
int ckiosk_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Lowers the calling thread's scheduling priority to `nice` (Linux: per thread, inherited by
/// the processes it starts). Returns 0, or -1 with errno set. (gettid is not in Swift's Glibc.)
int ckiosk_lower_thread_priority(int nice);

/// Installs handlers for SIGTERM, SIGINT, SIGHUP and SIGQUIT that only set a flag, so the UI
/// loop can restore the terminal and exit cleanly; SIGTSTP is ignored (no suspending a kiosk).
void ckiosk_install_termination_flag(void);

/// The signal number that asked the process to stop, or 0.
int ckiosk_termination_requested(void);

/// Opens a pseudo-terminal pair's master side (for benchmarks that paint to a terminal),
/// sets its size, and writes the slave's path into `path`. Returns the master descriptor or -1.
int ckiosk_open_pseudo_terminal(unsigned short rows, unsigned short columns, char *path, unsigned long length);

/// Sends one sd_notify(3) datagram (e.g. "READY=1") to `socket_path` as found in
/// $NOTIFY_SOCKET: a filesystem path, or an abstract socket written "@name".
/// Returns 0 on success, -1 with errno set on failure. No libsystemd needed.
int ckiosk_sd_notify(const char *socket_path, const char *message);

/// One key event from an evdev input device; `state` is 0 release, 1 press, 2 autorepeat;
/// `nanoseconds` on CLOCK_MONOTONIC.
typedef struct {
    unsigned short code;
    int state;
    uint64_t nanoseconds;
} ckiosk_key_event;

/// Opens an evdev device (e.g. /dev/input/by-id/usb-…-event-kbd) non-blocking, switches its
/// timestamps to CLOCK_MONOTONIC and, when `grab` is set, grabs it exclusively (EVIOCGRAB) so
/// its keystrokes reach nobody else, the console included. Returns the descriptor or -1 with errno.
int ckiosk_evdev_open(const char *path, int grab);

/// Reads the pending key events (other event types are skipped). Returns how many were written
/// (0 when none are pending) or -1 with errno (ENODEV: the device was unplugged).
int ckiosk_evdev_read_keys(int descriptor, ckiosk_key_event *events, int max);

#endif
