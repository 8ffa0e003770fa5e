/* A test driver over the policy modules, standing in for the CLI until
 * the lead wires them in (core/POLICY-WIRING.md):
 *
 *   policy-tool export FORMAT FILE            the export on stdout
 *   policy-tool plan FILE [--branch B] [--event E] [--profile P]
 *                                             each stage: run/skip + reason
 *   policy-tool report RUN_DIR [OUT]          the HTML report of a run
 */
#include "config.h"
#include "core/ctxvars.h"
#include "core/export.h"
#include "core/pipeline.h"
#include "core/profile.h"
#include "core/report_html.h"
#include "core/secrets.h"
#include "core/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Until config.c takes secrets: entries with file:, and the stage keys
 * inputs:/cache:, its complaints about them are not ours to fail on. */
static int pending_wiring(const char *msg)
{
    return strstr(msg, "secrets: expected a string") || strstr(msg, "unknown key 'inputs'") ||
           strstr(msg, "unknown key 'cache'");
}

static int load(pipeline *p, const char *file, secret_set *secrets)
{
    diag d = {0};
    if (pipeline_load(p, file, &d) != 0) {
        diag_print(&d, stderr);
        diag_free(&d);
        return -1;
    }
    secrets_parse(value_get(p->root, "secrets"), p->workspace, secrets, &d);
    int bad = 0;
    for (size_t i = 0; i < d.n; i++)
        if (!pending_wiring(d.msgs[i])) {
            fprintf(stderr, "%s\n", d.msgs[i]);
            bad = 1;
        }
    for (size_t i = 0; i < p->nstages; i++) {
        diag w = {0};
        when_check(p->stages[i].when, &w);
        diag_print(&w, stderr);
        bad |= w.nerrors > 0;
        diag_free(&w);
    }
    diag_free(&d);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "export") == 0) {
        pipeline p;
        secret_set s = {0};
        int rc = 2;
        if (load(&p, argv[3], &s) == 0) {
            char *err = NULL;
            rc = export_pipeline(&p, &s, argv[2], stdout, &err) == 0 ? 0 : 2;
            if (err)
                fprintf(stderr, "%s\n", err);
            free(err);
        }
        secret_set_free(&s);
        pipeline_free(&p);
        return rc;
    }
    if (argc >= 3 && strcmp(argv[1], "plan") == 0) {
        for (int i = 3; i + 1 < argc; i += 2) {
            char *err = NULL;
            if (ctxvars_override(argv[i] + 2, argv[i + 1], &err) != 0) {
                fprintf(stderr, "%s\n", err);
                free(err);
                return 2;
            }
        }
        pipeline p;
        secret_set s = {0};
        if (load(&p, argv[2], &s) != 0)
            return 2;
        char *state = path_join(p.workspace, ".s2nbuild");
        when_source *src = when_source_new(p.workspace, state);
        for (size_t k = 0; k < p.nstages; k++) {
            stage_def *st = &p.stages[p.order[k]];
            char *why = NULL;
            int r = when_decide(st->when, src, &why);
            printf("%-10s %s: %s\n", st->name, r == WHEN_RUN ? "run " : "skip", why);
            free(why);
        }
        when_source_free(src);
        free(state);
        secret_set_free(&s);
        pipeline_free(&p);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "report") == 0) {
        char *err = NULL;
        char *out = argc >= 4 ? xstrdup(argv[3]) : NULL;
        if (report_html_write_dir(argv[2], out, NULL, &err) != 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            free(out);
            return 2;
        }
        free(out);
        return 0;
    }
    fprintf(stderr, "usage: policy-tool export FORMAT FILE | plan FILE [--branch B] [--event E] | "
                    "report RUN_DIR [OUT]\n");
    return 2;
}
