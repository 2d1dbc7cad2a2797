#ifndef DLCTL_CZOOKEEPER_SHIM_H
#define DLCTL_CZOOKEEPER_SHIM_H
#define THREADED 1
#include <stdio.h>
#include <zookeeper/zookeeper.h>

/* Mutable C globals are not readable from Swift 6 strict concurrency: read them here. */
static inline struct ACL_vector *dl_zoo_open_acl_unsafe(void) { return &ZOO_OPEN_ACL_UNSAFE; }
static inline int dl_zoo_connected_state(void) { return ZOO_CONNECTED_STATE; }
static inline int dl_zoo_connecting_state(void) { return ZOO_CONNECTING_STATE; }
static inline int dl_zoo_expired_session_state(void) { return ZOO_EXPIRED_SESSION_STATE; }
static inline int dl_zoo_auth_failed_state(void) { return ZOO_AUTH_FAILED_STATE; }
static inline int dl_zoo_session_event(void) { return ZOO_SESSION_EVENT; }
static inline int dl_zoo_created_event(void) { return ZOO_CREATED_EVENT; }
static inline int dl_zoo_deleted_event(void) { return ZOO_DELETED_EVENT; }
static inline int dl_zoo_changed_event(void) { return ZOO_CHANGED_EVENT; }
static inline int dl_zoo_child_event(void) { return ZOO_CHILD_EVENT; }
static inline int dl_zoo_notwatching_event(void) { return ZOO_NOTWATCHING_EVENT; }
static inline void dl_zoo_quiet(void) { zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR); zoo_set_log_stream(stderr); }
static inline void dl_zoo_silent(void) { zoo_set_debug_level((ZooLogLevel)0); }
#endif
