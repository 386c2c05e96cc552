/* Only on_text_message registered: the other callbacks are exported as stubs
   that succeed without reading their input or writing output. */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "check.h"
#include "shim.h"

static int calls;
static const char *on_text(const nd_ws_text_message *m)
{
    calls++;
    return m->message.len ? 0 : "empty message";
}
ND_WS_ON_TEXT_MESSAGE(on_text)

TEST(unregistered_are_stubs)
{
    int32_t (*const stubs[3])(void) = {nd_websocket_on_binary_message, nd_websocket_on_error, nd_websocket_on_close};
    int i;
    for (i = 0; i < 3; i++) {
        shim_reset_str("not even JSON");
        CHECK_EQ_INT(stubs[i](), 0);
        CHECK_EQ_INT(shim.input_reads, 0);
        CHECK_EQ_INT(shim.output_calls, 0);
        CHECK_EQ_INT(shim.error_calls, 0);
        CHECK_EQ_INT(shim.alloc_calls, 0);
    }
    CHECK_EQ_INT(calls, 0);
}

TEST(registered_works)
{
    shim_reset_str("{\"connectionId\":\"c\",\"message\":\"hi\"}");
    CHECK_EQ_INT(nd_websocket_on_text_message(), 0);
    CHECK_EQ_INT(calls, 1);
    CHECK_STR(shim_output_str(), "{\"error\":null}");
    shim_reset_str("{\"connectionId\":\"c\",\"message\":\"\"}");
    CHECK_EQ_INT(nd_websocket_on_text_message(), 1);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_text_message: empty message");
    CHECK_STR(shim_output_str(), "{\"error\":\"nd_ws: nd_websocket_on_text_message: empty message\"}");
    CHECK_EQ_INT(shim.violations, 0);
}

int main(void)
{
    shim_defaults();
    RUN(unregistered_are_stubs);
    RUN(registered_works);
    return check_report();
}
