/* Reads requirement strings, one a line, and prints "1" or "0" for each:
 * the build plugin's PEP 508 check (plugins/build/pep508.c), for
 * pep508-test.sh to compare with packaging.requirements. */
#include "plugins/build/pep508.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        printf("%d\n", pep508_valid(line));
    }
    return 0;
}
