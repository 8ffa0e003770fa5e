/* libFuzzer target: requirement lines (PEP 508 with pip's options, hashes,
 * markers) as the venv plugin reads them, line by line, and every marker
 * evaluated against a fixed environment. */
#include "config.h"
#include "plugins/common/requirements.h"
#include "plugins/common/venv_pep508.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *const markers[] = {"posix", "linux", "x86_64", "CPython", "6.1.0", "Linux",
                                "#1 SMP", "3.11", "3.11.2", "cpython", "3.11.2"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    s2n_marker_env env = {markers, ""};
    s2n_reqset rs;
    s2n_reqset_init(&rs, &env);
    char err[512];
    int line = 0;
    for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        s2n_reqset_add_line(&rs, p, "fuzz", line, err, sizeof err);
        s2n_dep d;
        int col;
        if (s2n_dep_parse(p, &d, err, sizeof err, &col) == 0) {
            if (d.marker)
                s2n_marker_eval(d.marker, &env, err, sizeof err);
            s2n_dep_free(&d);
        }
    }
    s2n_reqset_free(&rs);
    free(text);
    return 0;
}
