/* all four callbacks registered, each doing the least: the size budget for a
   full plugin (4,096 bytes) is measured on this. */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

static const char *on_text(const nd_ws_text_message *m) { return m->message.len ? NULL : "empty message"; }
static const char *on_binary(const nd_ws_binary_message *m) { return m->data.len ? NULL : "empty data"; }
static const char *on_error(const nd_ws_error *m) { return m->error.len ? NULL : "empty error"; }
static const char *on_close(const nd_ws_close *m) { return m->code ? NULL : "no code"; }
ND_WS_ON_TEXT_MESSAGE(on_text)
ND_WS_ON_BINARY_MESSAGE(on_binary)
ND_WS_ON_ERROR(on_error)
ND_WS_ON_CLOSE(on_close)
