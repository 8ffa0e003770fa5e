/* libFuzzer target: the pipeline file reader (libyaml -> value tree ->
 * pipeline model -> graph checks) and ${...} interpolation. */
#include "config.h"
#include "core/interp.h"
#include "core/pipeline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    return strlen(name) % 2 ? "v" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pipeline p;
    diag d = {0};
    if (pipeline_parse(&p, "fuzz.yml", (const char *)data, size, &d) == 0 && p.nstages) {
        for (size_t i = 0; i < p.nstages; i++)
            if (p.stages[i].with && p.stages[i].with->kind == S2N_KIND_MAP)
                for (size_t k = 0; k < p.stages[i].with->n; k++) {
                    s2n_value *v = p.stages[i].with->items[k];
                    if (v->kind == S2N_KIND_STRING) {
                        char *missing = NULL, *bad = NULL;
                        free(interp_expand(v->str, lookup, NULL, &missing, &bad));
                        free(missing);
                        free(bad);
                    }
                }
    }
    diag_free(&d);
    pipeline_free(&p);
    return 0;
}
