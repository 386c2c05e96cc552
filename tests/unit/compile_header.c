/* The header on its own: declarations, then the implementation with every
   callback registered (and, with -DND_WS_STATIC -DND_WS_NO_DEFAULT_EXPORTS,
   the static, export-what-you-register configuration). Compiled, not run. */
#include "../../nd_ws.h"
#include "../../nd_ws.h" /* the include guard works */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "../../nd_ws.h" /* a second include does not instantiate twice */

static const char *on_text(const nd_ws_text_message *m) { return m->message.len ? 0 : "empty"; }
static const char *on_binary(const nd_ws_binary_message *m) { return m->data.len ? 0 : "empty"; }
static const char *on_error(const nd_ws_error *m) { return m->error.len ? 0 : "empty"; }
static const char *on_close(const nd_ws_close *m) { return m->code ? 0 : "zero"; }
static const char *on_init(void) { return 0; }

ND_WS_ON_TEXT_MESSAGE(on_text)
ND_WS_ON_BINARY_MESSAGE(on_binary)
ND_WS_ON_ERROR(on_error)
ND_WS_ON_CLOSE(on_close)
ND_WS_ON_INIT(on_init)
