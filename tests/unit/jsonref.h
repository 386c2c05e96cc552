/* jsonref.h - an independent, strict reference JSON decoder (RFC 8259) for
   checking nd_ws.h. Written separately from nd_ws.h's scanner on purpose:
   recursive descent into a tree, decoded strings in malloc'd buffers.
   Escapes are decoded the way Go's encoding/json does (a surrogate pair is
   one code point, a lone surrogate becomes U+FFFD); other bytes in strings,
   0x80 and up included, are taken as they are: nd_ws does not check UTF-8
   (Go sends only valid UTF-8, and reads invalid UTF-8 as U+FFFD itself). */
#ifndef JSONREF_H
#define JSONREF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { JR_NULL, JR_FALSE, JR_TRUE, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

typedef struct jr_node jr_node;
struct jr_node {
    int type;
    unsigned char *str; /* JR_STRING: decoded bytes (NUL-terminated); JR_NUMBER: the raw text */
    size_t len;
    size_t n;           /* JR_ARRAY / JR_OBJECT: number of members */
    jr_node **keys;     /* JR_OBJECT: key strings, in document order (duplicates kept) */
    jr_node **vals;
};

/* Parse a whole JSON text (one value, surrounded by optional whitespace).
   Returns the tree or NULL if the text is not valid JSON; *deep is set when
   the nesting exceeded max_depth (the answer is then unknown, NULL). */
jr_node *jr_parse(const unsigned char *s, size_t n, size_t max_depth, int *deep);
void jr_free(jr_node *v);
/* 1 if s is a valid JSON text (max depth 100000). */
int jr_valid(const unsigned char *s, size_t n);
/* The value of the LAST member named key (NUL-terminated name), or NULL. */
const jr_node *jr_get(const jr_node *obj, const char *key);
/* How many members are named key. */
size_t jr_count(const jr_node *obj, const char *key);

/* Reference base64 (RFC 4648 standard alphabet, padded). */
/* Encodes n bytes into out (room for 4*((n+2)/3)+1), NUL-terminated; returns length. */
size_t jr_b64_encode(const unsigned char *in, size_t n, char *out);
/* Strict decode; returns 1 and the bytes in out (room for n) / *outn, or 0. */
int jr_b64_decode(const unsigned char *in, size_t n, unsigned char *out, size_t *outn);

/* A callback input decoded the way the seed schema says (see jsonref.c). */
enum { JR_KIND_TEXT, JR_KIND_BINARY, JR_KIND_ERROR, JR_KIND_CLOSE };
typedef struct jr_event {
    unsigned char *id;    size_t id_len;
    unsigned char *value; size_t value_len; /* message / decoded data / error / reason */
    int32_t code;
} jr_event;
/* 1: accepted (fields in *ev, free with jr_event_free); 0: must be rejected;
   -1: unknown (nesting beyond max_depth). */
int jr_decode_event(int kind, const unsigned char *s, size_t n, size_t max_depth, jr_event *ev);
void jr_event_free(jr_event *ev);

#ifdef __cplusplus
}
#endif
#endif
