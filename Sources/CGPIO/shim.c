#include "CGPIO.h"

#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Only the v1 header defines GPIOD_LINE_BULK_MAX_LINES.
#ifdef GPIOD_LINE_BULK_MAX_LINES
#define CGPIO_V1 1
#else
#define CGPIO_V1 0
#endif

#define CGPIO_MAX_LINES 16

struct cgpio_request {
    struct gpiod_chip *chip;
    size_t count;
    unsigned int offsets[CGPIO_MAX_LINES];
#if CGPIO_V1
    struct gpiod_line_bulk bulk;
#else
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *buffer;
#endif
};

int cgpio_api_major(void) { return CGPIO_V1 ? 1 : 2; }

const char *cgpio_library_version(void) {
#if CGPIO_V1
    return gpiod_version_string();
#else
    return gpiod_api_version();
#endif
}

static void copy_text(char *target, size_t size, const char *text) {
    if (size == 0) return;
    snprintf(target, size, "%s", text ? text : "");
}

// The chip's label, or -1 if `path` is not a GPIO chip.
static int chip_label(const char *path, char *label, size_t size) {
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (!chip) return -1;
#if CGPIO_V1
    copy_text(label, size, gpiod_chip_label(chip));
#else
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    if (!info) {
        gpiod_chip_close(chip);
        return -1;
    }
    copy_text(label, size, gpiod_chip_info_get_label(info));
    gpiod_chip_info_free(info);
#endif
    gpiod_chip_close(chip);
    return 0;
}

int cgpio_find_chip(const char *label_or_path, char *path, size_t path_size) {
    char label[64];
    if (label_or_path[0] == '/') {
        if (chip_label(label_or_path, label, sizeof label) != 0) return -1;
        copy_text(path, path_size, label_or_path);
        return 0;
    }
    DIR *devices = opendir("/dev");
    if (!devices) return -1;
    struct dirent *entry;
    int found = -1;
    while (found != 0 && (entry = readdir(devices)) != NULL) {
        if (strncmp(entry->d_name, "gpiochip", 8) != 0) continue;
        char candidate[280];
        snprintf(candidate, sizeof candidate, "/dev/%s", entry->d_name);
        if (chip_label(candidate, label, sizeof label) == 0 && strcmp(label, label_or_path) == 0) {
            copy_text(path, path_size, candidate);
            found = 0;
        }
    }
    closedir(devices);
    if (found != 0) errno = ENOENT;
    return found;
}

int cgpio_chip_lines(const char *path) {
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (!chip) return -1;
#if CGPIO_V1
    int lines = (int)gpiod_chip_num_lines(chip);
#else
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    int lines = info ? (int)gpiod_chip_info_get_num_lines(info) : -1;
    if (info) gpiod_chip_info_free(info);
#endif
    gpiod_chip_close(chip);
    return lines;
}

int cgpio_line_consumer(const char *path, unsigned int offset, char *consumer, size_t consumer_size) {
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (!chip) return -1;
    int used = -1;
#if CGPIO_V1
    struct gpiod_line *line = gpiod_chip_get_line(chip, offset);
    if (line) {
        used = gpiod_line_is_used(line) ? 1 : 0;
        copy_text(consumer, consumer_size, gpiod_line_consumer(line));
    }
#else
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, offset);
    if (info) {
        used = gpiod_line_info_is_used(info) ? 1 : 0;
        copy_text(consumer, consumer_size, gpiod_line_info_get_consumer(info));
        gpiod_line_info_free(info);
    }
#endif
    int saved = errno;
    gpiod_chip_close(chip);
    errno = saved;
    return used;
}

static cgpio_request *new_request(const char *path, const unsigned int *offsets, size_t count) {
    if (count == 0 || count > CGPIO_MAX_LINES) {
        errno = EINVAL;
        return NULL;
    }
    cgpio_request *request = calloc(1, sizeof *request);
    if (!request) return NULL;
    request->chip = gpiod_chip_open(path);
    if (!request->chip) {
        free(request);
        return NULL;
    }
    request->count = count;
    memcpy(request->offsets, offsets, count * sizeof offsets[0]);
    return request;
}

static cgpio_request *fail(cgpio_request *request) {
    int saved = errno;
    if (request->chip) gpiod_chip_close(request->chip);
    free(request);
    errno = saved;
    return NULL;
}

#if CGPIO_V1
static cgpio_request *request_lines(const char *path, const unsigned int *offsets, size_t count,
                                    const char *consumer, int type, int flags) {
    cgpio_request *request = new_request(path, offsets, count);
    if (!request) return NULL;
    if (gpiod_chip_get_lines(request->chip, request->offsets, (unsigned int)count, &request->bulk) != 0)
        return fail(request);
    int defaults[CGPIO_MAX_LINES] = {0};
    struct gpiod_line_request_config config = {.consumer = consumer, .request_type = type, .flags = flags};
    if (gpiod_line_request_bulk(&request->bulk, &config, defaults) != 0) return fail(request);
    return request;
}

cgpio_request *cgpio_request_buttons(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer, unsigned long debounce_us) {
    (void)debounce_us; // v1 has no kernel debounce: the caller debounces from the timestamps
    return request_lines(path, offsets, count, consumer, GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
                         GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW | GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP);
}

cgpio_request *cgpio_request_outputs(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer) {
    return request_lines(path, offsets, count, consumer, GPIOD_LINE_REQUEST_DIRECTION_OUTPUT, 0);
}

size_t cgpio_event_fds(cgpio_request *request, int *fds, size_t max) {
    size_t written = 0;
    for (size_t i = 0; i < request->count && written < max; i++) {
        int fd = gpiod_line_event_get_fd(gpiod_line_bulk_get_line(&request->bulk, (unsigned int)i));
        if (fd >= 0) fds[written++] = fd;
    }
    return written;
}

int cgpio_read_edges(cgpio_request *request, cgpio_edge *edges, size_t max) {
    size_t written = 0;
    for (size_t i = 0; i < request->count && written < max; i++) {
        struct gpiod_line *line = gpiod_line_bulk_get_line(&request->bulk, (unsigned int)i);
        int fd = gpiod_line_event_get_fd(line);
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        while (written < max && poll(&ready, 1, 0) == 1 && (ready.revents & POLLIN)) {
            struct gpiod_line_event event;
            if (gpiod_line_event_read(line, &event) != 0) return -1;
            edges[written].offset = request->offsets[i];
            edges[written].active = event.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
            edges[written].timestamp_ns = (uint64_t)event.ts.tv_sec * 1000000000u + (uint64_t)event.ts.tv_nsec;
            written++;
        }
    }
    return (int)written;
}

int cgpio_get_levels(cgpio_request *request, int *values) {
    return gpiod_line_get_value_bulk(&request->bulk, values);
}

int cgpio_set_outputs(cgpio_request *request, const int *values) {
    return gpiod_line_set_value_bulk(&request->bulk, values);
}

void cgpio_release(cgpio_request *request) {
    if (!request) return;
    gpiod_line_release_bulk(&request->bulk);
    gpiod_chip_close(request->chip);
    free(request);
}

#else

static cgpio_request *request_lines(const char *path, const unsigned int *offsets, size_t count,
                                    const char *consumer, struct gpiod_line_settings *settings) {
    cgpio_request *request = settings ? new_request(path, offsets, count) : NULL;
    struct gpiod_line_config *lines = gpiod_line_config_new();
    struct gpiod_request_config *config = gpiod_request_config_new();
    if (request && lines && config &&
        gpiod_line_config_add_line_settings(lines, request->offsets, count, settings) == 0) {
        gpiod_request_config_set_consumer(config, consumer);
        request->request = gpiod_chip_request_lines(request->chip, config, lines);
        request->buffer = gpiod_edge_event_buffer_new(64);
    }
    int saved = errno;
    gpiod_request_config_free(config);
    gpiod_line_config_free(lines);
    gpiod_line_settings_free(settings);
    errno = saved;
    if (!request) return NULL;
    if (!request->request || !request->buffer) {
        if (request->request) gpiod_line_request_release(request->request);
        if (request->buffer) gpiod_edge_event_buffer_free(request->buffer);
        return fail(request);
    }
    return request;
}

cgpio_request *cgpio_request_buttons(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer, unsigned long debounce_us) {
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    if (settings) {
        gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
        gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
        gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_UP);
        gpiod_line_settings_set_active_low(settings, true);
        gpiod_line_settings_set_debounce_period_us(settings, debounce_us);
    }
    return request_lines(path, offsets, count, consumer, settings);
}

cgpio_request *cgpio_request_outputs(const char *path, const unsigned int *offsets, size_t count,
                                     const char *consumer) {
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    if (settings) {
        gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
        gpiod_line_settings_set_output_value(settings, GPIOD_LINE_VALUE_INACTIVE);
    }
    return request_lines(path, offsets, count, consumer, settings);
}

size_t cgpio_event_fds(cgpio_request *request, int *fds, size_t max) {
    if (max == 0) return 0;
    fds[0] = gpiod_line_request_get_fd(request->request);
    return 1;
}

int cgpio_read_edges(cgpio_request *request, cgpio_edge *edges, size_t max) {
    size_t written = 0;
    while (written < max && gpiod_line_request_wait_edge_events(request->request, 0) == 1) {
        size_t room = max - written < 64 ? max - written : 64;
        int count = gpiod_line_request_read_edge_events(request->request, request->buffer, room);
        if (count < 0) return -1;
        for (int i = 0; i < count; i++) {
            struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(request->buffer, (unsigned long)i);
            edges[written].offset = gpiod_edge_event_get_line_offset(event);
            edges[written].active = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
            edges[written].timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
            written++;
        }
    }
    return (int)written;
}

int cgpio_get_levels(cgpio_request *request, int *values) {
    enum gpiod_line_value levels[CGPIO_MAX_LINES];
    if (gpiod_line_request_get_values(request->request, levels) != 0) return -1;
    for (size_t i = 0; i < request->count; i++) values[i] = levels[i] == GPIOD_LINE_VALUE_ACTIVE;
    return 0;
}

int cgpio_set_outputs(cgpio_request *request, const int *values) {
    enum gpiod_line_value levels[CGPIO_MAX_LINES];
    for (size_t i = 0; i < request->count; i++)
        levels[i] = values[i] ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
    return gpiod_line_request_set_values(request->request, levels);
}

void cgpio_release(cgpio_request *request) {
    if (!request) return;
    gpiod_line_request_release(request->request);
    gpiod_edge_event_buffer_free(request->buffer);
    gpiod_chip_close(request->chip);
    free(request);
}
#endif
