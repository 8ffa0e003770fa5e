#include "config.h"
#include "core/report_html.h"
#include "core/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Logs beyond this show their end only: a report must stay openable. */
#define LOG_TAIL (256 * 1024)

static void esc(strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '&': sb_puts(b, "&amp;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&#39;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                sb_putc(b, ' ');
            else
                sb_putc(b, *s);
        }
    }
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static double jnum(json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static const char STYLE[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2329;"
    "background:#f5f6f8}"
    "header{padding:16px 24px;color:#fff}header.ok{background:#1f7a3d}"
    "header.failed{background:#b3261e}header.aborted{background:#8a5a00}"
    "header h1{margin:0 0 4px;font-size:20px}header p{margin:0;opacity:.9}"
    "main{padding:16px 24px;max-width:1200px}section{background:#fff;border-radius:6px;"
    "padding:12px 16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}"
    "h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e6ea;vertical-align:top}"
    "th{font-weight:600;color:#57606a}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
    "font-weight:600;color:#fff;background:#6e7781}"
    ".r-ok,.r-cached{background:#1f7a3d}.r-skipped,.r-not-run{background:#8c959f}"
    ".r-failed,.r-error,.r-crashed,.r-timeout,.r-exited{background:#b3261e}"
    ".r-aborted{background:#8a5a00}"
    ".timeline .lane{position:relative;height:18px;background:#eef0f3;border-radius:3px}"
    ".timeline .bar{position:absolute;top:0;height:18px;border-radius:3px;min-width:2px}"
    ".timeline td:first-child{width:160px;white-space:nowrap}.timeline td:nth-child(2){width:100%}"
    ".timeline .bar.badge{padding:0}"
    "code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}"
    "pre{background:#0d1117;color:#e6edf3;padding:8px;border-radius:4px;overflow:auto;"
    "max-height:480px;white-space:pre-wrap;word-break:break-all}"
    ".sha{word-break:break-all}details{margin:4px 0}summary{cursor:pointer}";

static void counts(strbuf *b, json_t *stages)
{
    size_t i;
    json_t *st;
    unsigned p = 0, f = 0, s = 0, e = 0, have = 0;
    json_array_foreach(stages, i, st)
    {
        json_t *t = json_object_get(st, "tests");
        if (!t)
            continue;
        have = 1;
        p += (unsigned)json_integer_value(json_object_get(t, "passed"));
        f += (unsigned)json_integer_value(json_object_get(t, "failed"));
        s += (unsigned)json_integer_value(json_object_get(t, "skipped"));
        e += (unsigned)json_integer_value(json_object_get(t, "errors"));
    }
    if (have)
        sb_printf(b, "<p id=\"tests\" data-passed=\"%u\" data-failed=\"%u\" data-skipped=\"%u\" "
                     "data-errors=\"%u\">Tests: %u passed, %u failed, %u skipped, %u errors</p>\n",
                  p, f, s, e, p, f, s, e);
}

static void timeline(strbuf *b, json_t *stages, double total)
{
    sb_puts(b, "<section class=\"timeline\"><h2>Timeline</h2><table>\n");
    size_t i;
    json_t *st;
    json_array_foreach(stages, i, st)
    {
        double start = jnum(st, "started"), dur = jnum(st, "duration");
        double left = total > 0 ? 100.0 * start / total : 0, width = total > 0 ? 100.0 * dur / total : 0;
        if (left > 100)
            left = 100;
        if (left + width > 100)
            width = 100 - left;
        const char *res = jstr(st, "result");
        sb_puts(b, "<tr><td>");
        esc(b, jstr(st, "name"));
        sb_printf(b, "</td><td><div class=\"lane\"><div class=\"bar badge r-%s\" style=\"left:%.2f%%;"
                     "width:%.2f%%\" title=\"", res, left, width);
        esc(b, jstr(st, "name"));
        sb_printf(b, ": %.2f s from %.2f s\"></div></div></td><td class=\"num\">%.2f s</td></tr>\n",
                  dur, start, dur);
    }
    sb_puts(b, "</table></section>\n");
}

static void results(strbuf *b, json_t *stages)
{
    sb_puts(b, "<section><h2>Stages</h2><table id=\"results\"><thead><tr><th>stage</th><th>type</th>"
               "<th>result</th><th>time</th><th>tests</th><th>details</th></tr></thead><tbody>\n");
    size_t i;
    json_t *st;
    json_array_foreach(stages, i, st)
    {
        const char *res = jstr(st, "result");
        sb_puts(b, "<tr class=\"stage\" data-stage=\"");
        esc(b, jstr(st, "name"));
        sb_printf(b, "\" data-result=\"%s\"><td><a href=\"#stage-", res);
        esc(b, jstr(st, "name"));
        sb_puts(b, "\">");
        esc(b, jstr(st, "name"));
        sb_puts(b, "</a></td><td>");
        esc(b, jstr(st, "type"));
        sb_printf(b, "</td><td><span class=\"badge r-%s\">%s</span></td><td class=\"num\">%.2f s</td><td>",
                  res, res, jnum(st, "duration"));
        json_t *t = json_object_get(st, "tests");
        if (t)
            sb_printf(b, "%lld passed, %lld failed, %lld skipped, %lld errors",
                      json_integer_value(json_object_get(t, "passed")),
                      json_integer_value(json_object_get(t, "failed")),
                      json_integer_value(json_object_get(t, "skipped")),
                      json_integer_value(json_object_get(t, "errors")));
        sb_puts(b, "</td><td>");
        esc(b, jstr(st, "message"));
        long long att = json_integer_value(json_object_get(st, "attempts"));
        if (att > 1)
            sb_printf(b, " (%lld attempts)", att);
        sb_puts(b, "</td></tr>\n");
    }
    sb_puts(b, "</tbody></table></section>\n");
}

static void stage_detail(strbuf *b, json_t *st, const char *run_dir, const mask *m)
{
    sb_puts(b, "<section class=\"detail\" id=\"stage-");
    esc(b, jstr(st, "name"));
    sb_puts(b, "\"><h2>");
    esc(b, jstr(st, "name"));
    sb_printf(b, " <span class=\"badge r-%s\">%s</span></h2>\n", jstr(st, "result"), jstr(st, "result"));
    json_t *pl = json_object_get(st, "plugin");
    if (pl) {
        sb_puts(b, "<p>plugin <code>");
        esc(b, jstr(pl, "file"));
        sb_puts(b, "</code> version ");
        esc(b, jstr(pl, "version"));
        sb_puts(b, ", ABI ");
        esc(b, jstr(pl, "abi"));
        sb_puts(b, "</p>\n");
    }
    json_t *outs = json_object_get(st, "outputs");
    if (json_object_size(outs)) {
        sb_puts(b, "<table class=\"outputs\"><tr><th>published</th><th>value</th></tr>\n");
        const char *k;
        json_t *v;
        json_object_foreach(outs, k, v)
        {
            sb_puts(b, "<tr><td>");
            esc(b, k);
            sb_puts(b, "</td><td><code>");
            esc(b, json_string_value(v));
            sb_puts(b, "</code></td></tr>\n");
        }
        sb_puts(b, "</table>\n");
    }
    json_t *arts = json_object_get(st, "artifacts");
    if (json_array_size(arts)) {
        sb_puts(b, "<table class=\"artifacts\"><tr><th>artifact</th><th>kind</th><th>size</th>"
                   "<th>sha256</th></tr>\n");
        size_t i;
        json_t *a;
        json_array_foreach(arts, i, a)
        {
            sb_puts(b, "<tr class=\"artifact\"><td title=\"");
            esc(b, jstr(a, "path"));
            sb_puts(b, "\">");
            esc(b, jstr(a, "name"));
            sb_puts(b, "</td><td>");
            esc(b, jstr(a, "kind"));
            sb_printf(b, "</td><td class=\"num\">%lld</td><td class=\"sha\"><code>",
                      json_integer_value(json_object_get(a, "size")));
            esc(b, jstr(a, "sha256"));
            sb_puts(b, "</code></td></tr>\n");
        }
        sb_puts(b, "</table>\n");
    }
    const char *log = jstr(st, "log");
    if (*log && !strstr(log, "..")) {
        char *path = path_join(run_dir, log);
        size_t len = 0;
        char *text = read_file(path, &len);
        free(path);
        if (text) {
            const char *from = text;
            int cut = 0;
            if (len > LOG_TAIL) {
                from = text + len - LOG_TAIL;
                cut = 1;
            }
            size_t mlen;
            char *masked = mask_apply(m, from, strlen(from), &mlen);
            sb_printf(b, "<details class=\"log\"%s><summary>log (%zu bytes%s)</summary><pre>",
                      strcmp(jstr(st, "result"), "ok") && strcmp(jstr(st, "result"), "cached") &&
                              strcmp(jstr(st, "result"), "skipped")
                          ? " open" : "",
                      len, cut ? ", last 256 KiB" : "");
            esc(b, masked);
            sb_puts(b, "</pre></details>\n");
            free(masked);
            free(text);
        }
    }
    sb_puts(b, "</section>\n");
}

int report_html_write_dir(const char *run_dir, const char *out_path, const mask *m, char **err)
{
    char *rec_path = path_join(run_dir, "record.json");
    json_error_t je;
    json_t *rec = json_load_file(rec_path, 0, &je);
    if (!rec) {
        *err = xasprintf("%s:%d:%d: %s", rec_path, je.line, je.column, je.text);
        free(rec_path);
        return -1;
    }
    free(rec_path);
    json_t *stages = json_object_get(rec, "stages");
    const char *result = jstr(rec, "result");
    double total = jnum(rec, "duration");
    strbuf b = {0};
    sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'\">\n<title>s2nbuild ");
    esc(&b, jstr(rec, "run_id"));
    sb_printf(&b, ": %s</title>\n<style>%s</style></head>\n<body>\n", result, STYLE);
    sb_printf(&b, "<header class=\"%s\" id=\"run\" data-result=\"%s\"><h1>s2nbuild run ",
              strcmp(result, "ok") == 0 ? "ok" : strcmp(result, "aborted") == 0 ? "aborted" : "failed",
              result);
    esc(&b, jstr(rec, "run_id"));
    sb_printf(&b, ": %s</h1><p>", result);
    esc(&b, jstr(rec, "pipeline"));
    sb_puts(&b, " &middot; started ");
    esc(&b, jstr(rec, "started"));
    sb_printf(&b, " &middot; %.2f s", total);
    if (*jstr(rec, "branch")) {
        sb_puts(&b, " &middot; branch ");
        esc(&b, jstr(rec, "branch"));
    }
    if (*jstr(rec, "commit")) {
        sb_puts(&b, " &middot; commit ");
        esc(&b, jstr(rec, "commit"));
    }
    sb_puts(&b, " &middot; s2nbuild ");
    esc(&b, jstr(rec, "s2nbuild"));
    sb_puts(&b, "</p></header>\n<main>\n");
    counts(&b, stages);
    timeline(&b, stages, total);
    results(&b, stages);
    size_t i;
    json_t *st;
    json_array_foreach(stages, i, st)
        stage_detail(&b, st, run_dir, m);
    sb_puts(&b, "</main>\n</body></html>\n");
    json_decref(rec);
    size_t n;
    char *masked = mask_apply(m, b.s, b.len, &n);
    sb_free(&b);
    char *out = out_path ? xstrdup(out_path) : path_join(run_dir, "report.html");
    int rc = write_file_atomic(out, masked, n);
    if (rc != 0)
        *err = xasprintf("cannot write %s: %s", out, strerror(errno));
    free(out);
    free(masked);
    return rc;
}
