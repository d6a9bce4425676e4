// A USB keyboard-wedge badge reader made with uinput, for the badge-reader test in the VM.
// Commands on stdin, one per line:
//   type TEXT   types TEXT and Enter        keys TEXT   types TEXT without Enter
//   quit        unplugs the reader (destroys the device) and exits
// Prints the device's event node (e.g. event0) once it exists.
#include <dirent.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int device;

static void emit(int type, int code, int value) {
    struct input_event event = {.type = type, .code = code, .value = value};
    if (write(device, &event, sizeof event) != sizeof event) perror("write");
}

static void key(int code, int shift) {
    if (shift) emit(EV_KEY, KEY_LEFTSHIFT, 1);
    emit(EV_KEY, code, 1);
    emit(EV_SYN, SYN_REPORT, 0);
    emit(EV_KEY, code, 0);
    if (shift) emit(EV_KEY, KEY_LEFTSHIFT, 0);
    emit(EV_SYN, SYN_REPORT, 0);
    usleep(2000);
}

static int code_of(char c) {
    static const char *rows[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
    static const int first[] = {KEY_1, KEY_Q, KEY_A, KEY_Z};
    for (int row = 0; row < 4; row++) {
        const char *at = strchr(rows[row], c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (at && *at) return first[row] + (int)(at - rows[row]);
    }
    return -1;
}

int main(void) {
    device = open("/dev/uinput", O_WRONLY | O_NONBLOCK);
    if (device < 0) { perror("/dev/uinput"); return 1; }
    ioctl(device, UI_SET_EVBIT, EV_KEY);
    for (int code = 1; code < 128; code++) ioctl(device, UI_SET_KEYBIT, code);
    struct uinput_setup setup = {.id = {.bustype = BUS_USB, .vendor = 0x1209, .product = 0x0001}};
    strcpy(setup.name, "Mentor Test Reader");
    if (ioctl(device, UI_DEV_SETUP, &setup) != 0 || ioctl(device, UI_DEV_CREATE) != 0) { perror("uinput"); return 1; }
    char node[64] = "";
    if (ioctl(device, UI_GET_SYSNAME(sizeof node), node) >= 0) {
        char path[160];
        snprintf(path, sizeof path, "/sys/devices/virtual/input/%s", node);
        DIR *dir = opendir(path);
        struct dirent *entry;
        while (dir && (entry = readdir(dir)) != NULL)
            if (strncmp(entry->d_name, "event", 5) == 0) printf("%s\n", entry->d_name);
        if (dir) closedir(dir);
    }
    fflush(stdout);
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        int enter = strncmp(line, "type ", 5) == 0;
        if (enter || strncmp(line, "keys ", 5) == 0) {
            for (const char *c = line + 5; *c; c++) {
                int code = code_of(*c);
                if (code > 0) key(code, *c >= 'A' && *c <= 'Z');
            }
            if (enter) key(KEY_ENTER, 0);
        } else if (strcmp(line, "quit") == 0) {
            break;
        }
    }
    ioctl(device, UI_DEV_DESTROY);
    close(device);
    return 0;
}
