/*
 * layout — print the binary layout of the plugin ABI as a plain table:
 * the size of every struct, the offset and size of every member, the
 * value of every numeric constant.  The list of names is generated from
 * docs/abi-versions, so a name added to the ledger is checked at once.
 *
 * Built twice: against the current <s2nbuild/plugin.h> and, with
 * S2N_LAYOUT_SNAPSHOT, against the frozen tests/abi/plugin-1.0.h.
 * tests/abi/layout-check.sh compares the output with layout-1.*.txt.
 * This needs nothing but a C compiler (abidiff is the second opinion).
 */
#ifdef S2N_LAYOUT_SNAPSHOT
#include "plugin-1.0.h"
#else
#include <s2nbuild/plugin.h>
#endif

#include <stdio.h>

#define S2N_LAYOUT_SIZE(T) printf("size %s %zu\n", #T, sizeof(T));
#define S2N_LAYOUT_MEMBER(T, m) \
    printf("member %s.%s %zu %zu\n", #T, #m, offsetof(T, m), sizeof(((T *)0)->m));
#define S2N_LAYOUT_CONST(N) printf("const %s %lld\n", #N, (long long)(N));

int main(void)
{
    printf("pointer %zu\n", sizeof(void *));
#include S2N_LAYOUT_TABLE
    return 0;
}
