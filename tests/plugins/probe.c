/* probe: logs what each callback decoded, as hex, so tests can compare it
   byte for byte with what the host sent (see tests/host/CONTRACT.md). */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

#include "report.h"

static const char *on_text(const nd_ws_text_message *m) { return report("text", m->connection_id, m->message.ptr, m->message.len, 0); }
ND_WS_ON_TEXT_MESSAGE(on_text)
