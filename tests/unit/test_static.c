/* ND_WS_STATIC + ND_WS_NO_DEFAULT_EXPORTS: only what is registered is
   exported, everything else is static. */
#define ND_WS_STATIC
#define ND_WS_NO_DEFAULT_EXPORTS
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "check.h"
#include "shim.h"

static int calls;
static int32_t last_code;
static const char *on_close(const nd_ws_close *m)
{
    calls++;
    last_code = m->code;
    return m->code == 1000 ? 0 : "not normal";
}
ND_WS_ON_CLOSE(on_close)

TEST(registered_export)
{
    shim_reset_str("{\"connectionId\":\"c\",\"code\":1000,\"reason\":\"\"}");
    CHECK_EQ_INT(nd_websocket_on_close(), 0);
    CHECK_EQ_INT(calls, 1);
    CHECK_EQ_INT(last_code, 1000);
    CHECK_STR(shim_output_str(), "{\"error\":null}");
    shim_reset_str("{\"connectionId\":\"c\",\"code\":4004,\"reason\":\"\"}");
    CHECK_EQ_INT(nd_websocket_on_close(), 1);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_close: not normal");
    shim_reset_str("{\"connectionId\":\"c\",\"reason\":\"\"}");
    CHECK_EQ_INT(nd_websocket_on_close(), 1);
    CHECK(check_contains(shim_error_str(), "missing field \"code\""));
    CHECK_EQ_INT(calls, 2);
    CHECK_EQ_INT(shim.violations, 0);
}

int main(void)
{
    shim_defaults();
    RUN(registered_export);
    return check_report();
}
