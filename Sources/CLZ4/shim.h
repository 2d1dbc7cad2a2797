#ifndef DLCTL_CLZ4_SHIM_H
#define DLCTL_CLZ4_SHIM_H
#include <lz4.h>
#endif
