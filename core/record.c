/* What a run leaves behind: record.json, junit.xml, the `latest` link,
 * and the one-screen summary.  Everything passes through the mask. */
#include "config.h"
#include "core/policy.h"
#include "core/run.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

extern const char s2n_version[];

static json_t *stage_json(run *r, stage_run *sr)
{
    json_t *arts = json_array();
    for (size_t i = 0; i < sr->narts; i++)
        json_array_append_new(arts, json_pack("{s:s,s:s,s:s,s:s,s:I}", "path", sr->arts[i].path,
                                              "name", sr->arts[i].name, "kind", sr->arts[i].kind,
                                              "sha256", sr->arts[i].sha256, "size",
                                              (json_int_t)sr->arts[i].size));
    json_t *outs = json_object();
    for (size_t i = 0; i < sr->out_keys.n; i++)
        json_object_set_new(outs, sr->out_keys.v[i], json_string(sr->out_vals.v[i]));
    double dur = sr->end > sr->start && sr->start > 0 ? sr->end - sr->start : 0;
    json_t *j = json_pack("{s:s,s:s,s:s,s:f,s:f,s:i,s:o,s:o}", "name", sr->def->name, "type",
                          sr->def->type, "result", outcome_name(sr->outcome), "started",
                          sr->start > 0 ? sr->start - r->started_mono : 0.0, "duration", dur,
                          "attempts", sr->attempts, "artifacts", arts, "outputs", outs);
    if (sr->message)
        json_object_set_new(j, "message", json_string(sr->message));
    if (sr->retryable)
        json_object_set_new(j, "retryable", json_true());
    if (sr->log_path && access(sr->log_path, F_OK) == 0)
        json_object_set_new(j, "log", json_string(sr->log_path + strlen(r->dir) + 1));
    if (sr->has_tests)
        json_object_set_new(j, "tests", json_pack("{s:i,s:i,s:i,s:i}", "passed", sr->tests[0],
                                                  "failed", sr->tests[1], "skipped", sr->tests[2],
                                                  "errors", sr->tests[3]));
    if (WIFSIGNALED(sr->status) && sr->outcome == OUT_CRASHED)
        json_object_set_new(j, "signal", json_integer(WTERMSIG(sr->status)));
    if (sr->outcome == OUT_EXITED && WIFEXITED(sr->status))
        json_object_set_new(j, "exit_status", json_integer(WEXITSTATUS(sr->status)));
    const plugin *pl = sr->def->plugin;
    if (pl) {
        char *abi = xasprintf("%u.%u", pl->desc->abi_major, pl->desc->abi_minor);
        json_object_set_new(j, "plugin", json_pack("{s:s,s:s,s:s}", "file", pl->file, "version",
                                                   pl->desc->version, "abi", abi));
        free(abi);
    }
    return j;
}

static void xml_escape(strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '&': sb_puts(b, "&amp;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        default:
            /* XML 1.0 forbids most control characters even escaped */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
                sb_putc(b, '?');
            else
                sb_putc(b, *s);
        }
    }
}

/* The <testsuite> elements of a plugin's JUnit file, copied as text: the
 * file is produced by a tool (pytest) and well-formed; we only strip its
 * prologue and an enclosing <testsuites>. */
static void merge_junit(strbuf *b, const char *path)
{
    size_t len;
    char *x = read_file(path, &len);
    if (!x)
        return;
    char *start = strstr(x, "<testsuite ");
    if (!start)
        start = strstr(x, "<testsuite>");
    char *end = NULL;
    for (char *p = x; (p = strstr(p, "</testsuite>")); p += 12)
        end = p + 12;
    if (start && end && end > start) {
        sb_add(b, start, (size_t)(end - start));
        sb_putc(b, '\n');
    }
    free(x);
}

static char *junit_xml(run *r)
{
    strbuf b = {0};
    unsigned tests = 0, failures = 0, errors = 0, skipped = 0;
    strbuf cases = {0};
    for (size_t i = 0; i < r->n; i++) {
        stage_run *sr = &r->st[i];
        if (!sr->selected)
            continue;
        tests++;
        double dur = sr->end > sr->start && sr->start > 0 ? sr->end - sr->start : 0;
        sb_puts(&cases, "    <testcase classname=\"s2nbuild.stage\" name=\"");
        xml_escape(&cases, sr->def->name);
        sb_printf(&cases, "\" time=\"%.3f\">", dur);
        const char *msg = sr->message ? sr->message : outcome_name(sr->outcome);
        if (sr->outcome == OUT_FAILED) {
            failures++;
            sb_puts(&cases, "<failure message=\"");
            xml_escape(&cases, msg);
            sb_puts(&cases, "\"/>");
        } else if (sr->outcome == OUT_SKIPPED || sr->outcome == OUT_NOTRUN) {
            skipped++;
            sb_puts(&cases, "<skipped message=\"");
            xml_escape(&cases, msg);
            sb_puts(&cases, "\"/>");
        } else if (!outcome_good(sr->outcome)) {
            errors++;
            sb_printf(&cases, "<error type=\"%s\" message=\"", outcome_name(sr->outcome));
            xml_escape(&cases, msg);
            sb_puts(&cases, "\"/>");
        }
        sb_puts(&cases, "</testcase>\n");
    }
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n");
    sb_printf(&b, "  <testsuite name=\"s2nbuild\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
                  "skipped=\"%u\" time=\"%.3f\">\n", tests, failures, errors, skipped,
              r->finished_mono - r->started_mono);
    if (cases.s)
        sb_puts(&b, cases.s);
    sb_puts(&b, "  </testsuite>\n");
    sb_free(&cases);
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->st[i].junit.n; k++)
            merge_junit(&b, r->st[i].junit.v[k]);
    sb_puts(&b, "</testsuites>\n");
    return sb_steal(&b);
}

static int write_masked(run *r, const char *path, const char *text)
{
    size_t n;
    char *m = mask_apply(r->mask, text, strlen(text), &n);
    int rc = write_file_atomic(path, m, n);
    free(m);
    return rc;
}

int record_write(run *r)
{
    json_t *stages = json_array();
    for (size_t i = 0; i < r->n; i++)
        if (r->st[i].selected)
            json_array_append_new(stages, stage_json(r, &r->st[i]));
    char ts[32];
    time_t t = (time_t)r->started_wall;
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    json_t *rec = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:f,s:i,s:s,s:o}", "format", 1, "s2nbuild",
                            s2n_version, "run_id", r->id, "pipeline", r->p->file, "workspace",
                            r->p->workspace, "started", ts, "duration",
                            r->finished_mono - r->started_mono, "exit_code", r->exit_code,
                            "result", r->abort_signal ? "aborted" : r->exit_code ? "failed" : "ok",
                            "stages", stages);
    if (r->abort_signal)
        json_object_set_new(rec, "signal", json_integer(r->abort_signal));
    policy_record_fields(rec);
    char *text = json_dumps(rec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(rec);
    char *path = xasprintf("%s/record.json", r->dir);
    int rc = write_masked(r, path, text);
    int e = errno; /* the first failure is the one to report */
    free(path);
    free(text);
    char *junit = junit_xml(r);
    path = xasprintf("%s/junit.xml", r->dir);
    if (write_masked(r, path, junit) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    free(path);
    free(junit);
    if (rc != 0) {
        /* runs/latest keeps pointing at the last whole record */
        errno = e;
        return rc;
    }
    /* runs/latest -> <id>, replaced atomically */
    char *tmp = xasprintf("%s/../latest.tmp.%ld", r->dir, (long)getpid());
    char *latest = xasprintf("%s/../latest", r->dir);
    unlink(tmp);
    if (symlink(r->id, tmp) == 0 && rename(tmp, latest) != 0)
        unlink(tmp);
    free(tmp);
    free(latest);
    return rc;
}

void summary_print(run *r, FILE *out)
{
    int color = r->color;
    fprintf(out, "\n%-16s %-9s %8s  %s\n", "stage", "result", "time", "details");
    for (size_t i = 0; i < r->n; i++) {
        stage_run *sr = &r->st[i];
        if (!sr->selected)
            continue;
        double dur = sr->end > sr->start && sr->start > 0 ? sr->end - sr->start : 0;
        const char *c = !color ? "" : outcome_good(sr->outcome) ? "\033[32m"
                                  : sr->outcome == OUT_NOTRUN     ? "\033[33m"
                                                                  : "\033[31m";
        strbuf d = {0};
        if (sr->has_tests)
            sb_printf(&d, "%u passed, %u failed, %u skipped, %u errors", sr->tests[0], sr->tests[1],
                      sr->tests[2], sr->tests[3]);
        if (sr->narts)
            sb_printf(&d, "%s%zu artifact%s", d.len ? "; " : "", sr->narts, sr->narts == 1 ? "" : "s");
        if (sr->attempts > 1)
            sb_printf(&d, "%s%d attempts", d.len ? "; " : "", sr->attempts);
        if (sr->message)
            sb_printf(&d, "%s%s", d.len ? "; " : "", sr->message);
        char *m = mask_apply(r->mask, d.s ? d.s : "", d.len, NULL);
        fprintf(out, "%-16s %s%-9s%s %7.2fs  %s\n", sr->def->name, c, outcome_name(sr->outcome),
                color ? "\033[0m" : "", dur, m);
        free(m);
        sb_free(&d);
    }
    /* a record that could not be written (full disk) is not announced */
    char *rec = xasprintf("%s/record.json", r->dir);
    int have = access(rec, F_OK) == 0;
    fprintf(out, "run %s: %s in %.2fs — record: %s\n", r->id,
            r->abort_signal ? "aborted" : r->exit_code ? "FAILED" : "ok",
            r->finished_mono - r->started_mono, have ? rec : "not written (see above)");
    free(rec);
}
