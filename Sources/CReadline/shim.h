#ifndef DLCTL_CREADLINE_SHIM_H
#define DLCTL_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Mutable readline globals, reached through functions (Swift 6 rejects touching C globals). */

typedef char *(*dlctl_completion_generator)(const char *text, int state);

static inline void dlctl_rl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/* Marks the current completion as done by us: no filename completion as a fallback. */
static inline void dlctl_rl_completion_over(void) { rl_attempted_completion_over = 1; }

static inline const char *dlctl_rl_line_buffer(void) { return rl_line_buffer; }

static inline void dlctl_rl_set_name(const char *name) { rl_readline_name = name; }

static inline void dlctl_rl_set_append_character(int character) { rl_completion_append_character = character; }

static inline void dlctl_rl_set_word_break_characters(const char *characters) {
    rl_completer_word_break_characters = (char *)characters;
}

static inline void dlctl_stifle_history(int max) { stifle_history(max); }

/* The newest history line, or NULL when the history is empty. */
static inline const char *dlctl_last_history_line(void) {
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry ? entry->line : NULL;
}

#endif
