/* plugin.h - the test plugin (handlers.c): every callback registered, each
   recording what it saw. Test helpers to call an export and check the
   result against the documented contract. */
#ifndef PLUGIN_H
#define PLUGIN_H

/* a string literal as (pointer, length), NUL bytes included */
#define LIT(s) (s), (sizeof(s) - 1)

#include <stddef.h>
#include <stdint.h>
#include "../../nd_ws.h"
#include "shim.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { K_TEXT, K_BINARY, K_ERROR, K_CLOSE, K_INIT };

typedef struct rec_t {
    int calls;        /* handler calls since the last call_export */
    int kind;
    unsigned char *id; size_t id_len;
    unsigned char *val; size_t val_len;  /* message / data / error / reason */
    int32_t code;
    int nul_terminated;                  /* every view string had a NUL after it */
} rec_t;

extern rec_t rec;
/* what a handler returns (NULL: success); for the next call_export only */
extern const char *handler_result;
/* when set, handlers return hook(kind, view) instead (the view is the
   nd_ws_* struct for that kind; NULL for init). For the next call_export only. */
typedef const char *(*hook_fn)(int kind, const void *view);
extern hook_fn handler_hook;

/* The exports' names as nd_ws.h writes them in messages. */
extern const char *const export_name[5];

/* Reset the shim and the record, set the input, call the export of kind. */
int32_t call_export(int kind, const void *input, size_t len);
int32_t call_str(int kind, const char *input);

/* Check a call's result. Return 1 if everything held (failures are
   reported through check.h with the caller's line). */
int expect_success_at(const char *file, int line, int32_t rc);
/* failure of kind with the handler not called, the error containing phrase
   (may be NULL) */
int expect_failure_at(const char *file, int line, int kind, int32_t rc, const char *phrase, int handler_called);
#define expect_success(rc) expect_success_at(__FILE__, __LINE__, (rc))
#define expect_failure(kind, rc, phrase) expect_failure_at(__FILE__, __LINE__, (kind), (rc), (phrase), 0)
#define expect_handler_failure(kind, rc, phrase) expect_failure_at(__FILE__, __LINE__, (kind), (rc), (phrase), 1)

/* The error detail after "nd_ws: nd_<export>: " ("" if none). */
const char *error_detail(int kind);
/* N in the first "at byte N" / "at character N" after word; -1 if absent */
long long error_number_after(const char *word);

#ifdef __cplusplus
}
#endif
#endif
