/* echo: connects to config "url" at start-up and sends every message back.
   The text "bye" closes the connection instead (code 1000, reason "bye"). */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../nd_ws.h"

static const char *on_init(void)
{
    nd_ws_str url = nd_ws_config_get("url");
    if (!url.ptr) return "config \"url\" is not set";
    return nd_ws_connect(url.ptr, NULL, 0, "echo", NULL);
}
ND_WS_ON_INIT(on_init)

static const char *on_text(const nd_ws_text_message *m)
{
    if (m->message.len == 3 && m->message.ptr[0] == 'b' && m->message.ptr[1] == 'y' && m->message.ptr[2] == 'e')
        return nd_ws_close_connection(m->connection_id.ptr, 1000, "bye");
    return nd_ws_send_text(m->connection_id.ptr, m->message.ptr, m->message.len);
}
ND_WS_ON_TEXT_MESSAGE(on_text)

static const char *on_binary(const nd_ws_binary_message *m)
{
    return nd_ws_send_binary(m->connection_id.ptr, m->data.ptr, m->data.len);
}
ND_WS_ON_BINARY_MESSAGE(on_binary)

static const char *on_error(const nd_ws_error *e)
{
    nd_ws_log_warn(e->error.ptr);
    return NULL;
}
ND_WS_ON_ERROR(on_error)

static const char *on_close(const nd_ws_close *c)
{
    (void)c;
    nd_ws_log_info("connection closed");
    return NULL;
}
ND_WS_ON_CLOSE(on_close)
