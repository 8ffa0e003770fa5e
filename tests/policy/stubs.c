/* Suites not written yet register nothing. */
#include "config.h"
#include "tests/policy/unit.h"

void add_export_tests(void) {}
void add_report_tests(void) {}
