#ifndef DLCTL_CCRC32C_SHIM_H
#define DLCTL_CCRC32C_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* CRC32C with the SSE4.2 crc32 instruction (about 8 bytes per cycle per stream).
   dl_crc32c_hardware_available() tells whether the CPU has it; callers fall back to software. */

static inline int dl_crc32c_hardware_available(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("sse4.2");
#else
    return 0;
#endif
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static inline uint32_t dl_crc32c_hardware(uint32_t crc, const uint8_t *data, size_t length) {
    uint64_t c = ~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, data, 8);
        c = __builtin_ia32_crc32di(c, word);
        data += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *data);
        data++;
        length--;
    }
    return ~c32;
}
#else
static inline uint32_t dl_crc32c_hardware(uint32_t crc, const uint8_t *data, size_t length) {
    (void)data; (void)length; return crc;
}
#endif
#endif
