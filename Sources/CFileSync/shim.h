#ifndef DLCTL_CFILESYNC_SHIM_H
#define DLCTL_CFILESYNC_SHIM_H
// sync_file_range(2), which Swift's Glibc module does not import: the declaration sits behind
// _GNU_SOURCE. Pushes one range of a file to the device and waits for it, so a large file is
// written out in paced chunks instead of all at once by the final fsync.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <fcntl.h>

static inline int dlctl_write_back_range(int fd, long long offset, long long length) {
    return sync_file_range(fd, offset, length,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}
#endif
