/* The smallest useful plugin: only text messages, and an empty one is an error. */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../nd_ws.h"

static const char *on_text(const nd_ws_text_message *m)
{
    return m->message.len ? NULL : "empty message";
}
ND_WS_ON_TEXT_MESSAGE(on_text)
