/* client: drives the host-service client from text commands (see
   tests/host/CONTRACT.md); the other callbacks report like probe. */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "report.h"

/* The next space-separated word of *s, NUL-terminated in place. */
static char *word(char **s)
{
    char *w = *s;
    while (**s && **s != ' ') (*s)++;
    if (**s) *(*s)++ = 0;
    return w;
}

static int hexval(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

static const char *on_text(const nd_ws_text_message *m)
{
    char *s = (char *)m->message.ptr, *cmd = word(&s), *id, *rest;
    const char *err;
    if (cmd[0] == 'c' && cmd[1] == 'o') { /* connect URL ID */
        char *url = word(&s);
        nd_ws_str got;
        id = word(&s);
        if ((err = nd_ws_connect(url, NULL, 0, id[0] == '-' ? "" : id, &got))) return err;
        rest = (char *)nd_ws_alloc(got.len + 11);
        if (!rest) return "out of memory";
        for (size_t i = 0; i < 10; i++) rest[i] = "connected "[i];
        for (size_t i = 0; i <= got.len; i++) rest[10 + i] = got.ptr[i];
        nd_ws_log_info(rest);
        return NULL;
    }
    id = word(&s);
    if (cmd[0] == 't') return nd_ws_send_text(id, s, m->message.len - (size_t)(s - m->message.ptr));
    if (cmd[0] == 'b') {
        size_t n = 0;
        for (rest = s; rest[0] && rest[1]; rest += 2) s[n++] = (char)(hexval(rest[0]) << 4 | hexval(rest[1]));
        return nd_ws_send_binary(id, s, n);
    }
    if (cmd[0] == 'c') {
        char *code = word(&s);
        int32_t c = 0, neg = *code == '-';
        for (code += neg; *code; code++) c = c * 10 + (*code - '0');
        return nd_ws_close_connection(id, neg ? -c : c, s);
    }
    return "unknown command";
}
ND_WS_ON_TEXT_MESSAGE(on_text)
