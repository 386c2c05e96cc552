/* jsonref.c - see jsonref.h. Independent of nd_ws.h: no code is shared. */
#include "jsonref.h"

#include <stdlib.h>
#include <string.h>

typedef struct jr_parser {
    const unsigned char *s, *end;
    size_t max_depth;
    int deep;
} jr_parser;

static void *jr_xalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) abort();
    return p;
}

static jr_node *jr_new(int type)
{
    jr_node *v = (jr_node *)jr_xalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->type = type;
    return v;
}

void jr_free(jr_node *v)
{
    size_t i;
    if (!v) return;
    for (i = 0; i < v->n; i++) {
        if (v->keys) jr_free(v->keys[i]);
        jr_free(v->vals[i]);
    }
    free(v->keys);
    free(v->vals);
    free(v->str);
    free(v);
}

static void jr_skip_ws(jr_parser *p)
{
    while (p->s < p->end && (*p->s == 0x20 || *p->s == 0x09 || *p->s == 0x0a || *p->s == 0x0d)) p->s++;
}

static size_t jr_utf8_encode(uint32_t c, unsigned char *o)
{
    if (c < 0x80) { o[0] = (unsigned char)c; return 1; }
    if (c < 0x800) { o[0] = (unsigned char)(0xc0 | (c >> 6)); o[1] = (unsigned char)(0x80 | (c & 0x3f)); return 2; }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (c & 0x3f));
    return 4;
}

static int jr_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits after "\u" at p->s; advances. */
static int jr_u4(jr_parser *p, uint32_t *out)
{
    int i;
    uint32_t v = 0;
    if (p->end - p->s < 4) return 0;
    for (i = 0; i < 4; i++) {
        int h = jr_hexval(p->s[i]);
        if (h < 0) return 0;
        v = v * 16 + (uint32_t)h;
    }
    p->s += 4;
    *out = v;
    return 1;
}

static jr_node *jr_string(jr_parser *p)
{
    /* decoded text is at most as long as the raw text (escapes shrink, a
       lone-surrogate escape of 6 bytes becomes 3) */
    const unsigned char *q = p->s + 1;
    size_t cap = (size_t)(p->end - q) + 1, o = 0;
    unsigned char *buf = (unsigned char *)jr_xalloc(cap);
    jr_node *v;
    p->s = q;
    for (;;) {
        unsigned char c;
        if (p->s >= p->end) goto fail;
        c = *p->s;
        if (c == '"') { p->s++; break; }
        if (c < 0x20) goto fail;
        if (c == '\\') {
            uint32_t cp, lo;
            p->s++;
            if (p->s >= p->end) goto fail;
            c = *p->s++;
            switch (c) {
            case '"': buf[o++] = '"'; break;
            case '\\': buf[o++] = '\\'; break;
            case '/': buf[o++] = '/'; break;
            case 'b': buf[o++] = 8; break;
            case 'f': buf[o++] = 12; break;
            case 'n': buf[o++] = 10; break;
            case 'r': buf[o++] = 13; break;
            case 't': buf[o++] = 9; break;
            case 'u':
                if (!jr_u4(p, &cp)) goto fail;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    /* a high surrogate: a pair only if "\u<low>" follows */
                    jr_parser save = *p;
                    if (p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
                        p->s += 2;
                        if (jr_u4(p, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        } else {
                            *p = save;
                            cp = 0xfffd;
                        }
                    } else {
                        cp = 0xfffd;
                    }
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    cp = 0xfffd;
                }
                o += jr_utf8_encode(cp, buf + o);
                break;
            default:
                goto fail;
            }
        } else {
            buf[o++] = c; /* bytes from 0x80 up as they are, as nd_ws takes them */
            p->s++;
        }
    }
    buf[o] = 0;
    v = jr_new(JR_STRING);
    v->str = buf;
    v->len = o;
    return v;
fail:
    free(buf);
    return 0;
}

static int jr_isdigit(unsigned char c) { return c >= '0' && c <= '9'; }

static jr_node *jr_number(jr_parser *p)
{
    const unsigned char *b = p->s;
    jr_node *v;
    if (p->s < p->end && *p->s == '-') p->s++;
    if (p->s >= p->end) return 0;
    if (*p->s == '0') {
        p->s++;
    } else if (*p->s >= '1' && *p->s <= '9') {
        while (p->s < p->end && jr_isdigit(*p->s)) p->s++;
    } else {
        return 0;
    }
    if (p->s < p->end && *p->s == '.') {
        p->s++;
        if (p->s >= p->end || !jr_isdigit(*p->s)) return 0;
        while (p->s < p->end && jr_isdigit(*p->s)) p->s++;
    }
    if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
        p->s++;
        if (p->s < p->end && (*p->s == '+' || *p->s == '-')) p->s++;
        if (p->s >= p->end || !jr_isdigit(*p->s)) return 0;
        while (p->s < p->end && jr_isdigit(*p->s)) p->s++;
    }
    v = jr_new(JR_NUMBER);
    v->len = (size_t)(p->s - b);
    v->str = (unsigned char *)jr_xalloc(v->len + 1);
    memcpy(v->str, b, v->len);
    v->str[v->len] = 0;
    return v;
}

static jr_node *jr_value(jr_parser *p, size_t depth);

static void jr_push(jr_node *c, jr_node *key, jr_node *val, size_t *cap)
{
    if (c->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        jr_node **nv = (jr_node **)realloc(c->vals, nc * sizeof *nv);
        if (!nv) abort();
        c->vals = nv;
        if (c->type == JR_OBJECT) {
            jr_node **nk = (jr_node **)realloc(c->keys, nc * sizeof *nk);
            if (!nk) abort();
            c->keys = nk;
        }
        *cap = nc;
    }
    if (c->type == JR_OBJECT) c->keys[c->n] = key;
    c->vals[c->n++] = val;
}

static jr_node *jr_container(jr_parser *p, size_t depth, int type)
{
    unsigned char close = type == JR_OBJECT ? '}' : ']';
    jr_node *c = jr_new(type), *k = 0, *v;
    size_t cap = 0;
    if (depth >= p->max_depth) {
        p->deep = 1;
        goto fail;
    }
    p->s++;
    jr_skip_ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return c;
    }
    for (;;) {
        jr_skip_ws(p);
        if (type == JR_OBJECT) {
            if (p->s >= p->end || *p->s != '"') goto fail;
            if (!(k = jr_string(p))) goto fail;
            jr_skip_ws(p);
            if (p->s >= p->end || *p->s != ':') goto fail;
            p->s++;
        }
        if (!(v = jr_value(p, depth + 1))) goto fail;
        jr_push(c, k, v, &cap);
        k = 0;
        jr_skip_ws(p);
        if (p->s >= p->end) goto fail;
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s == close) {
            p->s++;
            return c;
        }
        goto fail;
    }
fail:
    jr_free(k);
    jr_free(c);
    return 0;
}

static jr_node *jr_literal(jr_parser *p, const char *word, int type)
{
    size_t n = strlen(word);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0) return 0;
    p->s += n;
    return jr_new(type);
}

static jr_node *jr_value(jr_parser *p, size_t depth)
{
    jr_skip_ws(p);
    if (p->s >= p->end) return 0;
    switch (*p->s) {
    case '{': return jr_container(p, depth, JR_OBJECT);
    case '[': return jr_container(p, depth, JR_ARRAY);
    case '"': return jr_string(p);
    case 't': return jr_literal(p, "true", JR_TRUE);
    case 'f': return jr_literal(p, "false", JR_FALSE);
    case 'n': return jr_literal(p, "null", JR_NULL);
    default: return jr_number(p);
    }
}

jr_node *jr_parse(const unsigned char *s, size_t n, size_t max_depth, int *deep)
{
    jr_parser p;
    jr_node *v;
    p.s = s;
    p.end = s + n;
    p.max_depth = max_depth;
    p.deep = 0;
    v = jr_value(&p, 0);
    if (v) {
        jr_skip_ws(&p);
        if (p.s != p.end) {
            jr_free(v);
            v = 0;
        }
    }
    if (deep) *deep = p.deep;
    return v;
}

int jr_valid(const unsigned char *s, size_t n)
{
    jr_node *v = jr_parse(s, n, 100000, 0);
    jr_free(v);
    return v != 0;
}

const jr_node *jr_get(const jr_node *obj, const char *key)
{
    size_t i, kl = strlen(key);
    const jr_node *r = 0;
    if (!obj || obj->type != JR_OBJECT) return 0;
    for (i = 0; i < obj->n; i++)
        if (obj->keys[i]->len == kl && !memcmp(obj->keys[i]->str, key, kl)) r = obj->vals[i];
    return r;
}

size_t jr_count(const jr_node *obj, const char *key)
{
    size_t i, kl = strlen(key), c = 0;
    if (!obj || obj->type != JR_OBJECT) return 0;
    for (i = 0; i < obj->n; i++)
        if (obj->keys[i]->len == kl && !memcmp(obj->keys[i]->str, key, kl)) c++;
    return c;
}

/* ---- base64 ---------------------------------------------------------------- */

static const char jr_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t jr_b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t i, o = 0;
    for (i = 0; i + 3 <= n; i += 3) {
        out[o++] = jr_b64[in[i] >> 2];
        out[o++] = jr_b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = jr_b64[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[o++] = jr_b64[in[i + 2] & 63];
    }
    if (n - i == 1) {
        out[o++] = jr_b64[in[i] >> 2];
        out[o++] = jr_b64[(in[i] & 3) << 4];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        out[o++] = jr_b64[in[i] >> 2];
        out[o++] = jr_b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = jr_b64[(in[i + 1] & 15) << 2];
        out[o++] = '=';
    }
    out[o] = 0;
    return o;
}

/* Decode, then require that re-encoding gives back the input exactly: that
   is the definition of strict (canonical, padded) base64. */
int jr_b64_decode(const unsigned char *in, size_t n, unsigned char *out, size_t *outn)
{
    size_t i, o = 0, j;
    char *again;
    int ok;
    if (n % 4) return 0;
    for (i = 0; i < n; i += 4) {
        int v[4];
        for (j = 0; j < 4; j++) {
            const char *f = in[i + j] ? strchr(jr_b64, in[i + j]) : 0;
            v[j] = f ? (int)(f - jr_b64) : (in[i + j] == '=' ? 0 : -1);
            if (v[j] < 0) return 0;
        }
        out[o++] = (unsigned char)((v[0] << 2) | (v[1] >> 4));
        if (in[i + 2] != '=') out[o++] = (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2));
        if (in[i + 3] != '=') out[o++] = (unsigned char)(((v[2] & 3) << 6) | v[3]);
    }
    again = (char *)jr_xalloc(4 * ((o + 2) / 3) + 1);
    jr_b64_encode(out, o, again);
    ok = strlen(again) == n && !memcmp(again, in, n);
    free(again);
    if (!ok) return 0;
    *outn = o;
    return 1;
}

/* ---- callback inputs ----------------------------------------------------- */

static unsigned char *jr_dup(const unsigned char *s, size_t n)
{
    unsigned char *d = (unsigned char *)jr_xalloc(n + 1);
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* an int32 written as an integer: no fraction, no exponent */
static int jr_int32(const jr_node *v, int32_t *out)
{
    const unsigned char *s = v->str;
    int neg = 0;
    int64_t x = 0;
    size_t i = 0;
    if (v->type != JR_NUMBER) return 0;
    if (s[0] == '-') { neg = 1; i = 1; }
    for (; i < v->len; i++) {
        if (!jr_isdigit(s[i])) return 0;
        x = x * 10 + (s[i] - '0');
        if (x > 2147483648LL) return 0;
    }
    if (neg) x = -x;
    if (x > 2147483647LL || x < -2147483647LL - 1) return 0;
    *out = (int32_t)x;
    return 1;
}

int jr_decode_event(int kind, const unsigned char *s, size_t n, size_t max_depth, jr_event *ev)
{
    static const char *const second[] = {"message", "data", "error", "reason"};
    int deep = 0, have_id = 0, have_val = 0, have_code = kind != JR_KIND_CLOSE, ok = 0;
    jr_node *root = jr_parse(s, n, max_depth, &deep);
    size_t i;
    memset(ev, 0, sizeof *ev);
    if (!root) return deep ? -1 : 0;
    if (root->type != JR_OBJECT) goto out;
    /* every occurrence of a known field must be well-formed; the last wins */
    for (i = 0; i < root->n; i++) {
        const jr_node *k = root->keys[i], *v = root->vals[i];
        if (k->len == strlen("connectionId") && !memcmp(k->str, "connectionId", k->len)) {
            if (v->type != JR_STRING) goto out;
            free(ev->id);
            ev->id = jr_dup(v->str, v->len);
            ev->id_len = v->len;
            have_id = 1;
        } else if (k->len == strlen(second[kind]) && !memcmp(k->str, second[kind], k->len)) {
            free(ev->value);
            ev->value = 0;
            if (kind == JR_KIND_BINARY && v->type == JR_NULL) {
                ev->value = jr_dup((const unsigned char *)"", 0);
                ev->value_len = 0;
            } else if (v->type != JR_STRING) {
                goto out;
            } else if (kind == JR_KIND_BINARY) {
                ev->value = (unsigned char *)jr_xalloc(v->len + 1);
                if (!jr_b64_decode(v->str, v->len, ev->value, &ev->value_len)) goto out;
                ev->value[ev->value_len] = 0;
            } else {
                ev->value = jr_dup(v->str, v->len);
                ev->value_len = v->len;
            }
            have_val = 1;
        } else if (kind == JR_KIND_CLOSE && k->len == 4 && !memcmp(k->str, "code", 4)) {
            if (!jr_int32(v, &ev->code)) goto out;
            have_code = 1;
        }
    }
    ok = have_id && have_val && have_code;
out:
    jr_free(root);
    if (!ok) jr_event_free(ev);
    return ok;
}

void jr_event_free(jr_event *ev)
{
    free(ev->id);
    free(ev->value);
    memset(ev, 0, sizeof *ev);
}
