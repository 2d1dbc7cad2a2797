#ifndef DLCTL_CNCURSESW_SHIM_H
#define DLCTL_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

int wcwidth(wchar_t c);

static inline WINDOW *dl_stdscr(void) { return stdscr; }
static inline int dl_lines(void) { return LINES; }
static inline int dl_cols(void) { return COLS; }
static inline int dl_color_pair(int n) { return COLOR_PAIR(n); }
static inline int dl_a_bold(void) { return A_BOLD; }
static inline int dl_a_reverse(void) { return A_REVERSE; }
static inline void dl_attr_on(int attributes) { wattron(stdscr, attributes); }
static inline void dl_attr_off(int attributes) { wattroff(stdscr, attributes); }
#endif
