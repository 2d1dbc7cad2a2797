#ifndef DLCTL_CSPAWN_SHIM_H
#define DLCTL_CSPAWN_SHIM_H
// posix_spawn's "close every descriptor from n on" action (glibc 2.34+), which Swift's Glibc
// module does not import: the declaration sits behind feature macros.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#include <spawn.h>

static inline int dlctl_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
#endif
