/* initsend: the very first thing nd_on_init does is a host-service call, so
   the request is the first text in a fresh instance's arena (which then has
   no memory yet). It must reach the host: the host's own error comes back. */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

static const char *on_init(void) { return nd_ws_send_text("nobody", "hi", 2); }
ND_WS_ON_INIT(on_init)
