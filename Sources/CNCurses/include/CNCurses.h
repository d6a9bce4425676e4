// Thin shim over ncursesw: only what Swift 6 cannot import (stdscr, LINES/COLS globals,
// attribute macros) and a best-effort terminal restore on crash signals.
#ifndef CNCURSES_H
#define CNCURSES_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

static inline WINDOW *cncurses_stdscr(void) { return stdscr; }
static inline int cncurses_lines(void) { return LINES; }
static inline int cncurses_columns(void) { return COLS; }
static inline int cncurses_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cncurses_bold(void) { return A_BOLD; }
static inline attr_t cncurses_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline int cncurses_key_resize(void) { return KEY_RESIZE; }
static inline int cncurses_key_up(void) { return KEY_UP; }
static inline int cncurses_key_down(void) { return KEY_DOWN; }
static inline int cncurses_key_enter(void) { return KEY_ENTER; }

/// Restores the terminal (endwin) if the process dies of SIGSEGV, SIGBUS, SIGILL, SIGFPE or
/// SIGABRT, then lets the signal take its default course.
void cncurses_restore_on_crash(void);

#endif
