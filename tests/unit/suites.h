#ifndef SUITES_H
#define SUITES_H
#ifdef __cplusplus
extern "C" {
#endif
void suite_scanner(void);
void suite_unescape(void);
void suite_numbers(void);
void suite_base64(void);
void suite_results(void);
void suite_errors(void);
void suite_client(void);
#ifdef __cplusplus
}
#endif
#endif
