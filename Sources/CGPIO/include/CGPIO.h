// The kiosk's view of libgpiod: one small API that compiles against libgpiod 1.6 (v1 API,
// Debian/Raspberry Pi OS bookworm) and 2.x (v2 API, trixie). Only what the kiosk needs:
// find a chip by label or path, name a line's consumer, request buttons (pull-up, active-low,
// both edges) and outputs, read edges, set outputs.
#ifndef CGPIO_H
#define CGPIO_H

#include <stddef.h>
#include <stdint.h>

/// One edge on a requested input line; `active` is the logical level after the edge
/// (1 = pressed for an active-low button); the timestamp is the kernel's (CLOCK_MONOTONIC).
typedef struct {
    unsigned int offset;
    int active;
    uint64_t timestamp_ns;
} cgpio_edge;

typedef struct cgpio_request cgpio_request;

/// 1 or 2: the libgpiod API this shim was compiled against.
int cgpio_api_major(void);

/// The version of the libgpiod library the kiosk runs with, e.g. "1.6.3" or "2.3".
const char *cgpio_library_version(void);

/// Resolves a chip given by path ("/dev/gpiochip0") or label ("pinctrl-bcm2711") to its device
/// path. Returns 0, or -1 with errno (ENOENT: no such chip).
int cgpio_find_chip(const char *label_or_path, char *path, size_t path_size);

/// The number of lines of the chip at `path`, or -1 with errno.
int cgpio_chip_lines(const char *path);

/// Whether line `offset` of the chip is in use (1) or free (0), and by whom (`consumer`, may be
/// empty for a kernel user); -1 with errno when the line cannot be inspected.
int cgpio_line_consumer(const char *path, unsigned int offset, char *consumer, size_t consumer_size);

/// Requests `count` lines as pull-up, active-low inputs with events on both edges; on v2 the
/// kernel also debounces them for `debounce_us`. NULL with errno on failure (EBUSY: taken).
cgpio_request *cgpio_request_buttons(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer, unsigned long debounce_us);

/// Requests `count` lines as outputs, initially inactive. NULL with errno on failure.
cgpio_request *cgpio_request_outputs(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer);

/// File descriptors that become readable when edges are pending (v1: one per line; v2: one).
/// Returns how many were written to `fds` (at most `max`).
size_t cgpio_event_fds(cgpio_request *request, int *fds, size_t max);

/// Reads the pending edges without blocking. Returns how many were written, or -1 with errno.
int cgpio_read_edges(cgpio_request *request, cgpio_edge *edges, size_t max);

/// Reads the present logical level of every line of the request into `values`. 0 or -1.
int cgpio_get_levels(cgpio_request *request, int *values);

/// Sets every output of the request, `values[i]` for the i-th requested offset. 0 or -1.
int cgpio_set_outputs(cgpio_request *request, const int *values);

void cgpio_release(cgpio_request *request);

#endif
