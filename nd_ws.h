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
     Bad input (malformed JSON, wrong type, missing field, invalid base64 or
     UTF-8), memory exhaustion and handler errors all end the same way: the
     handler is not called (for bad input), error_set gets a message such as
       nd_ws: nd_websocket_on_binary_message: field "data": invalid base64 at character 17
     the output is {"error":"<the same message, JSON-escaped>"} and the export
     returns 1. Success returns 0 with the output {"error":null}.
     Text you send is always written as valid JSON: invalid UTF-8 becomes
     U+FFFD, as the host's Go decoder would make it anyway.

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
typedef struct nd_ws_close { nd_ws_str connection_id; int32_t code; nd_ws_str reason; } nd_ws_close;

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
typedef struct nd_ws__event { nd_ws_str s[2]; int32_t code; } nd_ws__event;
/* Decodes a base64 field in place; passed in only by the binary callback, so
   plugins without one link no base64 decoder. */
typedef int (*nd_ws__decoder)(nd_ws_str *s, uint64_t *bad);
enum { ND_WS__TEXT, ND_WS__BINARY, ND_WS__ERROR, ND_WS__CLOSE, ND_WS__INIT, ND_WS__RESPONSE };

/* Reset the arena, read and decode the input of callback `kind`; non-zero
   when the input was rejected (the error is already reported). */
ND_WS_DEF int nd_ws__begin(int kind, nd_ws__event *ev, nd_ws__decoder b64);
ND_WS_DEF int nd_ws__unbase64(nd_ws_str *s, uint64_t *bad);
/* Report the handler's result: 0 for success, 1 after reporting err. */
ND_WS_DEF int32_t nd_ws__end(int kind, const char *err);

#ifdef ND_WS_NO_DEFAULT_EXPORTS
#define ND_WS__ENTRY(exp) ND_WS__EXTERN_C ND_WS__EXPORT(#exp) int32_t exp(void)
#else
#define ND_WS__ENTRY(exp) ND_WS__EXTERN_C int32_t nd_ws__user_##exp(void)
#endif

/* The body every callback shares: decode the input into e_, fill the typed
   view v_ from it, call the handler, report its result. */
#define ND_WS__ON(exp, kind, view_t, b64, fill, fn) \
    ND_WS__ENTRY(exp) { \
        nd_ws__event e_; view_t v_; \
        if (nd_ws__begin(kind, &e_, b64)) return 1; \
        fill; \
        return nd_ws__end(kind, fn(&v_)); }
#define ND_WS_ON_TEXT_MESSAGE(fn) \
    ND_WS__ON(nd_websocket_on_text_message, ND_WS__TEXT, nd_ws_text_message, 0, \
              (v_.connection_id = e_.s[0], v_.message = e_.s[1]), fn)
#define ND_WS_ON_BINARY_MESSAGE(fn) \
    ND_WS__ON(nd_websocket_on_binary_message, ND_WS__BINARY, nd_ws_binary_message, nd_ws__unbase64, \
              (v_.connection_id = e_.s[0], v_.data.ptr = (const unsigned char *)e_.s[1].ptr, \
               v_.data.len = e_.s[1].len), fn)
#define ND_WS_ON_ERROR(fn) \
    ND_WS__ON(nd_websocket_on_error, ND_WS__ERROR, nd_ws_error, 0, \
              (v_.connection_id = e_.s[0], v_.error = e_.s[1]), fn)
#define ND_WS_ON_CLOSE(fn) \
    ND_WS__ON(nd_websocket_on_close, ND_WS__CLOSE, nd_ws_close, 0, \
              (v_.connection_id = e_.s[0], v_.reason = e_.s[1], v_.code = e_.code), fn)
#define ND_WS_ON_INIT(fn) \
    ND_WS__EXTERN_C ND_WS__EXPORT("nd_on_init") int32_t nd_on_init(void) { \
        if (nd_ws__begin(ND_WS__INIT, 0, 0)) return 1; \
        return nd_ws__end(ND_WS__INIT, fn()); }

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
   began; broken: since then an append failed, or had to move the text's
   tail to a new region. */
static struct { unsigned char *base, *top, *end, *text; int broken; } nd_ws__arena;

#ifdef ND_WS_ARENA_SIZE
static unsigned char nd_ws__arena_mem[ND_WS_ARENA_SIZE];
#endif

ND_WS__PRIVATE void nd_ws__reset(void)
{
#ifdef ND_WS_ARENA_SIZE
    if (!nd_ws__arena.base) {
        nd_ws__arena.base = nd_ws__arena.top = nd_ws__arena_mem;
        nd_ws__arena.end = nd_ws__arena_mem + sizeof nd_ws__arena_mem;
        ND_WS__POISON(nd_ws__arena_mem, sizeof nd_ws__arena_mem);
    }
#endif
    ND_WS__POISON(nd_ws__arena.base, (size_t)(nd_ws__arena.top - nd_ws__arena.base));
    nd_ws__arena.top = nd_ws__arena.base;
}

/* n bytes at the top, unaligned; NULL (and broken) when memory is exhausted. */
ND_WS__PRIVATE unsigned char *nd_ws__take(size_t n)
{
    unsigned char *p = nd_ws__arena.top;
    size_t room = (size_t)(nd_ws__arena.end - p);
    if (n > room) {
#ifndef ND_WS_ARENA_SIZE
        /* Grow in place while the arena owns the end of memory; when
           something else (malloc) has grown it since, start a new region at
           the current end. Memory that malloc owns is never touched. */
        unsigned char *top = (unsigned char *)(__builtin_wasm_memory_size(0) << 16);
        size_t need = n - (top == nd_ws__arena.end ? room : 0), pages = (need >> 16) + 1;
        if (need >> 31 || __builtin_wasm_memory_grow(0, pages) == (size_t)-1) goto fail;
        if (top != nd_ws__arena.end) {
            /* A text begun in the old region can only move while empty. */
            nd_ws__arena.broken |= nd_ws__arena.text != p;
            nd_ws__arena.base = nd_ws__arena.text = p = top;
        }
        nd_ws__arena.end = top + (pages << 16);
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

ND_WS__PRIVATE void nd_ws__app_num(int64_t v)
{
    char num[24], *d = num + sizeof num;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do *--d = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--d = '-';
    nd_ws__app(d, (size_t)(num + sizeof num - d));
}

/* Length of the valid UTF-8 sequence at s, before end (RFC 3629: shortest
   form, no surrogates, at most U+10FFFF), 0 if invalid. */
ND_WS__PRIVATE size_t nd_ws__utf8(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0], n = (c >= 0xc2) + (c >= 0xe0) + (c >= 0xf0), i;
    if (c < 0x80) return 1;
    /* The second byte's range is narrower after E0, ED, F0 and F4. */
    if (!n || c > 0xf4 || (size_t)(end - s) <= n || (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
        (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
        return 0;
    for (i = 1; i <= n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return n + 1;
}

/* s as the inside of a JSON string. Valid JSON whatever the bytes: '"',
   '\' and control characters are escaped, and invalid UTF-8 becomes U+FFFD
   one byte at a time, which is what Go's decoder on the host side would make
   of it anyway. */
ND_WS__PRIVATE void nd_ws__app_json(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + n, *run = s;
    char esc[6] = {'\\', 'u', '0', '0'};
    size_t k;
    while (s < end) {
        unsigned c = *s;
        /* Printable ASCII, the common case, needs no UTF-8 check. */
        if (c - 0x20 < 0x60 ? c != '"' && c != '\\' && (k = 1) : c >= 0x80 && (k = nd_ws__utf8(s, end))) {
            s += k;
            continue;
        }
        nd_ws__app(run, (size_t)(s - run));
        run = ++s;
        if (c >= 0x80) {
            nd_ws__app("\xef\xbf\xbd", 3);
            continue;
        }
        esc[1] = (char)c;
        if (c < 0x20) {
            esc[1] = 'u';
            esc[4] = (char)('0' + (c >> 4));
            esc[5] = (char)((c & 15) + ((c & 15) < 10 ? '0' : 'a' - 10));
        }
        nd_ws__app(esc, c < 0x20 ? 6 : 2);
    }
    nd_ws__app(run, (size_t)(s - run));
}

/* ---- Extism blocks ------------------------------------------------------ */

/* The whole input (h = 0: the input has no handle) or block h, n bytes,
   copied into the arena with 8 NULs after them. Hosts differ on reads past
   the end (0, or a thrown RangeError), so none is ever made. */
ND_WS__PRIVATE unsigned char *nd_ws__read(uint64_t h, uint64_t n)
{
    unsigned char *buf = n >> 31 ? 0 : nd_ws__take((size_t)n + 8);
    uint64_t i = 0, v;
    if (!buf) return 0;
    /* From 8 bytes on, the tail is one more 8-byte load that overlaps the
       one before: never more than one host call per 8 bytes. */
    if (n < 8)
        for (; i < n; i++) buf[i] = (unsigned char)(h ? nd_ws_extism_load_u8(h + i) : nd_ws_extism_input_load_u8(i));
    else
        for (;; i = i + 16 <= n ? i + 8 : n - 8) {
            v = h ? nd_ws_extism_load_u64(h + i) : nd_ws_extism_input_load_u64(i);
            __builtin_memcpy(buf + i, &v, 8);
            if (i + 8 == n) break;
        }
    __builtin_memset(buf + n, 0, 8); /* the scanner reads 8 bytes at a time */
    return buf;
}

/* Store n bytes of p into block h from offset at; returns the offset after. */
ND_WS__PRIVATE uint64_t nd_ws__store(uint64_t h, uint64_t at, const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t v;
    size_t i = 0;
    /* As in nd_ws__read: an overlapping last store instead of a byte tail. */
    if (n < 8)
        for (; i < n; i++) nd_ws_extism_store_u8(h + at + i, s[i]);
    else
        for (;; i = i + 16 <= n ? i + 8 : n - 8) {
            __builtin_memcpy(&v, s + i, 8);
            nd_ws_extism_store_u64(h + at + i, v);
            if (i + 8 == n) break;
        }
    return at + n;
}

/* A new block holding n bytes of p; 0 for n = 0 (the Rust kernel's alloc(0)
   is 0 too) or when the host is out of memory. */
ND_WS__PRIVATE uint64_t nd_ws__block(const void *p, size_t n)
{
    uint64_t h = n ? nd_ws_extism_alloc(n) : 0;
    if (h) nd_ws__store(h, 0, p, n);
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
    nd_ws__app("", 1);
    *n = (size_t)(nd_ws__arena.top - nd_ws__arena.text) - 1;
    return nd_ws__arena.broken ? 0 : (char *)nd_ws__arena.text;
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
/* Field types; from B64 on, null is allowed (Go writes a nil byte slice as
   null; host responses may hold null), and OPT fields may be missing. */
enum { ND_WS__T_NONE, ND_WS__T_STR, ND_WS__T_INT, ND_WS__T_B64, ND_WS__T_OPT };

/* Per kind, up to three fields {name, type}: the first two land in ev->s[0]
   and ev->s[1], an int32 in ev->code. */
static const unsigned char nd_ws__spec[6][3][2] = {
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_MESSAGE, ND_WS__T_STR}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_DATA, ND_WS__T_B64}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_ERROR, ND_WS__T_STR}},
    {{ND_WS__F_ID, ND_WS__T_STR}, {ND_WS__F_REASON, ND_WS__T_STR}, {ND_WS__F_CODE, ND_WS__T_INT}},
    {{0, 0}},
    {{ND_WS__F_ERROR, ND_WS__T_OPT}, {ND_WS__F_NEWID, ND_WS__T_OPT}},
};

/* Why input was rejected. Codes below E_TYPE are JSON syntax errors. */
enum { ND_WS__E_EOF = 1, ND_WS__E_CHAR, ND_WS__E_NUMBER, ND_WS__E_CONTROL, ND_WS__E_UTF8, ND_WS__E_ESCAPE,
       ND_WS__E_TYPE, ND_WS__E_BASE64, ND_WS__E_MISSING, ND_WS__E_MEMORY };
static const char *const nd_ws__what[] = {
    "", "unexpected end of input", "unexpected character", "invalid number",
    "control character in string", "invalid UTF-8", "invalid escape", "expected ",
    "invalid base64", "missing field \"", "out of memory"};
static const char *const nd_ws__types[] = {"", "a string", "an integer in int32 range", "base64 or null",
                                           "a string or null"};
typedef struct nd_ws__err {
    int code, field, type; /* field: offset in nd_ws__names, or -1 */
    uint64_t at;           /* byte of the input, or character of a base64 value */
    const unsigned char *pos;
} nd_ws__err;

/* The scanner relies on the NUL that nd_ws__read puts after the input: a
   NUL ends every token, and is the end of input when it is at `end` (a raw
   NUL anywhere else is an error anyway). So no bound is ever checked. */
ND_WS__PRIVATE unsigned char *nd_ws__ws(unsigned char *p)
{
    while (*p <= ' ' && 0x100002600ull >> *p & 1) p++; /* space, \t, \n, \r */
    return p;
}

ND_WS__PRIVATE int nd_ws__fail(nd_ws__err *e, int code, const unsigned char *pos)
{
    e->pos = pos;
    return e->code = code;
}

/* The string whose opening quote is at p, unescaped in place into out and
   NUL-terminated; returns the end of its JSON text, or NULL with e set. */
ND_WS__PRIVATE unsigned char *nd_ws__str(unsigned char *p, const unsigned char *end, nd_ws_str *out, nd_ws__err *e)
{
    static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    unsigned char *d = ++p, *start = p;
    unsigned long c, hi = 0, k;
    uint64_t w, ones = 0x0101010101010101u, high = ones << 7;
    for (;;) {
        /* Eight bytes at a time while none is special ('"', '\\', below
           0x20 or above 0x7f): the NULs after the input stop this in time. */
        __builtin_memcpy(&w, p, 8);
        if (!(((w - ones * 0x20) | ((w ^ ones * '"') - ones) | ((w ^ ones * '\\') - ones) | w) & high)) {
            __builtin_memcpy(d, &w, 8);
            p += 8;
            d += 8;
            hi = 0;
            continue;
        }
        if ((c = *p++) == '"') break;
        if (c < 0x20) return nd_ws__fail(e, p - 1 == end ? ND_WS__E_EOF : ND_WS__E_CONTROL, p - 1), (unsigned char *)0;
        if (c == '\\') {
            c = *p++;
            if (c == 'u') {
                for (c = 0, k = 0; k < 4; k++) {
                    unsigned x = *p++, v = x - '0';
                    if (v > 9 && (v = (x | 32) - 'a' + 10) - 10 > 5)
                        return nd_ws__fail(e, ND_WS__E_ESCAPE, p - 1), (unsigned char *)0;
                    c = c << 4 | v;
                }
                /* A surrogate pair is one code point. A lone surrogate becomes
                   U+FFFD, as in Go's decoder: a high one is written as such
                   and overwritten if its low half follows. */
                if (hi && c >> 10 == 0x37) {
                    c = 0x10000 + ((hi - 0xd800) << 10) + (c - 0xdc00);
                    d -= 3;
                }
                hi = c >> 10 == 0x36 ? c : 0;
                if (c >> 11 == 0x1b) c = 0xfffd;
                k = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
                *d++ = (unsigned char)((0xf0e0c000u >> 8 * k & 0xff) | c >> 6 * k);
                while (k--) *d++ = (unsigned char)(0x80 | (c >> 6 * k & 63));
                continue;
            }
            for (k = 0; esc[k] && (unsigned char)esc[k] != c; k += 2) {}
            if (!esc[k]) return nd_ws__fail(e, p - 1 == end ? ND_WS__E_EOF : ND_WS__E_ESCAPE, p - 1), (unsigned char *)0;
            c = (unsigned char)esc[k + 1];
        } else if (c >= 0x80) {
            if (!(k = nd_ws__utf8(p - 1, end))) return nd_ws__fail(e, ND_WS__E_UTF8, p - 1), (unsigned char *)0;
            for (p--; k--;) *d++ = *p++;
            hi = 0;
            continue;
        }
        hi = 0;
        *d++ = (unsigned char)c;
    }
    *d = 0;
    out->ptr = (const char *)start;
    out->len = (size_t)(d - start);
    return p;
}

ND_WS__PRIVATE unsigned char *nd_ws__digits(unsigned char *p)
{
    while (ND_WS__DIGIT(*p)) p++;
    return p;
}

/* The number at p per RFC 8259; returns its end, or NULL with e set. *v is
   its value if it is an integer in int32 range, else some value outside. */
ND_WS__PRIVATE unsigned char *nd_ws__num(unsigned char *p, int64_t *v, nd_ws__err *e)
{
    int neg = *p == '-';
    int64_t x = 0;
    p += neg;
    if (!ND_WS__DIGIT(*p)) goto bad;
    if (*p == '0') p++; /* no leading zeros: what follows 0 ends the number */
    else
        for (; ND_WS__DIGIT(*p); p++)
            if (x >> 32 == 0) x = x * 10 + (*p - '0');
    *v = neg ? -x : x;
    if (*p == '.') {
        if (!ND_WS__DIGIT(*++p)) goto bad;
        p = nd_ws__digits(p);
        *v = INT64_MAX; /* a fraction or exponent makes no integer, whatever the value */
    }
    if ((*p | 32) == 'e') {
        p += p[1] == '+' || p[1] == '-';
        if (!ND_WS__DIGIT(*++p)) goto bad;
        p = nd_ws__digits(p);
        *v = INT64_MAX;
    }
    return p;
bad:
    return nd_ws__fail(e, ND_WS__E_NUMBER, p), (unsigned char *)0;
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
ND_WS_DEF int nd_ws__unbase64(nd_ws_str *s, uint64_t *bad)
{
    unsigned char *p = (unsigned char *)s->ptr, *d = p;
    size_t n = s->len, i, j;
    if (n % 4) return *bad = n, 0;
    for (i = 0; i < n; i += 4, d += 3) {
        int a = nd_ws__b64val(p[i]), b = nd_ws__b64val(p[i + 1]), c = nd_ws__b64val(p[i + 2]),
            e = nd_ws__b64val(p[i + 3]);
        uint32_t v;
        if ((a | b | c | e) < 0) {
            /* Only the last quad may end in '=' or "==", and then the bits
               the padding leaves over must be zero. */
            for (j = 0; nd_ws__b64val(p[i + j]) >= 0; j++) {}
            if (i + 4 != n || j < 2 || p[i + j] != '=' || p[i + 3] != '=') return *bad = i + j, 0;
            v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)(j == 3 ? c : 0) << 6;
            if (v & ((1u << 8 * (4 - j)) - 1)) return *bad = i + j - 1, 0;
            d[0] = (unsigned char)(v >> 16);
            d[1] = (unsigned char)(v >> 8);
            d += j - 1;
            break;
        }
        v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)e;
        d[0] = (unsigned char)(v >> 16);
        d[1] = (unsigned char)(v >> 8);
        d[2] = (unsigned char)v;
    }
    *d = 0;
    s->len = (size_t)(d - p);
    return 1;
}

ND_WS__PRIVATE int nd_ws__name_is(int name, const nd_ws_str *key)
{
    const char *n = nd_ws__names + name;
    size_t i = 0;
    while (i < key->len && n[i] && n[i] == key->ptr[i]) i++; /* a key may hold NUL */
    return i == key->len && !n[i];
}

ND_WS__PRIVATE int nd_ws__parse(int kind, unsigned char *p, size_t len, nd_ws__event *ev, nd_ws__err *e,
                                nd_ws__decoder b64)
{
    /* What comes next: a value, a key, ':', or ',' / a closing bracket. */
    enum { VALUE, KEY, COLON, NEXT };
    unsigned char *start = p, *end = p + len, *bits = nd_ws__take(len / 8 + 1), *at, c;
    const unsigned char(*spec)[2] = nd_ws__spec[kind];
    unsigned state = VALUE, depth = 0, obj = 0, first = 0, seen = 0, f = 3, type = 0;
    int code = ND_WS__E_MEMORY;
    nd_ws_str s;
    int64_t v;

    ev->s[0].ptr = ev->s[1].ptr = "";
    ev->s[0].len = ev->s[1].len = 0;
    if (!bits) return e->at = len, e->code = code;
    for (;;) {
        at = p = nd_ws__ws(p);
        code = ND_WS__E_EOF;
        c = *p;
        if (p == end) {
            if (state == NEXT && !depth) break;
            goto fail;
        }
        code = ND_WS__E_CHAR;
        if ((state == NEXT || first) && c == ']' + 32 * obj && depth) { /* also {} and [] */
            p++;
            obj = --depth && bits[(depth - 1) / 8] >> (depth - 1) % 8 & 1;
            state = NEXT;
            first = 0;
            continue;
        }
        first = 0;
        if (state == NEXT) {
            if (c != ',' || !depth) goto fail;
            p++;
            state = obj ? KEY : VALUE;
            continue;
        }
        if (state == KEY) {
            if (c != '"') goto fail;
            if (!(p = nd_ws__str(p, end, &s, e))) goto fail_e;
            /* At depth 1 a key may name a field of the callback: the value
               that follows is checked against its type and kept. */
            for (f = 0; f < 3 && (depth != 1 || !spec[f][1] || !nd_ws__name_is(spec[f][0], &s)); f++) {}
            type = f < 3 ? spec[f][1] : 0;
            state = COLON;
            continue;
        }
        if (state == COLON) {
            if (c != ':') goto fail;
            p++;
            state = VALUE;
            continue;
        }
        state = NEXT;
        if (f < 3) seen |= 1u << f;
        if (!depth && c != '{') goto fail; /* the input must be an object */
        if (c == '{' || c == '[') {
            if (type) goto wrong_type;
            obj = c == '{';
            bits[depth / 8] = (unsigned char)((bits[depth / 8] & ~(1u << depth % 8)) | obj << depth % 8);
            depth++;
            p++;
            first = 1;
            state = obj ? KEY : VALUE;
        } else if (c == '"') {
            if (type == ND_WS__T_INT) goto wrong_type;
            if (!(p = nd_ws__str(p, end, type ? &ev->s[f] : &s, e))) goto fail_e;
            if (type == ND_WS__T_B64 && b64 && !b64(&ev->s[f], &e->at)) {
                code = ND_WS__E_BASE64;
                goto field;
            }
        } else if (c == '-' || ND_WS__DIGIT(c)) {
            if (type && type != ND_WS__T_INT) goto wrong_type;
            if (!(p = nd_ws__num(p, &v, e))) goto fail_e;
            if (type && v != (int32_t)v) goto wrong_type;
            if (type) ev->code = (int32_t)v;
        } else {
            const char *l = &"true\0false\0null"[c == 't' ? 0 : c == 'f' ? 5 : 11];
            while (*l && *p == (unsigned char)*l) p++, l++;
            if (*l) goto fail;
            if (type && (c != 'n' || type < ND_WS__T_B64)) goto wrong_type;
            if (type) ev->s[f].ptr = "", ev->s[f].len = 0; /* null: a later duplicate resets the field */
        }
        f = 3;
        type = 0;
    }
    for (f = 0; f < 3; f++)
        if (spec[f][1] && spec[f][1] != ND_WS__T_OPT && !(seen >> f & 1)) {
            code = ND_WS__E_MISSING;
            goto field;
        }
    return 0;

wrong_type: /* at: where the value starts */
    e->type = (int)type;
    e->at = (uint64_t)(at - start);
    code = ND_WS__E_TYPE;
    goto field;
fail_e: /* the error nd_ws__str or nd_ws__num found */
    code = e->code;
    at = (unsigned char *)e->pos;
fail:
    e->at = (uint64_t)(at - start);
    f = 3;
field:
    e->field = f < 3 ? spec[f][0] : -1;
    return e->code = code;
}

/* ---- Callbacks -------------------------------------------------------------
   A failure is reported as "nd_ws: <where>: <detail>" through error_set
   (what the Rust kernel and the JS SDK act on) and as the seed schema's
   output {"error":"<message>"}. */
static const char *const nd_ws__exports[] = {
    "nd_websocket_on_text_message", "nd_websocket_on_binary_message", "nd_websocket_on_error",
    "nd_websocket_on_close", "nd_on_init"};

/* "nd_ws: <where>: <detail><what e says>" at the top of the arena. */
ND_WS__PRIVATE char *nd_ws__message(const char *where, const char *detail, const nd_ws__err *e, size_t *n)
{
    int c = e ? e->code : 0;
    nd_ws__begin_text();
    nd_ws__apps("nd_ws: ");
    nd_ws__apps(where);
    nd_ws__apps(": ");
    nd_ws__apps(detail);
    if (c) {
        if (c < ND_WS__E_TYPE) nd_ws__apps("invalid JSON: ");
        else if (c < ND_WS__E_MISSING) {
            nd_ws__apps("field \"");
            nd_ws__apps(nd_ws__names + e->field);
            nd_ws__apps("\": ");
        }
        nd_ws__apps(nd_ws__what[c]);
        if (c == ND_WS__E_TYPE) nd_ws__apps(nd_ws__types[e->type]);
        if (c == ND_WS__E_MISSING) {
            nd_ws__apps(nd_ws__names + e->field);
            nd_ws__apps("\"");
        } else {
            nd_ws__apps(c == ND_WS__E_BASE64 ? " at character " : c == ND_WS__E_MEMORY ? ": input size " : " at byte ");
            nd_ws__app_num((int64_t)e->at);
        }
    }
    return nd_ws__done(n);
}

/* Report a failure of callback kind; returns 1, the export's result. */
ND_WS__PRIVATE int32_t nd_ws__report(int kind, const char *detail, const nd_ws__err *e)
{
    size_t n;
    char *msg = nd_ws__message(nd_ws__exports[kind], detail, e, &n);
    uint64_t h;
    if (!msg) {
        /* The arena is full (the handler's allocations, or a small fixed
           arena): write the message straight into a block, without output. */
        const char *part[4];
        uint64_t at = 0;
        int i;
        part[0] = "nd_ws: ";
        part[1] = nd_ws__exports[kind];
        part[2] = ": ";
        part[3] = e ? "out of memory" : detail;
        for (n = 0, i = 0; i < 4; i++) n += nd_ws__strlen(part[i]);
        if ((h = nd_ws_extism_alloc(n))) {
            for (i = 0; i < 4; i++) at = nd_ws__store(h, at, part[i], nd_ws__strlen(part[i]));
            nd_ws_extism_error_set(h);
        }
        return 1;
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

ND_WS_DEF int nd_ws__begin(int kind, nd_ws__event *ev, nd_ws__decoder b64)
{
    nd_ws__err e = {ND_WS__E_MEMORY, -1, 0, 0, 0};
    unsigned char *in;
    nd_ws__reset();
    if (kind == ND_WS__INIT) return 0;
    e.at = nd_ws_extism_input_length();
    if ((in = nd_ws__read(0, e.at)) && !nd_ws__parse(kind, in, (size_t)e.at, ev, &e, b64)) return 0;
    nd_ws__reset(); /* the input is not needed any more: room for the message */
    return nd_ws__report(kind, "", &e);
}

ND_WS_DEF int32_t nd_ws__end(int kind, const char *err)
{
    uint64_t h;
    if (err) return nd_ws__report(kind, err, 0);
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
    size_t i;
    for (i = 0; d && i < n; i += 3, d += 4) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        d[0] = (unsigned char)abc[v >> 18];
        d[1] = (unsigned char)abc[v >> 12 & 63];
        d[2] = (unsigned char)(i + 1 < n ? abc[v >> 6 & 63] : '=');
        d[3] = (unsigned char)(i + 2 < n ? abc[v & 63] : '=');
    }
}

/* Send the request appended since nd_ws__begin_req to host function fn (named where);
   NULL on success, else the host's error text or nd_ws's own message. The id
   the host assigned goes to *new_id. */
ND_WS__PRIVATE const char *nd_ws__call(uint64_t (*fn)(uint64_t), const char *where, nd_ws_str *new_id)
{
    nd_ws__err e = {0, -1, 0, 0, 0};
    nd_ws__event ev;
    size_t n;
    const char *req, *detail = "invalid response: ";
    uint64_t h;
    unsigned char *in;
    nd_ws__app("}", 1);
    if (!(req = nd_ws__done(&n)) || !(h = nd_ws__block(req, n))) return "nd_ws: out of memory";
    if (!(h = fn(h))) {
        detail = "no response from the host";
    } else if (!(in = nd_ws__read(h, n = (size_t)nd_ws_extism_length(h)))) {
        return "nd_ws: out of memory";
    } else if (!nd_ws__parse(ND_WS__RESPONSE, in, n, &ev, &e, 0)) {
        if (ev.s[0].len) return ev.s[0].ptr;
        if (new_id) *new_id = ev.s[1];
        return 0;
    }
    req = nd_ws__message(where, detail, &e, &n);
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
    nd_ws__apps(",\"code\":");
    nd_ws__app_num(code);
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
