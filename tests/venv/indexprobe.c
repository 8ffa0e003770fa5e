/*
 * Test driver for the index reader: what the native installer's finder
 * sees of one project on one index (file:// or http://), and, with
 * --metadata, the PEP 658 metadata of each file as the finder fetches and
 * checks it.  Used by tests/venv/json-index.sh.
 *
 *   indexprobe [--metadata] INDEX-URL PROJECT
 *
 * One line per file: "FILENAME version=V yanked=0|1 sha256=HEX|-
 * metadata=HEX|true|-", then per file with metadata
 * "metadata FILENAME: Requires-Dist: a; b" or "error: MESSAGE".
 * Exit 0, or 1 when the index could not be read or a metadata file was
 * refused.
 */
#include "config.h"

#include "plugins/common/wheel_install.h"
#include "plugins/venv/finder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int want_meta = argc > 1 && strcmp(argv[1], "--metadata") == 0;
    if (argc != 3 + want_meta) {
        fprintf(stderr, "usage: indexprobe [--metadata] INDEX-URL PROJECT\n");
        return 2;
    }
    const char *index = argv[1 + want_meta], *project = argv[2 + want_meta];
    s2n_finder f;
    s2n_finder_init(&f);
    s2n_finder_add_index(&f, index);
    s2n_distfile *v = NULL;
    long n;
    char err[1024] = "";
    if (f.remote)
        n = s2n_finder_remote_files(&f, project, &v, err, sizeof err);
    else
        n = (long)s2n_finder_files(&f, project, &v);
    int rc = 0;
    if (n < 0) {
        printf("error: %s\n", err);
        rc = 1;
        n = 0;
    }
    for (long i = 0; i < n; i++)
        printf("%s version=%s yanked=%d sha256=%s metadata=%s\n", v[i].filename, v[i].version,
               v[i].yanked, v[i].sha256 ? v[i].sha256 : "-",
               v[i].metadata_sha256[0] ? v[i].metadata_sha256 : v[i].has_metadata ? "true" : "-");
    for (long i = 0; want_meta && i < n; i++) {
        char *text;
        size_t len;
        int got = s2n_distfile_metadata(&v[i], &text, &len, err, sizeof err);
        if (got < 0) {
            printf("error: %s\n", err);
            rc = 1;
        } else if (got > 0) {
            char **deps;
            size_t nd = s2n_meta_values(text, "Requires-Dist", &deps);
            printf("metadata %s: Requires-Dist:", v[i].filename);
            for (size_t k = 0; k < nd; k++)
                printf("%s %s", k ? ";" : "", deps[k]);
            printf("\n");
            s2n_strv_free(deps, nd);
            free(text);
        }
    }
    s2n_distfiles_free(v, (size_t)n);
    free(v);
    s2n_finder_free(&f);
    return rc;
}
