/* The native unit tests of nd_ws.h (see tests/native.mk). */
#include "check.h"
#include "shim.h"
#include "suites.h"

int main(void)
{
    shim_defaults();
    suite_scanner();
    suite_unescape();
    suite_numbers();
    suite_base64();
    suite_results();
    suite_errors();
#ifdef ND_WS_TEST_CLIENT
    suite_client();
#endif
    return check_report();
}
