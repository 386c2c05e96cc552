/* nd_ws.h - Navidrome WebSocket plugins in C, as tiny Extism WebAssembly modules.
   Single header, no dependencies, MIT license (end of file).

   Navidrome runs plugins as Extism modules and calls four exports for every
   WebSocket event, each with a JSON input. nd_ws.h reads that input through the
   Extism host functions, checks and decodes it strictly (JSON, escapes, base64)
   and hands your C function a typed view. It also gives plugins the WebSocket
   host service (connect, send, close), plugin config and logging.

   QUICK START
     Do this in *one* C or C++ file of your plugin:

       #define ND_WS_IMPLEMENTATION
       #include "nd_ws.h"

       static const char *on_text(const nd_ws_text_message *m) {
           if (m->message.len == 0) return "empty message";   // an error
           return NULL;                                        // success
       }
       ND_WS_ON_TEXT_MESSAGE(on_text)

     Build (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32):

       clang --target=wasm32-wasi -mexec-model=reactor -Oz -mbulk-memory \
             -Wl,-z,stack-size=8192 -Wl,--strip-debug -o plugin.wasm plugin.c

     (-mbulk-memory makes copies one memory.copy instruction; the README has
     the details and an optional wasm-opt step.)

   CALLBACKS
     ND_WS_ON_TEXT_MESSAGE(fn)    const char *fn(const nd_ws_text_message *)
     ND_WS_ON_BINARY_MESSAGE(fn)  const char *fn(const nd_ws_binary_message *)
     ND_WS_ON_ERROR(fn)           const char *fn(const nd_ws_error *)
     ND_WS_ON_CLOSE(fn)           const char *fn(const nd_ws_close *)
     ND_WS_ON_INIT(fn)            const char *fn(void)  (export nd_on_init; its
                                  input, always {}, is not read)
     Use each at file scope, at most once. A handler returns NULL for success or
     a NUL-terminated error message (a literal, or text from nd_ws_alloc).
     Every string in the views is pointer + length (decoded text may contain
     NUL bytes) and is also NUL-terminated. Views and nd_ws_alloc memory live
     until the callback returns.

     Callbacks you don't register are still exported, as stubs that succeed
     without reading their input: Navidrome logs an error for every event whose
     export is missing. #define ND_WS_NO_DEFAULT_EXPORTS to export only what you
     register (smallest builds).

   ERRORS
     Bad input (malformed JSON, wrong type, missing field, invalid base64),
     memory exhaustion and handler errors all end the same way: the
     handler is not called (for bad input), error_set gets a message such as
       nd_ws: nd_websocket_on_binary_message: field "data": invalid base64 at character 17
     the output is {"error":"<the same message, JSON-escaped>"} and the export
     returns 1. Success returns 0 with the output {"error":null}.
     UTF-8 is not checked, either way: bytes from 0x80 up in strings reach
     your handler, and go into what you send, as they are. (Go sends only
     valid UTF-8, and reads invalid UTF-8 you send as U+FFFD per byte.)

   HOST SERVICE, CONFIG, LOGGING  (see the declarations below)
     nd_ws_connect, nd_ws_send_text, nd_ws_send_binary, nd_ws_close_connection
     return NULL on success or the host's error text. A plugin that never calls
     them does not import them (Navidrome refuses to load a plugin that imports
     them without the websocket permission).
     nd_ws_config_get, nd_ws_log_info/_debug/_warn/_error.

   MEMORY
     One arena, reset at the start of every callback; nothing else is
     allocated. By default it takes fresh pages with memory.grow when it needs
     them and reuses them in later calls of the same instance; it never touches
     memory that malloc owns, so your own malloc/free keep working (just never
     free() arena memory). Exhaustion is reported as an error, never a trap.

   CONFIGURATION (define before the implementation include)
     ND_WS_STATIC              all public functions static (single-file plugins)
     ND_WS_NO_DEFAULT_EXPORTS  see CALLBACKS
     ND_WS_ARENA_SIZE n        a fixed static arena of n bytes instead of growing
                               memory (native builds: default 256 MiB, static)

   NATIVE BUILDS (unit tests)
     Outside wasm the Extism imports are plain extern functions named
     nd_ws_extism_<import> (declared below): link a host shim that defines the
     ones your code uses, and call the exports by their export names.
*/
#ifndef ND_WS_H
#define ND_WS_H

#include <stddef.h>
#include <stdint.h>

#ifdef ND_WS_STATIC
#define ND_WS_DEF static ND_WS__UNUSED
#else
#define ND_WS_DEF extern
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ND_WS__UNUSED __attribute__((unused))
#define ND_WS__WEAK __attribute__((weak))
#else
#define ND_WS__UNUSED
#define ND_WS__WEAK
#endif

#ifdef __cplusplus
#define ND_WS__EXTERN_C extern "C"
extern "C" {
#else
#define ND_WS__EXTERN_C
#endif

/* A decoded string: len bytes at ptr, followed by a NUL byte. */
typedef struct nd_ws_str { const char *ptr; size_t len; } nd_ws_str;
/* Decoded binary data: len bytes at ptr (also followed by a NUL byte). */
typedef struct nd_ws_bytes { const unsigned char *ptr; size_t len; } nd_ws_bytes;

typedef struct nd_ws_text_message { nd_ws_str connection_id; nd_ws_str message; } nd_ws_text_message;
typedef struct nd_ws_binary_message { nd_ws_str connection_id; nd_ws_bytes data; } nd_ws_binary_message;
typedef struct nd_ws_error { nd_ws_str connection_id; nd_ws_str error; } nd_ws_error;
typedef struct nd_ws_close { nd_ws_str connection_id; nd_ws_str reason; int32_t code; } nd_ws_close;

/* One HTTP header for nd_ws_connect. */
typedef struct nd_ws_header { const char *name; const char *value; } nd_ws_header;

/* n bytes from the arena, 8-byte aligned, valid until the callback returns;
   NULL when memory is exhausted. */
ND_WS_DEF void *nd_ws_alloc(size_t n);

/* The WebSocket host service. Each returns NULL on success, else an error
   message (the host's own text, or nd_ws's when the request could not be made).
   connect: headers may be NULL (n_headers 0); connection_id may be "" or NULL
   for a host-generated id; the id the host assigned goes to *new_id if not NULL. */
ND_WS_DEF const char *nd_ws_connect(const char *url, const nd_ws_header *headers, size_t n_headers,
                                    const char *connection_id, nd_ws_str *new_id);
ND_WS_DEF const char *nd_ws_send_text(const char *connection_id, const char *text, size_t len);
ND_WS_DEF const char *nd_ws_send_binary(const char *connection_id, const void *data, size_t len);
ND_WS_DEF const char *nd_ws_close_connection(const char *connection_id, int32_t code, const char *reason);

/* The plugin config value for key; .ptr is NULL when the key is not set. */
ND_WS_DEF nd_ws_str nd_ws_config_get(const char *key);

/* Log a NUL-terminated message through the host. */
ND_WS_DEF void nd_ws_log_info(const char *msg);
ND_WS_DEF void nd_ws_log_debug(const char *msg);
ND_WS_DEF void nd_ws_log_warn(const char *msg);
ND_WS_DEF void nd_ws_log_error(const char *msg);

/* ---- The Extism host ABI ------------------------------------------------
   In wasm these are imports; natively, extern functions for a host shim.
   wasm-ld imports only what the linked code calls. */
#if defined(__wasm__)
#define ND_WS__IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))
#define ND_WS__EXPORT(name) __attribute__((export_name(name)))
#else
#define ND_WS__IMPORT(mod, name)
#define ND_WS__EXPORT(name)
#endif
#define ND_WS__ENV(name) ND_WS__IMPORT("extism:host/env", name)
#define ND_WS__USER(name) ND_WS__IMPORT("extism:host/user", name)

ND_WS__ENV("input_length") uint64_t nd_ws_extism_input_length(void);
ND_WS__ENV("input_load_u8") uint32_t nd_ws_extism_input_load_u8(uint64_t offset);
ND_WS__ENV("input_load_u64") uint64_t nd_ws_extism_input_load_u64(uint64_t offset);
ND_WS__ENV("alloc") uint64_t nd_ws_extism_alloc(uint64_t n);
ND_WS__ENV("length") uint64_t nd_ws_extism_length(uint64_t handle);
ND_WS__ENV("load_u8") uint32_t nd_ws_extism_load_u8(uint64_t at);
ND_WS__ENV("load_u64") uint64_t nd_ws_extism_load_u64(uint64_t at);
ND_WS__ENV("store_u8") void nd_ws_extism_store_u8(uint64_t at, uint32_t v);
ND_WS__ENV("store_u64") void nd_ws_extism_store_u64(uint64_t at, uint64_t v);
ND_WS__ENV("output_set") void nd_ws_extism_output_set(uint64_t handle, uint64_t n);
ND_WS__ENV("error_set") void nd_ws_extism_error_set(uint64_t handle);
ND_WS__ENV("config_get") uint64_t nd_ws_extism_config_get(uint64_t key);
ND_WS__ENV("log_info") void nd_ws_extism_log_info(uint64_t msg);
ND_WS__ENV("log_debug") void nd_ws_extism_log_debug(uint64_t msg);
ND_WS__ENV("log_warn") void nd_ws_extism_log_warn(uint64_t msg);
ND_WS__ENV("log_error") void nd_ws_extism_log_error(uint64_t msg);
ND_WS__USER("websocket_connect") uint64_t nd_ws_extism_websocket_connect(uint64_t req);
ND_WS__USER("websocket_sendtext") uint64_t nd_ws_extism_websocket_sendtext(uint64_t req);
ND_WS__USER("websocket_sendbinary") uint64_t nd_ws_extism_websocket_sendbinary(uint64_t req);
ND_WS__USER("websocket_closeconnection") uint64_t nd_ws_extism_websocket_closeconnection(uint64_t req);

/* ---- Callback registration ----------------------------------------------
   A registered callback is a function nd_ws__user_<export>; the default
   exports call it through a weak reference, so an unregistered callback costs
   only a stub and pulls in none of its decoding code. */
/* The decoded fields, in the layout each view has: the two strings, then
   the int32 (the views start alike), then room for strings that are no
   field (keys, unknown values). */
typedef union nd_ws__event {
    struct { nd_ws_str s[2]; int32_t code; nd_ws_str other; } f;
    nd_ws_text_message text;
    nd_ws_binary_message binary;
    nd_ws_error error;
    nd_ws_close close;
} nd_ws__event;
/* Decodes a base64 field in place; passed in only by the binary callback, so
   plugins without one link no base64 decoder. */
typedef int (*nd_ws__decoder)(nd_ws_str *s, size_t *bad);
enum { ND_WS__TEXT, ND_WS__BINARY, ND_WS__ERROR, ND_WS__CLOSE, ND_WS__INIT, ND_WS__RESPONSE };

/* Reset the arena, read and decode the input of callback `kind`; NULL when
   the input was rejected (the error is already reported). */
ND_WS_DEF nd_ws__event *nd_ws__begin(int kind, const char *where, nd_ws__decoder b64);
ND_WS_DEF int nd_ws__unbase64(nd_ws_str *s, size_t *bad);
/* Report the handler's result: 0 for success, 1 after reporting err. */
ND_WS_DEF int32_t nd_ws__end(const char *where, const char *err);

#ifdef ND_WS_NO_DEFAULT_EXPORTS
#define ND_WS__ENTRY(exp) ND_WS__EXTERN_C ND_WS__EXPORT(#exp) int32_t exp(void)
#else
#define ND_WS__ENTRY(exp) ND_WS__EXTERN_C int32_t nd_ws__user_##exp(void)
#endif

/* The body every callback shares: decode the input into e_, call the
   handler with its view, report its result. */
#define ND_WS__ON(exp, kind, view, b64, fn) \
    ND_WS__ENTRY(exp) { \
        nd_ws__event *e_ = nd_ws__begin(kind, #exp, b64); \
        return e_ ? nd_ws__end(#exp, fn(&e_->view)) : 1; }
#define ND_WS_ON_TEXT_MESSAGE(fn) ND_WS__ON(nd_websocket_on_text_message, ND_WS__TEXT, text, 0, fn)
#define ND_WS_ON_BINARY_MESSAGE(fn) \
    ND_WS__ON(nd_websocket_on_binary_message, ND_WS__BINARY, binary, nd_ws__unbase64, fn)
#define ND_WS_ON_ERROR(fn) ND_WS__ON(nd_websocket_on_error, ND_WS__ERROR, error, 0, fn)
#define ND_WS_ON_CLOSE(fn) ND_WS__ON(nd_websocket_on_close, ND_WS__CLOSE, close, 0, fn)
#define ND_WS_ON_INIT(fn) \
    ND_WS__EXTERN_C ND_WS__EXPORT("nd_on_init") int32_t nd_on_init(void) { \
        if (!nd_ws__begin(ND_WS__INIT, "nd_on_init", 0)) return 1; \
        return nd_ws__end("nd_on_init", fn()); }

#ifndef ND_WS_NO_DEFAULT_EXPORTS
ND_WS__EXPORT("nd_websocket_on_text_message") int32_t nd_websocket_on_text_message(void);
ND_WS__EXPORT("nd_websocket_on_binary_message") int32_t nd_websocket_on_binary_message(void);
ND_WS__EXPORT("nd_websocket_on_error") int32_t nd_websocket_on_error(void);
ND_WS__EXPORT("nd_websocket_on_close") int32_t nd_websocket_on_close(void);
#endif
int32_t nd_on_init(void);

#ifdef __cplusplus
}
#endif
#endif /* ND_WS_H */

/* ======================================================================== */
#ifdef ND_WS_IMPLEMENTATION
#undef ND_WS_IMPLEMENTATION /* instantiate once, even if included again */

#ifdef __cplusplus
extern "C" {
#endif

#define ND_WS__PRIVATE static ND_WS__UNUSED
#define ND_WS__DIGIT(c) ((unsigned)(c) - '0' < 10u)

/* ---- Arena ---------------------------------------------------------------
   Input is decoded in place, so one arena of about the input's size serves
   a whole callback; resetting it is the only "free". Text nd_ws writes
   (messages, output, requests) is appended at its top, piece by piece. */
#if !defined(ND_WS_ARENA_SIZE) && !defined(__wasm__)
#define ND_WS_ARENA_SIZE (256u << 20)
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ND_WS__ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ND_WS__ASAN 1
#endif
#ifdef ND_WS__ASAN
/* Poisoning what is not handed out lets AddressSanitizer catch a read past
   any allocation, as if each were its own malloc. */
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define ND_WS__POISON(p, n) __asan_poison_memory_region((p), (n))
#define ND_WS__UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define ND_WS__POISON(p, n) ((void)0)
#define ND_WS__UNPOISON(p, n) ((void)0)
#endif

/* base..top in use, top..end free. text: where the text being appended
   began (NULL when none is); broken: an append to it failed. */
static struct { unsigned char *base, *top, *end, *text; int broken; } nd_ws__arena;

/* The first region: all there is of a fixed arena. A growing arena starts
   with room for a message, so that running out of memory can be reported
   even when memory cannot grow at all. */
#ifdef ND_WS_ARENA_SIZE
static unsigned char nd_ws__arena_mem[ND_WS_ARENA_SIZE];
#else
static unsigned char nd_ws__arena_mem[256];
#endif

ND_WS__PRIVATE void nd_ws__reset(void)
{
    if (!nd_ws__arena.base) {
        nd_ws__arena.base = nd_ws__arena.top = nd_ws__arena_mem;
        nd_ws__arena.end = nd_ws__arena_mem + sizeof nd_ws__arena_mem;
        ND_WS__POISON(nd_ws__arena_mem, sizeof nd_ws__arena_mem);
    }
    ND_WS__POISON(nd_ws__arena.base, (size_t)(nd_ws__arena.top - nd_ws__arena.base));
    nd_ws__arena.top = nd_ws__arena.base;
    nd_ws__arena.text = 0;
}

/* n bytes at the top, unaligned; NULL (and broken) when memory is exhausted. */
ND_WS__PRIVATE unsigned char *nd_ws__take(size_t n)
{
    unsigned char *p = nd_ws__arena.top;
    if (n > (size_t)(nd_ws__arena.end - p)) {
#ifndef ND_WS_ARENA_SIZE
        /* Grow in place while the arena owns the end of memory; else (the
           first region, or malloc has grown memory since) start a new region
           at the end and take the text being appended along. Memory that
           malloc owns is never touched. */
        unsigned char *mem = (unsigned char *)(__builtin_wasm_memory_size(0) << 16), *text = nd_ws__arena.text;
        int moves = mem != nd_ws__arena.end;
        size_t keep = moves && text ? (size_t)(p - text) : 0, pages;
        if (n >> 31) goto fail;
        pages = ((moves ? n + keep : n - (size_t)(mem - p)) + 0xffff) >> 16;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) goto fail;
        if (moves) {
            if (text) __builtin_memcpy(nd_ws__arena.text = mem, text, keep);
            nd_ws__arena.base = mem;
            p = mem + keep;
        }
        nd_ws__arena.end = mem + (pages << 16);
#else
        goto fail;
#endif
    }
    nd_ws__arena.top = p + n;
    ND_WS__UNPOISON(p, n);
    return p;
fail:
    nd_ws__arena.broken = 1;
    return 0;
}

ND_WS_DEF void *nd_ws_alloc(size_t n)
{
    nd_ws__take((size_t)(-(uintptr_t)nd_ws__arena.top & 7)); /* align to 8 */
    return n >> 31 ? 0 : nd_ws__take(n);
}

ND_WS__PRIVATE size_t nd_ws__strlen(const char *s)
{
    size_t n = 0;
    while (s && s[n]) n++;
    return n;
}

ND_WS__PRIVATE void nd_ws__app(const void *s, size_t n)
{
    unsigned char *d = nd_ws__take(n);
    if (d) __builtin_memcpy(d, s, n);
}

ND_WS__PRIVATE void nd_ws__apps(const char *s) { nd_ws__app(s, nd_ws__strlen(s)); }

/* u in decimal */
ND_WS__PRIVATE void nd_ws__app_dec(uint32_t u)
{
    unsigned char *d;
    if (u > 9) nd_ws__app_dec(u / 10);
    if ((d = nd_ws__take(1))) *d = (unsigned char)('0' + u % 10);
}

/* s as the inside of a JSON string: '"', '\' and control characters
   escaped. Other bytes go as they are: Go's decoder on the host side turns
   invalid UTF-8 into U+FFFD, byte by byte. */
ND_WS__PRIVATE void nd_ws__app_json(const char *str, size_t n)
{
    static char esc[6] = {'\\', 'u', '0', '0'}; /* static: no stack frame */
    const unsigned char *s = (const unsigned char *)str, *end = s + n, *run = s;
    for (; s < end; s++) {
        unsigned c = *s;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        nd_ws__app(run, (size_t)(s - run));
        run = s + 1;
        esc[1] = (char)(c < 0x20 ? 'u' : c);
        esc[4] = (char)('0' + (c >> 4));
        esc[5] = "0123456789abcdef"[c & 15];
        nd_ws__app(esc, c < 0x20 ? 6 : 2);
    }
    nd_ws__app(run, (size_t)(s - run));
}

/* ---- Extism blocks ------------------------------------------------------ */

/* The whole input (h = 0: the input has no handle) or block h, n bytes,
   copied into the arena with a NUL after them. Hosts differ on reads past
   the end (0, or a thrown RangeError), so none is ever made. */
ND_WS__PRIVATE unsigned char *nd_ws__read(uint64_t h, uint64_t n)
{
    unsigned char *buf = n >> 31 ? 0 : nd_ws__take((size_t)n + 1);
    uint64_t i = 0, v;
    if (!buf) return 0;
    for (; i + 8 <= n; i += 8) {
        v = h ? nd_ws_extism_load_u64(h + i) : nd_ws_extism_input_load_u64(i);
        __builtin_memcpy(buf + i, &v, 8);
    }
    for (; i < n; i++) buf[i] = (unsigned char)(h ? nd_ws_extism_load_u8(h + i) : nd_ws_extism_input_load_u8(i));
    buf[n] = 0; /* where the scanner stops */
    return buf;
}

/* A new block holding n bytes of p; 0 for n = 0 (the Rust kernel's alloc(0)
   is 0 too) or when the host is out of memory. */
ND_WS__PRIVATE uint64_t nd_ws__block(const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t h = n ? nd_ws_extism_alloc(n) : 0, v;
    size_t i = 0;
    for (; h && i + 8 <= n; i += 8) {
        __builtin_memcpy(&v, s + i, 8);
        nd_ws_extism_store_u64(h + i, v);
    }
    for (; h && i < n; i++) nd_ws_extism_store_u8(h + i, s[i]);
    return h;
}

ND_WS__PRIVATE void nd_ws__begin_text(void)
{
    nd_ws__arena.text = nd_ws__arena.top;
    nd_ws__arena.broken = 0;
}

/* The text appended since nd_ws__begin_text, NUL-terminated, with its
   length; NULL when it could not be appended whole. */
ND_WS__PRIVATE char *nd_ws__done(size_t *n)
{
    unsigned char *text;
    nd_ws__app("", 1);
    text = nd_ws__arena.text;
    nd_ws__arena.text = 0;
    *n = (size_t)(nd_ws__arena.top - text) - 1;
    return nd_ws__arena.broken ? 0 : (char *)text;
}

/* ---- JSON ------------------------------------------------------------------
   One iterative pass: a bit per nesting level (in the arena) replaces
   recursion, so depth costs no C stack and time stays linear. Strings are
   unescaped in place (decoded text is never longer than its escaped form);
   the fields of the callback are picked out at depth 1. */

/* Field names, NUL-separated; a field is named by its offset here. */
static const char nd_ws__names[] = "connectionId\0message\0data\0error\0reason\0code\0newConnectionId";
enum { ND_WS__F_ID = 0, ND_WS__F_MESSAGE = 13, ND_WS__F_DATA = 21, ND_WS__F_ERROR = 26,
       ND_WS__F_REASON = 32, ND_WS__F_CODE = 39, ND_WS__F_NEWID = 44 };

/* What went wrong (E_*, syntax errors first) and field types (T_*), each
   named by the offset of its text here. The texts are built up one by one
   so the offsets can be taken with sizeof. */
#define ND_WS__X1 ""
#define ND_WS__X2 ND_WS__X1 "\0unexpected end of input"
#define ND_WS__X3 ND_WS__X2 "\0unexpected character"
#define ND_WS__X4 ND_WS__X3 "\0invalid number"
#define ND_WS__X5 ND_WS__X4 "\0control character in string"
#define ND_WS__X6 ND_WS__X5 "\0invalid escape"
#define ND_WS__X7 ND_WS__X6 "\0expected "
#define ND_WS__X8 ND_WS__X7 "\0invalid base64"
#define ND_WS__X9 ND_WS__X8 "\0missing field \""
#define ND_WS__X10 ND_WS__X9 "\0out of memory"
#define ND_WS__X11 ND_WS__X10 "\0a string"
#define ND_WS__X12 ND_WS__X11 "\0an integer in int32 range"
#define ND_WS__X13 ND_WS__X12 "\0base64 or null"
#define ND_WS__X14 ND_WS__X13 "\0a string or null"
static const char nd_ws__texts[] = ND_WS__X14;
enum { ND_WS__E_EOF = sizeof ND_WS__X1, ND_WS__E_CHAR = sizeof ND_WS__X2, ND_WS__E_NUMBER = sizeof ND_WS__X3,
       ND_WS__E_CONTROL = sizeof ND_WS__X4, ND_WS__E_ESCAPE = sizeof ND_WS__X5, ND_WS__E_TYPE = sizeof ND_WS__X6,
       ND_WS__E_BASE64 = sizeof ND_WS__X7, ND_WS__E_MISSING = sizeof ND_WS__X8, ND_WS__E_MEMORY = sizeof ND_WS__X9,
       /* from B64 on, null is allowed (Go writes a nil byte slice as null;
          host responses may hold null), and OPT fields may be missing */
       ND_WS__T_NONE = 0, ND_WS__T_STR = sizeof ND_WS__X10, ND_WS__T_INT = sizeof ND_WS__X11,
       ND_WS__T_B64 = sizeof ND_WS__X12, ND_WS__T_OPT = sizeof ND_WS__X13 };

/* Per kind, up to three fields {name, type}: the first two land in
   ev->f.s[0] and ev->f.s[1], an int32 in ev->f.code. */
static const unsigned char nd_ws__spec[6][3][2] = {
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_MESSAGE, ND_WS__T_STR}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_DATA, ND_WS__T_B64}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_ERROR, ND_WS__T_STR}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_REASON, ND_WS__T_STR}, {ND_WS__F_CODE, ND_WS__T_INT}},
    {{0, 0}},
    {{ND_WS__F_ERROR, ND_WS__T_OPT}, {ND_WS__F_NEWID, ND_WS__T_OPT}},
};

/* The last rejection: what (E_*), which field of which expected type, and
   where (a byte of the input, or a character of a base64 value); pos and
   end are the culprit and the end of the text scanned. Also the value of
   the last number scanned, and whether it is outside int32. */
static struct {
    int code, field, type;
    size_t at;
    const unsigned char *pos, *end;
    int32_t num;
    int big;
} nd_ws__e;

/* Record a rejection at pos (at the end, the end is at fault); returns NULL
   for the scanners to pass on. */
ND_WS__PRIVATE unsigned char *nd_ws__fail(int code, const unsigned char *pos)
{
    nd_ws__e.code = pos == nd_ws__e.end ? ND_WS__E_EOF : code;
    nd_ws__e.pos = pos;
    return 0;
}

/* The scanner relies on the NUL that nd_ws__read puts after the input: a
   NUL ends every token, so no bound is ever checked; the one at `end` is
   the end of input, one anywhere else an error anyway. */
ND_WS__PRIVATE unsigned char *nd_ws__ws(unsigned char *p)
{
    while (*p <= ' ' && 0x100002600ull >> *p & 1) p++; /* space, \t, \n, \r */
    return p;
}

/* The string whose opening quote is at p, unescaped in place and
   NUL-terminated; returns the end of its JSON text, or NULL. Bytes from
   0x80 up are copied as they are (Go only ever sends valid UTF-8). */
ND_WS__PRIVATE unsigned char *nd_ws__str(unsigned char *p, nd_ws_str *out)
{
    static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    unsigned char *d = ++p;
    uint32_t c, hi = 0, lo, k;
    out->ptr = (const char *)p;
    for (;;) {
        lo = hi;
        hi = 0;
        if ((c = *p++) == '"') break;
        if (c < 0x20) return nd_ws__fail(ND_WS__E_CONTROL, p - 1);
        if (c == '\\') {
            c = *p++;
            if (c == 'u') {
                for (c = 0, k = 4; k--;) {
                    unsigned x = *p++, v = x - '0';
                    if (v > 9 && (v = (x | 32) - 'a' + 10) - 10 > 5) return nd_ws__fail(ND_WS__E_ESCAPE, p - 1);
                    c = c << 4 | v;
                }
                /* A surrogate pair is one code point. A lone surrogate becomes
                   U+FFFD, as in Go's decoder: a high one is written as such
                   and overwritten if its low half follows. */
                if (lo && c >> 10 == 0x37) {
                    c = 0x10000 + ((lo - 0xd800) << 10) + (c - 0xdc00);
                    d -= 3;
                } else if (c >> 10 == 0x36) {
                    hi = c;
                }
                if (c >> 11 == 0x1b) c = 0xfffd;
                k = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
                *d++ = (unsigned char)((0xf0e0c000u >> 8 * k & 0xff) | c >> 6 * k);
                while (k--) *d++ = (unsigned char)(0x80 | (c >> 6 * k & 63));
                continue;
            }
            for (k = 0; esc[k] && (unsigned char)esc[k] != c; k += 2) {}
            if (!esc[k]) return nd_ws__fail(ND_WS__E_ESCAPE, p - 1);
            c = (unsigned char)esc[k + 1];
        }
        *d++ = (unsigned char)c;
    }
    *d = 0;
    out->len = (size_t)(d - (unsigned char *)out->ptr);
    return p;
}

/* The end of the run of digits at p, or NULL if there is none. */
ND_WS__PRIVATE unsigned char *nd_ws__digits(unsigned char *p)
{
    unsigned char *q = p;
    while (ND_WS__DIGIT(*p)) p++;
    return p == q ? nd_ws__fail(ND_WS__E_NUMBER, p) : p;
}

/* The number at p per RFC 8259; returns its end, or NULL. nd_ws__e.big is
   0 when it is an integer in int32 range, and then nd_ws__e.num is its value. */
ND_WS__PRIVATE unsigned char *nd_ws__num(unsigned char *p)
{
    uint32_t x = 0, neg = *p == '-', big = 0;
    unsigned char *q = p += neg;
    if (!(p = nd_ws__digits(p))) return 0;
    if (*q == '0' && p > q + 1) return nd_ws__fail(ND_WS__E_NUMBER, q + 1); /* no leading zeros */
    for (; q < p; q++) {
        big |= x > 214748364; /* another digit may not fit */
        x = x * 10 + (*q - '0');
    }
    if (*p == '.' && !(big = 1, p = nd_ws__digits(p + 1))) return 0;
    if ((*p | 32) == 'e' && !(big = 1, p = nd_ws__digits(p + 1 + (p[1] == '+' || p[1] == '-')))) return 0;
    nd_ws__e.big = big | (x > 0x7fffffffu + neg);
    nd_ws__e.num = (int32_t)(neg ? 0u - x : x);
    return p;
}

/* The 6-bit value of base64 character c, or -1. Range tests without
   branches: random data would defeat a branch predictor. */
ND_WS__PRIVATE int nd_ws__b64val(int c)
{
    return -1 + ((((64 - c) & (c - 91)) >> 8) & (c - 64)) + ((((96 - c) & (c - 123)) >> 8) & (c - 70)) +
           ((((47 - c) & (c - 58)) >> 8) & (c + 5)) + ((((42 - c) & (c - 44)) >> 8) & 63) +
           ((((46 - c) & (c - 48)) >> 8) & 64);
}

/* Strict RFC 4648 standard base64, decoded in place: length a multiple of 4,
   '=' only as final padding, pad bits zero, so every accepted string is the
   one encoding of its bytes. On error *bad is the offending character. */
ND_WS_DEF int nd_ws__unbase64(nd_ws_str *s, size_t *bad)
{
    unsigned char *p = (unsigned char *)s->ptr, *d = p;
    size_t n = s->len, i, pad = n && p[n - 1] == '=';
    uint32_t v = 0, bits = 0;
    if (n % 4) return *bad = n, 0;
    pad += pad && p[n - 2] == '=';
    for (i = 0; i < n - pad; i++) {
        int x = nd_ws__b64val(p[i]);
        if (x < 0) return *bad = i, 0;
        v = v << 6 | (uint32_t)x;
        if ((bits += 6) >= 8) *d++ = (unsigned char)(v >> (bits -= 8));
    }
    if (v & ((1u << bits) - 1)) return *bad = i - 1, 0; /* the bits padding leaves over */
    *d = 0;
    s->len = (size_t)(d - p);
    return 1;
}

ND_WS__PRIVATE int nd_ws__name_is(int name, const nd_ws_str *key)
{
    const char *n = nd_ws__names + name;
    size_t i;
    for (i = 0; n[i] == key->ptr[i]; i++) /* both end in NUL; a key may also hold one */
        if (!n[i]) return i == key->len;
    return 0;
}

/* Scan the len bytes at p (a NUL after them) as the input of callback kind;
   0 when valid, with the fields in ev, else the error code (see nd_ws__e). */
ND_WS__PRIVATE int nd_ws__parse(int kind, unsigned char *p, size_t len, nd_ws__event *ev, nd_ws__decoder b64)
{
    unsigned char *start = p, *end = p + len, *bits = nd_ws__take(len / 8 + 1), *at;
    const unsigned char(*spec)[2] = nd_ws__spec[kind];
    unsigned depth = 0, seen = 0, f = 3, type = 0, obj;
    int code;

    ev->f.s[0].ptr = ev->f.s[1].ptr = "";
    ev->f.s[0].len = ev->f.s[1].len = 0;
    nd_ws__e.end = end;
    if (!bits) return nd_ws__e.at = len, nd_ws__e.code = ND_WS__E_MEMORY; /* "input size" len */
value: /* a value at p; at depth 1, of field f (if f < 3) */
    at = p = nd_ws__ws(p);
    if (!depth && *p != '{') goto fail; /* the input must be an object */
    if (*p == '{' || *p == '[') {
        if (type) goto wrong_type;
        obj = *p == '{';
        bits[depth / 8] = (unsigned char)((bits[depth / 8] & ~(1u << depth % 8)) | obj << depth % 8);
        depth++;
        p = nd_ws__ws(p + 1);
        if (*p == ']' + 32 * obj) goto pop; /* {} or [] */
        if (obj) goto key;
        goto value;
    }
    if (*p == '"') {
        if (type == ND_WS__T_INT) goto wrong_type;
        if (!(p = nd_ws__str(p, type ? &ev->f.s[f] : &ev->f.other))) goto fail_e;
        if (type == ND_WS__T_B64 && b64 && !b64(&ev->f.s[f], &nd_ws__e.at)) {
            code = ND_WS__E_BASE64;
            goto field;
        }
    } else if (*p == '-' || ND_WS__DIGIT(*p)) {
        if (type && type != ND_WS__T_INT) goto wrong_type;
        if (!(p = nd_ws__num(p))) goto fail_e;
        if (type && nd_ws__e.big) goto wrong_type;
        if (type) ev->f.code = nd_ws__e.num;
    } else {
        const char *l = &"true\0false\0null"[*p == 't' ? 0 : *p == 'f' ? 5 : 11];
        while (*l && *p == (unsigned char)*l) p++, l++;
        if (*l) goto fail;
        if (type && (*at != 'n' || type < ND_WS__T_B64)) goto wrong_type;
        if (type) ev->f.s[f].ptr = "", ev->f.s[f].len = 0; /* null: a later duplicate resets the field */
    }
next: /* after a value inside a container */
    f = 3;
    type = 0;
    at = p = nd_ws__ws(p);
    obj = bits[(depth - 1) / 8] >> (depth - 1) % 8 & 1;
    if (*p == ',') {
        p++;
        if (obj) goto key;
        goto value;
    }
    if (*p != ']' + 32 * obj) goto fail;
pop:
    p++;
    if (--depth) goto next;
    at = p = nd_ws__ws(p);
    if (p != end) goto fail;
    for (f = 0; f < 3; f++)
        if (spec[f][1] && spec[f][1] != ND_WS__T_OPT && !(seen >> f & 1)) {
            code = ND_WS__E_MISSING;
            goto field;
        }
    return 0;
key: /* a key and its ':' */
    at = p = nd_ws__ws(p);
    if (*p != '"') goto fail;
    if (!(p = nd_ws__str(p, &ev->f.other))) goto fail_e;
    /* At depth 1 a key may name a field of the callback: the value that
       follows is checked against its type and kept. */
    for (f = 0; f < 3 && (depth != 1 || !spec[f][1] || !nd_ws__name_is(spec[f][0], &ev->f.other)); f++) {}
    type = f < 3 ? spec[f][1] : 0;
    seen |= 1u << f;
    at = p = nd_ws__ws(p);
    if (*p != ':') goto fail;
    p++;
    goto value;

wrong_type: /* at: where the value starts */
    code = ND_WS__E_TYPE;
    goto at_field;
fail:
    nd_ws__fail(ND_WS__E_CHAR, at);
fail_e: /* the error nd_ws__fail recorded */
    code = nd_ws__e.code;
    at = (unsigned char *)nd_ws__e.pos;
    f = 3;
at_field:
    nd_ws__e.at = (size_t)(at - start);
field:
    nd_ws__e.field = f < 3 ? spec[f][0] : 0;
    nd_ws__e.type = (int)type;
    return nd_ws__e.code = code;
}

/* ---- Callbacks -------------------------------------------------------------
   A failure is reported as "nd_ws: <where>: <detail>" through error_set
   (what the Rust kernel and the JS SDK act on) and as the seed schema's
   output {"error":"<message>"}. */

/* "nd_ws: <where>: <detail>", then what nd_ws__e says if e, at the top of
   the arena; NULL when it does not fit. */
ND_WS__PRIVATE char *nd_ws__message(const char *where, const char *detail, int e, size_t *n)
{
    int c = e ? nd_ws__e.code : 0;
    const char *field = nd_ws__names + nd_ws__e.field;
    nd_ws__begin_text();
    nd_ws__apps("nd_ws: ");
    nd_ws__apps(where);
    nd_ws__apps(": ");
    nd_ws__apps(detail);
    if (c) {
        if (c < ND_WS__E_TYPE) nd_ws__apps("invalid JSON: ");
        else if (c < ND_WS__E_MISSING) {
            nd_ws__apps("field \"");
            nd_ws__apps(field);
            nd_ws__apps("\": ");
        }
        nd_ws__apps(nd_ws__texts + c);
        if (c == ND_WS__E_TYPE) nd_ws__apps(nd_ws__texts + nd_ws__e.type);
        if (c == ND_WS__E_MISSING) {
            nd_ws__apps(field);
            nd_ws__apps("\"");
        } else {
            nd_ws__apps(c == ND_WS__E_BASE64 ? " at character " : c == ND_WS__E_MEMORY ? ": input size " : " at byte ");
            nd_ws__app_dec((uint32_t)nd_ws__e.at);
        }
    }
    return nd_ws__done(n);
}

/* Report a failure of export `where`; returns 1, the export's result. */
ND_WS__PRIVATE int32_t nd_ws__report(const char *where, const char *detail, int e)
{
    size_t n;
    char *msg = nd_ws__message(where, detail, e, &n);
    uint64_t h;
    if (!msg) {
        /* No room even for the message: the handler kept its error text in
           a full arena (or a fixed arena is tiny). Report what there is. */
        msg = (char *)(e ? "nd_ws: out of memory" : detail);
        n = nd_ws__strlen(msg);
    }
    if (!(h = nd_ws__block(msg, n))) return 1; /* rc 1 still fails the call */
    nd_ws_extism_error_set(h);
    nd_ws__begin_text();
    nd_ws__app("{\"error\":\"", 10);
    nd_ws__app_json(msg, n);
    nd_ws__app("\"}", 2);
    if ((msg = nd_ws__done(&n)) && (h = nd_ws__block(msg, n))) nd_ws_extism_output_set(h, n);
    return 1;
}

ND_WS_DEF nd_ws__event *nd_ws__begin(int kind, const char *where, nd_ws__decoder b64)
{
    static nd_ws__event ev; /* the view, until the next callback */
    uint64_t n;
    unsigned char *in;
    nd_ws__reset();
    if (kind == ND_WS__INIT) return &ev;
    nd_ws__e.code = ND_WS__E_MEMORY;
    nd_ws__e.at = (size_t)(n = nd_ws_extism_input_length());
    if ((in = nd_ws__read(0, n)) && !nd_ws__parse(kind, in, (size_t)n, &ev, b64)) return &ev;
    nd_ws__reset(); /* the input is not needed any more: room for the message */
    nd_ws__report(where, "", 1);
    return 0;
}

ND_WS_DEF int32_t nd_ws__end(const char *where, const char *err)
{
    uint64_t h;
    if (err) {
        /* The views are done with: unless the handler kept its error text
           in the arena, all of it is room for the message. */
        if ((uintptr_t)err - (uintptr_t)nd_ws__arena.base >= (uintptr_t)(nd_ws__arena.top - nd_ws__arena.base))
            nd_ws__reset();
        return nd_ws__report(where, err, 0);
    }
    if ((h = nd_ws__block("{\"error\":null}", 14))) nd_ws_extism_output_set(h, 14);
    return 0;
}

#ifndef ND_WS_NO_DEFAULT_EXPORTS
#define ND_WS__DEFAULT(exp) \
    ND_WS__WEAK int32_t nd_ws__user_##exp(void); \
    int32_t exp(void) { return nd_ws__user_##exp ? nd_ws__user_##exp() : 0; }
ND_WS__DEFAULT(nd_websocket_on_text_message)
ND_WS__DEFAULT(nd_websocket_on_binary_message)
ND_WS__DEFAULT(nd_websocket_on_error)
ND_WS__DEFAULT(nd_websocket_on_close)
#undef ND_WS__DEFAULT
#endif

/* ---- Host service, config, logging -----------------------------------------
   Requests are JSON appended like messages; responses are read with the same
   scanner as callback input. */

/* ,"key":"<s JSON-escaped>" (key written with its punctuation) */
ND_WS__PRIVATE void nd_ws__app_str(const char *key, const char *s, size_t n)
{
    nd_ws__apps(key);
    nd_ws__app_json(s, n);
    nd_ws__app("\"", 1);
}

/* Standard padded base64: 3 bytes in, 4 characters out. */
ND_WS__PRIVATE void nd_ws__app_b64(const unsigned char *s, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char *d = nd_ws__take((n + 2) / 3 * 4);
    uint32_t v = 0, bits = 0;
    size_t i;
    if (!d) return;
    for (i = 0; i < n; i++)
        for (v = v << 8 | s[i], bits += 8; bits >= 6;) *d++ = (unsigned char)abc[v >> (bits -= 6) & 63];
    if (bits) *d++ = (unsigned char)abc[v << (6 - bits) & 63];
    while (n++ % 3) *d++ = '=';
}

/* Send the request appended since nd_ws__begin_req to host function fn (named where);
   NULL on success, else the host's error text or nd_ws's own message. The id
   the host assigned goes to *new_id. */
ND_WS__PRIVATE const char *nd_ws__call(uint64_t (*fn)(uint64_t), const char *where, nd_ws_str *new_id)
{
    nd_ws__event ev;
    size_t n;
    const char *req;
    uint64_t h;
    unsigned char *in;
    int e = 0;
    nd_ws__app("}", 1);
    if (!(req = nd_ws__done(&n)) || !(h = nd_ws__block(req, n))) return "nd_ws: out of memory";
    if ((h = fn(h))) {
        if (!(in = nd_ws__read(h, n = (size_t)nd_ws_extism_length(h)))) return "nd_ws: out of memory";
        if (!(e = nd_ws__parse(ND_WS__RESPONSE, in, n, &ev, 0))) {
            if (ev.f.s[0].len) return ev.f.s[0].ptr;
            if (new_id) *new_id = ev.f.s[1];
            return 0;
        }
    }
    req = nd_ws__message(where, e ? "invalid response: " : "no response from the host", e, &n);
    return req ? req : "nd_ws: out of memory";
}

/* {"connectionId":"<id>" */
ND_WS__PRIVATE void nd_ws__begin_req(const char *id)
{
    nd_ws__begin_text();
    nd_ws__app_str("{\"connectionId\":\"", id, nd_ws__strlen(id));
}

ND_WS_DEF const char *nd_ws_connect(const char *url, const nd_ws_header *headers, size_t n_headers,
                                    const char *connection_id, nd_ws_str *new_id)
{
    size_t i;
    if (!headers) n_headers = 0;
    nd_ws__begin_req(connection_id ? connection_id : "");
    nd_ws__app_str(",\"url\":\"", url, nd_ws__strlen(url));
    nd_ws__apps(n_headers ? ",\"headers\":" : ",\"headers\":null");
    for (i = 0; i < n_headers; i++) {
        nd_ws__app_str(i ? ",\"" : "{\"", headers[i].name, nd_ws__strlen(headers[i].name));
        nd_ws__app_str(":\"", headers[i].value, nd_ws__strlen(headers[i].value));
    }
    if (n_headers) nd_ws__apps("}");
    return nd_ws__call(nd_ws_extism_websocket_connect, "websocket_connect", new_id);
}

ND_WS_DEF const char *nd_ws_send_text(const char *connection_id, const char *text, size_t len)
{
    nd_ws__begin_req(connection_id);
    nd_ws__app_str(",\"message\":\"", text, len);
    return nd_ws__call(nd_ws_extism_websocket_sendtext, "websocket_sendtext", 0);
}

ND_WS_DEF const char *nd_ws_send_binary(const char *connection_id, const void *data, size_t len)
{
    nd_ws__begin_req(connection_id);
    nd_ws__apps(",\"data\":\"");
    nd_ws__app_b64((const unsigned char *)data, len);
    nd_ws__apps("\"");
    return nd_ws__call(nd_ws_extism_websocket_sendbinary, "websocket_sendbinary", 0);
}

ND_WS_DEF const char *nd_ws_close_connection(const char *connection_id, int32_t code, const char *reason)
{
    nd_ws__begin_req(connection_id);
    nd_ws__apps(code < 0 ? ",\"code\":-" : ",\"code\":");
    nd_ws__app_dec(code < 0 ? 0u - (uint32_t)code : (uint32_t)code);
    nd_ws__app_str(",\"reason\":\"", reason, nd_ws__strlen(reason));
    return nd_ws__call(nd_ws_extism_websocket_closeconnection, "websocket_closeconnection", 0);
}

ND_WS_DEF nd_ws_str nd_ws_config_get(const char *key)
{
    nd_ws_str v = {0, 0};
    uint64_t h = nd_ws__block(key, nd_ws__strlen(key));
    if (h && (h = nd_ws_extism_config_get(h))) {
        v.len = (size_t)nd_ws_extism_length(h);
        v.ptr = (const char *)nd_ws__read(h, v.len);
        if (!v.ptr) v.len = 0;
    }
    return v;
}

ND_WS__PRIVATE void nd_ws__log(void (*fn)(uint64_t), const char *msg)
{
    uint64_t h = nd_ws__block(msg, nd_ws__strlen(msg));
    if (h) fn(h);
}

ND_WS_DEF void nd_ws_log_info(const char *msg) { nd_ws__log(nd_ws_extism_log_info, msg); }
ND_WS_DEF void nd_ws_log_debug(const char *msg) { nd_ws__log(nd_ws_extism_log_debug, msg); }
ND_WS_DEF void nd_ws_log_warn(const char *msg) { nd_ws__log(nd_ws_extism_log_warn, msg); }
ND_WS_DEF void nd_ws_log_error(const char *msg) { nd_ws__log(nd_ws_extism_log_error, msg); }

#ifdef __cplusplus
}
#endif
#endif /* ND_WS_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 the nd_ws authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
