/* tests/bench/floor.c - the FLOOR plugin of the in-host bench: the least any
   Extism plugin must do with an event, on the raw Extism ABI only. It reads
   the whole input into linear memory (input_load_u64 for every full 8 bytes,
   input_load_u8 for the tail, as nd_ws does) and returns 0: no parsing, no
   output. Built with the plugins' flags; nd_ws's cost is reported as a ratio
   to this. Both message callbacks are this one function. */
#include <stddef.h>
#include <stdint.h>

#define ENV(name) __attribute__((import_module("extism:host/env"), import_name(name)))
ENV("input_length") uint64_t input_length(void);
ENV("input_load_u8") uint32_t input_load_u8(uint64_t offset);
ENV("input_load_u64") uint64_t input_load_u64(uint64_t offset);

/* The buffer sits at the end of memory and grows with it, kept across calls
   of a reused instance (nothing else here grows memory). */
static unsigned char *buf;
static size_t cap;

static int32_t read_input(void)
{
    uint64_t n = input_length(), i = 0, v;
    if (n >= cap) {
        size_t pages = (size_t)((n + 1 - cap) >> 16) + 1, end = __builtin_wasm_memory_size(0) << 16;
        if (n >> 31 || __builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 1;
        if (!buf) buf = (unsigned char *)end;
        cap += pages << 16;
    }
    for (; i + 8 <= n; i += 8) {
        v = input_load_u64(i);
        __builtin_memcpy(buf + i, &v, 8);
    }
    for (; i < n; i++) buf[i] = (unsigned char)input_load_u8(i);
    buf[n] = 0;
    return 0;
}

__attribute__((export_name("nd_websocket_on_text_message"))) int32_t on_text(void) { return read_input(); }
__attribute__((export_name("nd_websocket_on_binary_message"))) int32_t on_binary(void) { return read_input(); }
