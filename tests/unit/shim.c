/* shim.c - see shim.h. Defines the nd_ws_extism_* functions nd_ws.h
   declares for native builds. */
#include "shim.h"
#include "../../nd_ws.h"

#include <stdlib.h>
#include <string.h>

shim_state shim;

typedef struct shim_block { uint64_t start, len; } shim_block;

/* Host memory: blocks are laid out one after the other with a small gap, so
   an access that runs off the end of a block lands in no block at all. The
   first handle is 16: small, non-zero, not a multiple of 8 after the first. */
#define SHIM_FIRST 16u
#define SHIM_GAP 5u

static unsigned char *mem;
static uint64_t mem_cap, mem_top = SHIM_FIRST;
static shim_block *blocks;
static size_t n_blocks, blocks_cap;
static uint64_t alloc_total, alloc_cap;

static const unsigned char *input;
static size_t input_len;

static char *responses[SHIM_NFUNCS];
static shim_ws_fn ws_fn;
static void *ws_ctx;

#define SHIM_MAX_CONFIG 16
static char *config_key[SHIM_MAX_CONFIG], *config_val[SHIM_MAX_CONFIG];

static void die(const char *why)
{
    (void)why;
    abort();
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = (char *)xmalloc(n);
    memcpy(d, s, n);
    return d;
}

static void set_bytes(shim_bytes *b, const unsigned char *p, size_t n)
{
    free(b->ptr);
    b->ptr = (unsigned char *)xmalloc(n + 1);
    if (n) memcpy(b->ptr, p, n);
    b->ptr[n] = 0;
    b->len = n;
}

static void free_bytes(shim_bytes *b)
{
    free(b->ptr);
    b->ptr = 0;
    b->len = 0;
}

void shim_reset(const void *in, size_t len)
{
    int i;
    free_bytes(&shim.output);
    free_bytes(&shim.error);
    for (i = 0; i < shim.n_logs; i++) free_bytes(&shim.log_msg[i]);
    for (i = 0; i < shim.n_requests; i++) free_bytes(&shim.request[i]);
    memset(&shim, 0, sizeof shim);
    n_blocks = 0;
    mem_top = SHIM_FIRST;
    alloc_total = 0;
    input = (const unsigned char *)in;
    input_len = len;
}

void shim_reset_str(const char *in) { shim_reset(in, strlen(in)); }

void shim_set_alloc_cap(uint64_t cap) { alloc_cap = cap; }

void shim_set_response(int func, const char *json)
{
    free(responses[func]);
    responses[func] = json ? xstrdup(json) : 0;
}

void shim_set_ws_fn(shim_ws_fn fn, void *ctx)
{
    ws_fn = fn;
    ws_ctx = ctx;
}

void shim_config_set(const char *key, const char *value)
{
    int i, freei = -1;
    for (i = 0; i < SHIM_MAX_CONFIG; i++) {
        if (config_key[i] && !strcmp(config_key[i], key)) {
            free(config_val[i]);
            config_val[i] = 0;
            if (!value) {
                free(config_key[i]);
                config_key[i] = 0;
            } else {
                config_val[i] = xstrdup(value);
            }
            return;
        }
        if (!config_key[i] && freei < 0) freei = i;
    }
    if (!value) return;
    if (freei < 0) die("too many config keys");
    config_key[freei] = xstrdup(key);
    config_val[freei] = xstrdup(value);
}

void shim_config_clear(void)
{
    int i;
    for (i = 0; i < SHIM_MAX_CONFIG; i++) {
        free(config_key[i]);
        free(config_val[i]);
        config_key[i] = config_val[i] = 0;
    }
}

void shim_defaults(void)
{
    alloc_cap = 0;
    shim_set_response(SHIM_CONNECT, "{\"newConnectionId\":\"conn-1\"}");
    shim_set_response(SHIM_SENDTEXT, "{}");
    shim_set_response(SHIM_SENDBINARY, "{}");
    shim_set_response(SHIM_CLOSE, "{}");
    ws_fn = 0;
    ws_ctx = 0;
    shim_config_clear();
}

const char *shim_output_str(void) { return shim.output.ptr ? (const char *)shim.output.ptr : ""; }
const char *shim_error_str(void) { return shim.error.ptr ? (const char *)shim.error.ptr : ""; }

/* ---- host memory ---------------------------------------------------------- */

static uint64_t host_alloc(uint64_t n)
{
    uint64_t start;
    if (n == 0) return 0;
    if (alloc_cap && (n > alloc_cap || alloc_total > alloc_cap - n)) return 0;
    if (n > ((uint64_t)1 << 30)) return 0; /* the shim's own limit: 1 GiB */
    start = mem_top;
    if (start + n + SHIM_GAP > mem_cap) {
        uint64_t cap = mem_cap ? mem_cap : 4096;
        unsigned char *m;
        while (cap < start + n + SHIM_GAP) cap *= 2;
        m = (unsigned char *)realloc(mem, (size_t)cap);
        if (!m) return 0;
        mem = m;
        mem_cap = cap;
    }
    if (n_blocks == blocks_cap) {
        size_t cap = blocks_cap ? blocks_cap * 2 : 64;
        shim_block *b = (shim_block *)realloc(blocks, cap * sizeof *b);
        if (!b) die("out of memory");
        blocks = b;
        blocks_cap = cap;
    }
    /* garbage, as in a real kernel that reuses memory */
    memset(mem + start, 0xa5, (size_t)n);
    blocks[n_blocks].start = start;
    blocks[n_blocks].len = n;
    n_blocks++;
    mem_top = start + n + SHIM_GAP;
    alloc_total += n;
    return start;
}

/* The block holding bytes [at, at + n), or NULL. */
static const shim_block *find(uint64_t at, uint64_t n)
{
    size_t lo = 0, hi = n_blocks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (blocks[mid].start <= at) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return 0;
    {
        const shim_block *b = &blocks[lo - 1];
        if (at - b->start < b->len && n <= b->len - (at - b->start)) return b;
    }
    return 0;
}

/* The whole block starting at handle h, or NULL. */
static const shim_block *block_at(uint64_t h)
{
    const shim_block *b = find(h, 1);
    return b && b->start == h ? b : 0;
}

static uint64_t new_block(const unsigned char *p, size_t n)
{
    uint64_t h = host_alloc(n);
    if (h) memcpy(mem + h, p, n);
    return h;
}

/* ---- the Extism imports --------------------------------------------------- */

uint64_t nd_ws_extism_input_length(void) { return input_len; }

uint32_t nd_ws_extism_input_load_u8(uint64_t offset)
{
    shim.input_reads++;
    if (offset >= input_len) {
        shim.violations++;
        return 0;
    }
    shim.input_bytes_read += 1;
    return input[offset];
}

uint64_t nd_ws_extism_input_load_u64(uint64_t offset)
{
    uint64_t v;
    shim.input_reads++;
    if (offset >= input_len || input_len - offset < 8) {
        shim.violations++;
        return 0;
    }
    shim.input_bytes_read += 8;
    memcpy(&v, input + offset, 8);
    return v;
}

uint64_t nd_ws_extism_alloc(uint64_t n)
{
    uint64_t h;
    shim.alloc_calls++;
    if (n == 0) {
        shim.alloc_zero_calls++;
        return 0;
    }
    h = host_alloc(n);
    if (!h) shim.alloc_failures++;
    return h;
}

uint64_t nd_ws_extism_length(uint64_t handle)
{
    const shim_block *b = block_at(handle);
    if (!b) {
        shim.violations++;
        return 0;
    }
    return b->len;
}

uint32_t nd_ws_extism_load_u8(uint64_t at)
{
    if (!find(at, 1)) {
        shim.violations++;
        return 0;
    }
    return mem[at];
}

uint64_t nd_ws_extism_load_u64(uint64_t at)
{
    uint64_t v;
    if (!find(at, 8)) {
        shim.violations++;
        return 0;
    }
    memcpy(&v, mem + at, 8);
    return v;
}

void nd_ws_extism_store_u8(uint64_t at, uint32_t v)
{
    if (!find(at, 1) || v > 0xff) {
        shim.violations++;
        return;
    }
    mem[at] = (unsigned char)v;
}

void nd_ws_extism_store_u64(uint64_t at, uint64_t v)
{
    if (!find(at, 8)) {
        shim.violations++;
        return;
    }
    memcpy(mem + at, &v, 8);
}

void nd_ws_extism_output_set(uint64_t handle, uint64_t n)
{
    shim.output_calls++;
    if (n == 0) { /* the kernel accepts it: an empty output */
        shim.has_output = 1;
        set_bytes(&shim.output, (const unsigned char *)"", 0);
        return;
    }
    if (!find(handle, n)) {
        shim.violations++;
        return;
    }
    shim.has_output = 1;
    set_bytes(&shim.output, mem + handle, (size_t)n);
}

void nd_ws_extism_error_set(uint64_t handle)
{
    const shim_block *b = block_at(handle);
    shim.error_calls++;
    if (!b) {
        shim.violations++;
        return;
    }
    set_bytes(&shim.error, mem + b->start, (size_t)b->len);
}

uint64_t nd_ws_extism_config_get(uint64_t key)
{
    const shim_block *b = block_at(key);
    int i;
    if (!b) {
        shim.violations++;
        return 0;
    }
    for (i = 0; i < SHIM_MAX_CONFIG; i++) {
        if (config_key[i] && strlen(config_key[i]) == b->len && !memcmp(config_key[i], mem + b->start, (size_t)b->len))
            return new_block((const unsigned char *)config_val[i], strlen(config_val[i]));
    }
    return 0;
}

static void log_msg(int level, uint64_t h)
{
    const shim_block *b = block_at(h);
    if (!b) {
        shim.violations++;
        return;
    }
    if (shim.n_logs >= SHIM_MAX_RECORDS) die("too many log lines");
    shim.log_level[shim.n_logs] = level;
    set_bytes(&shim.log_msg[shim.n_logs], mem + b->start, (size_t)b->len);
    shim.n_logs++;
}

void nd_ws_extism_log_info(uint64_t msg) { log_msg(SHIM_LOG_INFO, msg); }
void nd_ws_extism_log_debug(uint64_t msg) { log_msg(SHIM_LOG_DEBUG, msg); }
void nd_ws_extism_log_warn(uint64_t msg) { log_msg(SHIM_LOG_WARN, msg); }
void nd_ws_extism_log_error(uint64_t msg) { log_msg(SHIM_LOG_ERROR, msg); }

static uint64_t user(int func, uint64_t req)
{
    const shim_block *b = block_at(req);
    const char *resp;
    shim_bytes copy = {0, 0};
    if (!b) {
        shim.violations++;
        return 0;
    }
    if (shim.n_requests >= SHIM_MAX_RECORDS) die("too many requests");
    set_bytes(&copy, mem + b->start, (size_t)b->len);
    shim.request_func[shim.n_requests] = func;
    shim.request[shim.n_requests] = copy;
    shim.n_requests++;
    resp = ws_fn ? ws_fn(func, copy.ptr, copy.len, ws_ctx) : responses[func];
    if (!resp) return 0;
    return new_block((const unsigned char *)resp, strlen(resp));
}

uint64_t nd_ws_extism_websocket_connect(uint64_t req) { return user(SHIM_CONNECT, req); }
uint64_t nd_ws_extism_websocket_sendtext(uint64_t req) { return user(SHIM_SENDTEXT, req); }
uint64_t nd_ws_extism_websocket_sendbinary(uint64_t req) { return user(SHIM_SENDBINARY, req); }
uint64_t nd_ws_extism_websocket_closeconnection(uint64_t req) { return user(SHIM_CLOSE, req); }
