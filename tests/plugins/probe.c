/* probe: logs what each callback decoded, as hex, so tests can compare it
   byte for byte with what the host sent (see tests/host/CONTRACT.md). */
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

#include "report.h"

static const char *on_text(const nd_ws_text_message *m) { return report("text", m->connection_id, m->message.ptr, m->message.len, 0); }
static const char *on_binary(const nd_ws_binary_message *m) { return report("binary", m->connection_id, m->data.ptr, m->data.len, 0); }
static const char *on_error(const nd_ws_error *m) { return report("error", m->connection_id, m->error.ptr, m->error.len, 0); }
static const char *on_close(const nd_ws_close *m) { return report("close", m->connection_id, m->reason.ptr, m->reason.len, &m->code); }
ND_WS_ON_TEXT_MESSAGE(on_text)
ND_WS_ON_BINARY_MESSAGE(on_binary)
ND_WS_ON_ERROR(on_error)
ND_WS_ON_CLOSE(on_close)
