/* libFuzzer target: core metadata parsing, then everything the twine
 * stage does with it (checks, pkginfo folding, the upload form). */
#include "plugins/common/coremeta.h"
#include "plugins/twine/check.h"
#include "plugins/twine/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void quiet(void *ud, const char *file, const char *msg)
{
    (void)ud, (void)file, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s2n_coremeta m;
    char err[256];
    if (s2n_coremeta_parse((const char *)data, size, &m, err, sizeof err) != 0)
        return 0;
    s2n_dist_kind kinds[] = {S2N_DIST_WHEEL, S2N_DIST_SDIST};
    const char *names[] = {"x-1.0-py3-none-any.whl", "x-1.0.tar.gz"};
    for (int k = 0; k < 2; k++) {
        twine_check(&m, kinds[k], names[k], quiet, quiet, NULL);
        s2n_digests d;
        memset(&d, 0, sizeof d);
        twine_form f;
        if (twine_form_build(&f, &m, kinds[k], names[k], &d) == 0)
            twine_form_free(&f);
    }
    s2n_coremeta_free(&m);
    return 0;
}
