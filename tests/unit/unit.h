/* Each test file registers one CUnit suite. */
#ifndef S2N_TEST_UNIT_H
#define S2N_TEST_UNIT_H
#include <CUnit/CUnit.h>
void suite_yaml(void);
void suite_interp(void);
void suite_mask(void);
void suite_pipeline(void);
void suite_schema(void);
void suite_record(void);
/* Write text to a fresh temp file; returns its malloc'd path. */
char *unit_temp_file(const char *name, const char *text);
#endif
