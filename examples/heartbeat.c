/* heartbeat: the shape of most real WebSocket services (chat gateways, now-
   playing relays): authenticate, say hello, answer the server's heartbeats,
   and come back when the connection drops.

   Config: "url" (ws:// or wss://) and "token" (sent as a bearer token).
   - nd_on_init connects with connection id "hb" and the header
     Authorization: Bearer <token>, then sends {"type":"hello","client":"nd_ws","version":1};
   - the server's {"type":"ping","id":N} is answered with {"type":"pong","id":N};
   - other messages are logged;
   - a connection that fails or that the server closes is opened again:
     Navidrome calls nd_on_init only once, so reconnecting is the plugin's job.

   The server's messages are matched as text, which is enough for a service
   that writes them like this one; parse properly for one that doesn't. */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../nd_ws.h"

#define HB_ID "hb"

static const char *connect_and_hello(void)
{
    static const char hello[] = "{\"type\":\"hello\",\"client\":\"nd_ws\",\"version\":1}";
    nd_ws_str url = nd_ws_config_get("url"), token = nd_ws_config_get("token");
    nd_ws_header auth;
    char *bearer;
    const char *err;
    size_t i;
    if (!url.ptr || !token.ptr) return "config \"url\" and \"token\" must be set";
    if (!(bearer = (char *)nd_ws_alloc(token.len + 8))) return "out of memory";
    for (i = 0; i < 7; i++) bearer[i] = "Bearer "[i];
    for (i = 0; i <= token.len; i++) bearer[7 + i] = token.ptr[i];
    auth.name = "Authorization";
    auth.value = bearer;
    if ((err = nd_ws_connect(url.ptr, &auth, 1, HB_ID, NULL))) return err;
    return nd_ws_send_text(HB_ID, hello, sizeof hello - 1);
}
ND_WS_ON_INIT(connect_and_hello)

/* Where s (n bytes) contains the NUL-terminated pattern, or NULL. */
static const char *find(const char *s, size_t n, const char *pattern)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        for (j = 0; pattern[j] && i + j < n && s[i + j] == pattern[j]; j++) {}
        if (!pattern[j]) return s + i;
    }
    return NULL;
}

static const char *on_text(const nd_ws_text_message *m)
{
    const char *s = m->message.ptr, *id = find(s, m->message.len, "\"id\":");
    char *pong, *d;
    if (!find(s, m->message.len, "\"type\":\"ping\"") || !id) {
        nd_ws_log_info(s);
        return NULL;
    }
    /* {"type":"pong","id":<the ping's digits>} */
    if (!(d = pong = (char *)nd_ws_alloc(m->message.len + 24))) return "out of memory";
    for (s = "{\"type\":\"pong\",\"id\":"; *s; s++) *d++ = *s;
    for (id += 5; *id >= '0' && *id <= '9'; id++) *d++ = *id;
    *d++ = '}';
    return nd_ws_send_text(m->connection_id.ptr, pong, (size_t)(d - pong));
}
ND_WS_ON_TEXT_MESSAGE(on_text)

static const char *on_error(const nd_ws_error *e)
{
    nd_ws_log_warn(e->error.ptr);
    return connect_and_hello();
}
ND_WS_ON_ERROR(on_error)

static const char *on_close(const nd_ws_close *c)
{
    /* 1000 from this plugin's own close_connection would also land here;
       this plugin never closes, so every close is the server's. */
    (void)c;
    nd_ws_log_info("connection closed by the server, reconnecting");
    return connect_and_hello();
}
ND_WS_ON_CLOSE(on_close)
