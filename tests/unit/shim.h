/* shim.h - a strict in-memory Extism host for native tests of nd_ws.h.

   It behaves like the Extism Rust kernel (the host Navidrome uses):
   - blocks live in host-side memory; a handle is a small non-zero offset into
     it; alloc(0) returns 0; an optional byte cap makes alloc return 0;
   - input_load_* past the end of the input return 0, load/store outside a
     live block are ignored (loads return 0); the shim counts every such
     access as a violation, so a test can require none;
   - output_set honours (handle, length); error_set records the whole block;
   - the user functions websocket_* record their request JSON and return a
     response chosen by the test (a fixed string or a callback).
   shim_reset() starts a new call: it drops all blocks, output, error, logs
   and recorded requests, and sets the input. */
#ifndef SHIM_H
#define SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SHIM_CONNECT, SHIM_SENDTEXT, SHIM_SENDBINARY, SHIM_CLOSE, SHIM_NFUNCS };
enum { SHIM_LOG_INFO, SHIM_LOG_DEBUG, SHIM_LOG_WARN, SHIM_LOG_ERROR };

#define SHIM_MAX_RECORDS 64

typedef struct shim_bytes { unsigned char *ptr; size_t len; } shim_bytes;

/* A user function: gets the request bytes, returns the response (which the
   shim copies into a new block; a NULL response means handle 0). */
typedef const char *(*shim_ws_fn)(int func, const unsigned char *req, size_t len, void *ctx);

typedef struct shim_state {
    /* results of the call */
    int has_output;          /* output_set was called */
    int output_calls;        /* how many times */
    shim_bytes output;       /* the bytes output_set pointed at */
    int error_calls;         /* how many times error_set was called */
    shim_bytes error;        /* the block error_set was given */
    int violations;          /* out-of-bounds or invalid-handle accesses */
    int alloc_zero_calls;    /* alloc(0) calls (legal, but returns 0) */
    int alloc_calls;         /* all alloc calls */
    int alloc_failures;      /* allocs refused by the cap */
    int input_reads;         /* input_load_u8 + input_load_u64 calls */
    uint64_t input_bytes_read;
    /* logs */
    int n_logs;
    int log_level[SHIM_MAX_RECORDS];
    shim_bytes log_msg[SHIM_MAX_RECORDS];
    /* host-function requests, in call order */
    int n_requests;
    int request_func[SHIM_MAX_RECORDS];
    shim_bytes request[SHIM_MAX_RECORDS];
} shim_state;

extern shim_state shim;

/* Start a new call with the given input (may be NULL when len is 0). */
void shim_reset(const void *input, size_t len);
void shim_reset_str(const char *input);
/* Total bytes alloc may hand out in this call (0: unlimited). Kept across
   resets until changed. */
void shim_set_alloc_cap(uint64_t cap);
/* Response of user function func (NULL: handle 0). Kept across resets. */
void shim_set_response(int func, const char *json);
/* A callback deciding every user function's response; overrides the fixed
   responses while set (NULL to remove). Kept across resets. */
void shim_set_ws_fn(shim_ws_fn fn, void *ctx);
/* Plugin config: key -> value (value NULL removes). Kept across resets. */
void shim_config_set(const char *key, const char *value);
void shim_config_clear(void);
/* Restore every setting (cap, responses, config) to its default. */
void shim_defaults(void);

/* Output / error as NUL-terminated strings ("" when absent). */
const char *shim_output_str(void);
const char *shim_error_str(void);

#ifdef __cplusplus
}
#endif
#endif
