// libFuzzer target: the C interface over toml++ that reads pyproject.toml
// and pylock.toml.  toml++ parses files only through our wrapper, so each
// input goes through a memfd named by its /proc path; then the whole tree
// is walked the way the plugins walk it (types, scalars, positions).
#include "config.h"
#include "plugins/common/toml.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void walk(const s2n_toml_node *n, int depth)
{
    if (!n || depth > 64)
        return;
    char where[64];
    s2n_toml_where(n, where, sizeof where);
    (void)s2n_toml_type_name(n);
    int b;
    switch (s2n_toml_type_of(n)) {
    case S2N_TOML_TABLE:
        for (size_t i = 0; i < s2n_toml_len(n); i++) {
            const char *k = s2n_toml_key_at(n, i);
            if (k)
                walk(s2n_toml_get(n, k), depth + 1);
        }
        break;
    case S2N_TOML_ARRAY:
        for (size_t i = 0; i < s2n_toml_len(n); i++)
            walk(s2n_toml_at(n, i), depth + 1);
        break;
    case S2N_TOML_STRING:
        (void)s2n_toml_str(n);
        break;
    case S2N_TOML_BOOL:
        (void)s2n_toml_bool(n, &b);
        break;
    default:
        break;
    }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    if (fd < 0)
        fd = memfd_create("fuzz-toml", 0);
    if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char err[512];
    s2n_toml *doc = s2n_toml_parse_file(path, err, sizeof err);
    if (doc) {
        walk(s2n_toml_root(doc), 0);
        (void)s2n_toml_path(s2n_toml_root(doc), "project.optional-dependencies.test");
        s2n_toml_free(doc);
    }
    return 0;
}
