/* libFuzzer target: .pypirc parsing and repository resolution. */
#include "plugins/common/pypirc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz-pypirc.%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    s2n_pypirc *rc;
    char err[256];
    if (s2n_pypirc_load(path, 0, &rc, err, sizeof err) == 0) {
        const char *name;
        s2n_pypirc_repo repo;
        for (size_t i = 0; (name = s2n_pypirc_index_server(rc, i, 1)); i++)
            s2n_pypirc_repository(rc, name, &repo, err, sizeof err);
        s2n_pypirc_repository(rc, "pypi", &repo, err, sizeof err);
        s2n_pypirc_free(rc);
    }
    unlink(path);
    return 0;
}
