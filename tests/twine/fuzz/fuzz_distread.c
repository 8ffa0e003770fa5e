/* libFuzzer target: reading the metadata member of hostile wheels and
 * sdists (the input is written as both a .whl and a .tar.gz). */
#include "plugins/common/distread.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void one(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    char err[512];
    size_t len;
    free(s2n_dist_read_metadata(path, &len, err, sizeof err));
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char w[64], s[64];
    snprintf(w, sizeof w, "/tmp/fuzz-dist.%d.whl", (int)getpid());
    snprintf(s, sizeof s, "/tmp/fuzz-dist.%d.tar.gz", (int)getpid());
    one(w, data, size);
    one(s, data, size);
    return 0;
}
