/* Shared helpers of the policy unit tests. */
#ifndef S2N_TESTS_POLICY_UNIT_H
#define S2N_TESTS_POLICY_UNIT_H

#include "core/diag.h"
#include "core/util.h"
#include "core/value.h"

#include <CUnit/CUnit.h>

/* YAML text -> value tree (asserts it parses). */
s2n_value *yaml(const char *text);
/* 1 when some diagnostic contains `needle`. */
int diag_has(const diag *d, const char *needle);
/* A fresh empty temporary directory (malloc'd). */
char *temp_dir(void);
/* Runs a shell command in dir; returns its exit status. */
int sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void write_text(const char *path, const char *text);

void add_glob_when_tests(void);
void add_changes_tests(void);
void add_secrets_tests(void);
void add_profile_tests(void);
void add_cache_tests(void);
void add_export_tests(void);
void add_report_tests(void);
void add_resume_tests(void);
void add_schema_tests(void);

#endif
