#include "config.h"
#include "core/export.h"

#include <stdlib.h>
#include <string.h>

const char *const export_formats[] = {"jenkinsfile", "github-actions", NULL};

/* ------------------------------------------------------------- common */

/* Depth of each stage in the DAG: 0 without needs, else 1 + deepest need. */
static size_t *levels(const pipeline *p, size_t *max)
{
    size_t *lv = xcalloc(p->nstages + 1, sizeof *lv);
    *max = 0;
    for (size_t k = 0; k < p->nstages; k++) {
        size_t i = p->order ? p->order[k] : k;
        const stage_def *s = &p->stages[i];
        for (size_t n = 0; n < s->needs.n; n++) {
            const stage_def *up = pipeline_find(p, s->needs.v[n]);
            if (up && lv[up->index] + 1 > lv[i])
                lv[i] = lv[up->index] + 1;
        }
        if (lv[i] > *max)
            *max = lv[i];
    }
    return lv;
}

/* `-f FILE` when the pipeline file has a name s2nbuild would not find. */
static char *file_arg(const pipeline *p)
{
    const char *base = strrchr(p->file, '/');
    base = base ? base + 1 : p->file;
    if (strcmp(base, "s2nbuild.yml") == 0 || strcmp(base, "s2nbuild.yaml") == 0)
        return xstrdup("");
    return xasprintf(" -f %s", base);
}

static const char *source_name(const pipeline *p)
{
    const char *base = strrchr(p->file, '/');
    return base ? base + 1 : p->file;
}


/* ------------------------------------------------------------- Groovy */

/* A single-quoted Groovy string literal. */
static void gq(strbuf *b, const char *s)
{
    sb_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            sb_putc(b, '\\');
        if (*s == '\n')
            sb_puts(b, "\\n");
        else
            sb_putc(b, *s);
    }
    sb_putc(b, '\'');
}

static void indent(strbuf *b, int n)
{
    for (int i = 0; i < n; i++)
        sb_puts(b, "    ");
}

/* A condition; one written over several lines gets each indented. */
static void cond_lines(strbuf *b, int ind, const char *cond)
{
    for (const char *s = cond; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        indent(b, ind);
        sb_add(b, s, n);
        sb_putc(b, '\n');
        s += n + (nl != NULL);
    }
}

/* One condition, or anyOf { ... } of several. */
static void any_of(strbuf *b, int ind, strvec *conds)
{
    if (conds->n == 1) {
        cond_lines(b, ind, conds->v[0]);
        return;
    }
    indent(b, ind);
    sb_puts(b, "anyOf {\n");
    for (size_t i = 0; i < conds->n; i++)
        cond_lines(b, ind + 1, conds->v[i]);
    indent(b, ind);
    sb_puts(b, "}\n");
}

static char *g_call(const char *fmt, const char *arg)
{
    strbuf q = {0};
    gq(&q, arg);
    char *s = xasprintf(fmt, q.s);
    sb_free(&q);
    return s;
}

/* Jenkins `when { ... }` for a stage's conditions (NULL: none to write). */
static void jenkins_when(strbuf *b, int ind, const s2n_value *when)
{
    if (!when || when->kind != S2N_KIND_MAP || when->n == 0)
        return;
    const char *items[64];
    enum { MAX_GROUPS = 16 };
    strvec groups[MAX_GROUPS] = {{0}};
    size_t ngroups = 0;
    strbuf notes = {0};
    for (size_t k = 0; k < when->n; k++) {
        const char *key = when->keys[k];
        const s2n_value *v = when->items[k];
        size_t n = value_strings(v, items, 64);
        if (ngroups == MAX_GROUPS)
            break;
        strvec *g = &groups[ngroups];
        if (strcmp(key, "branch") == 0) {
            for (size_t i = 0; i < n; i++)
                sv_push(g, g_call("branch %s", items[i]));
        } else if (strcmp(key, "tag") == 0) {
            for (size_t i = 0; i < n; i++)
                sv_push(g, g_call("tag pattern: %s, comparator: 'GLOB'", items[i]));
        } else if (strcmp(key, "event") == 0) {
            for (size_t i = 0; i < n; i++) {
                if (strcmp(items[i], "pull_request") == 0)
                    sv_push(g, xstrdup("changeRequest()"));
                else if (strcmp(items[i], "tag") == 0)
                    sv_push(g, xstrdup("buildingTag()"));
                else if (strcmp(items[i], "manual") == 0)
                    sv_push(g, xstrdup("triggeredBy 'UserIdCause'"));
                else
                    sv_push(g, xstrdup("allOf {\n    not { changeRequest() }\n    not { buildingTag() }\n}"));
            }
        } else if (strcmp(key, "env") == 0 && v && v->kind == S2N_KIND_MAP) {
            /* all of them must hold: each its own group */
            for (size_t i = 0; i < v->n && ngroups < MAX_GROUPS; i++) {
                strbuf c = {0};
                sb_puts(&c, "environment name: ");
                gq(&c, v->keys[i]);
                sb_puts(&c, ", value: ");
                gq(&c, v->items[i] && v->items[i]->kind == S2N_KIND_STRING ? v->items[i]->str : "");
                sv_push(&groups[ngroups++], sb_steal(&c));
            }
            continue;
        } else if (strcmp(key, "changes") == 0) {
            sb_puts(&notes, "changes:");
            for (size_t i = 0; i < n; i++)
                sb_printf(&notes, " %s", items[i]);
            continue;
        }
        if (g->n)
            ngroups++;
    }
    if (notes.len) {
        indent(b, ind);
        sb_printf(b, "// %s -- decided by s2nbuild itself (it compares with the last green "
                     "build; Jenkins' changeset is empty on a first build)\n", notes.s);
    }
    sb_free(&notes);
    if (!ngroups)
        return;
    indent(b, ind);
    sb_puts(b, "when {\n");
    if (ngroups == 1) {
        any_of(b, ind + 1, &groups[0]);
    } else {
        indent(b, ind + 1);
        sb_puts(b, "allOf {\n");
        for (size_t g = 0; g < ngroups; g++)
            any_of(b, ind + 2, &groups[g]);
        indent(b, ind + 1);
        sb_puts(b, "}\n");
    }
    indent(b, ind);
    sb_puts(b, "}\n");
    for (size_t g = 0; g < MAX_GROUPS; g++)
        sv_free(&groups[g]);
}

static char *file_var(const secret_def *sd)
{
    /* file: ${GH_TOKEN_FILE} names the variable Jenkins binds */
    const char *f = sd->file;
    size_t n = strlen(f);
    if (n > 3 && f[0] == '$' && f[1] == '{' && f[n - 1] == '}' &&
        strspn(f + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n - 3)
        return xstrndup(f + 2, n - 3);
    return xasprintf("%s_FILE", sd->name);
}

static void jenkins_credentials(strbuf *b, const secret_set *secrets)
{
    sb_puts(b, "[");
    for (size_t i = 0; i < secrets->n; i++) {
        const secret_def *sd = &secrets->v[i];
        const char *id = sd->credential ? sd->credential : sd->name;
        if (i)
            sb_puts(b, ", ");
        if (sd->file) {
            char *var = file_var(sd);
            sb_puts(b, "file(credentialsId: ");
            gq(b, id);
            sb_puts(b, ", variable: ");
            gq(b, var);
            sb_puts(b, ")");
            free(var);
        } else {
            sb_puts(b, "string(credentialsId: ");
            gq(b, id);
            sb_puts(b, ", variable: ");
            gq(b, sd->env ? sd->env : sd->name);
            sb_puts(b, ")");
        }
    }
    sb_puts(b, "]");
}

static void jenkins_stage(strbuf *b, int ind, const pipeline *p, const stage_def *s,
                          const secret_set *secrets, const char *farg)
{
    indent(b, ind);
    sb_puts(b, "stage(");
    gq(b, s->name);
    sb_puts(b, ") {\n");
    jenkins_when(b, ind + 1, s->when);
    indent(b, ind + 1);
    sb_puts(b, "steps {\n");
    if (s->needs.n) {
        /* the state of earlier stages, also when they ran on another
         * agent; a stage skipped by its when: left none */
        indent(b, ind + 2);
        sb_puts(b, "script {\n");
        for (size_t i = 0; i < s->needs.n; i++) {
            indent(b, ind + 3);
            sb_puts(b, "try { unstash ");
            char *n = xasprintf("s2nbuild-%s", s->needs.v[i]);
            gq(b, n);
            free(n);
            sb_puts(b, " } catch (e) { echo ");
            char *m = xasprintf("no state from %s (skipped?)", s->needs.v[i]);
            gq(b, m);
            free(m);
            sb_puts(b, " }\n");
        }
        indent(b, ind + 2);
        sb_puts(b, "}\n");
    }
    char *cmd = xasprintf("s2nbuild run%s --only %s", farg, s->name);
    if (secrets && secrets->n) {
        indent(b, ind + 2);
        sb_puts(b, "withCredentials(");
        jenkins_credentials(b, secrets);
        sb_puts(b, ") {\n");
        indent(b, ind + 3);
        sb_puts(b, "sh ");
        gq(b, cmd);
        sb_puts(b, "\n");
        indent(b, ind + 2);
        sb_puts(b, "}\n");
    } else {
        indent(b, ind + 2);
        sb_puts(b, "sh ");
        gq(b, cmd);
        sb_puts(b, "\n");
    }
    free(cmd);
    indent(b, ind + 1);
    sb_puts(b, "}\n");
    indent(b, ind + 1);
    sb_puts(b, "post {\n");
    indent(b, ind + 2);
    sb_puts(b, "always {\n");
    indent(b, ind + 3);
    char *stash = xasprintf("s2nbuild-%s", s->name);
    sb_puts(b, "stash name: ");
    gq(b, stash);
    free(stash);
    sb_puts(b, ", includes: '.s2nbuild/runs/**,.s2nbuild/cache/**', allowEmpty: true\n");
    indent(b, ind + 3);
    sb_puts(b, "junit testResults: '.s2nbuild/runs/latest/junit.xml', allowEmptyResults: true\n");
    indent(b, ind + 3);
    sb_puts(b, "archiveArtifacts artifacts: '.s2nbuild/runs/latest/**', allowEmptyArchive: true, "
               "fingerprint: true\n");
    indent(b, ind + 2);
    sb_puts(b, "}\n");
    indent(b, ind + 1);
    sb_puts(b, "}\n");
    indent(b, ind);
    sb_puts(b, "}\n");
    (void)p;
}

int export_jenkinsfile(const pipeline *p, const secret_set *secrets, FILE *out)
{
    strbuf b = {0};
    size_t max;
    size_t *lv = levels(p, &max);
    char *farg = file_arg(p);
    sb_printf(&b, "// Generated by `s2nbuild export jenkinsfile` from %s: edit that file and\n"
                  "// export again.  Each step runs one stage with `s2nbuild run --only NAME`;\n"
                  "// s2nbuild checks every stage's when: itself as well.\n",
              source_name(p));
    sb_puts(&b, "pipeline {\n"
                "    agent any\n"
                "    options {\n"
                "        disableConcurrentBuilds()\n"
                "    }\n"
                "    stages {\n");
    for (size_t l = 0; l <= max; l++) {
        size_t count = 0;
        for (size_t i = 0; i < p->nstages; i++)
            count += lv[i] == l;
        if (count == 1) {
            for (size_t i = 0; i < p->nstages; i++)
                if (lv[i] == l)
                    jenkins_stage(&b, 2, p, &p->stages[i], secrets, farg);
            continue;
        }
        strbuf title = {0};
        for (size_t i = 0; i < p->nstages; i++)
            if (lv[i] == l)
                sb_printf(&title, "%s%s", title.len ? ", " : "parallel: ", p->stages[i].name);
        indent(&b, 2);
        sb_puts(&b, "stage(");
        gq(&b, title.s);
        sb_puts(&b, ") {\n");
        sb_free(&title);
        indent(&b, 3);
        sb_puts(&b, "parallel {\n");
        for (size_t i = 0; i < p->nstages; i++)
            if (lv[i] == l)
                jenkins_stage(&b, 4, p, &p->stages[i], secrets, farg);
        indent(&b, 3);
        sb_puts(&b, "}\n");
        indent(&b, 2);
        sb_puts(&b, "}\n");
    }
    sb_puts(&b, "    }\n}\n");
    free(farg);
    free(lv);
    fwrite(b.s, 1, b.len, out);
    sb_free(&b);
    return ferror(out) ? -1 : 0;
}

/* ----------------------------------------------------- GitHub Actions */

/* A job id: letters, digits, '-' and '_', not starting with a digit. */
static char *job_id(const char *name)
{
    strbuf b = {0};
    if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_'))
        sb_puts(&b, "s_");
    for (const char *s = name; *s; s++)
        sb_putc(&b, *s == '.' ? '_' : *s);
    return sb_steal(&b);
}

/* A single-quoted YAML scalar, or inside an expression a '...' literal:
 * both double the quote. */
static void yq(strbuf *b, const char *s)
{
    sb_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sb_putc(b, '\'');
        sb_putc(b, *s);
    }
    sb_putc(b, '\'');
}

/* An Actions expression for one glob over `subject`, or NULL when
 * Actions cannot express it (s2nbuild still decides). */
static char *gh_glob(const char *subject, const char *prefix, const char *glob)
{
    size_t n = strlen(glob);
    const char *star = strpbrk(glob, "*?[");
    strbuf lit = {0};
    char *res = NULL;
    if (!star) {
        char *whole = xasprintf("%s%s", prefix, glob);
        yq(&lit, whole);
        free(whole);
        res = xasprintf("%s == %s", subject, lit.s);
    } else if ((star == glob + n - 1 && *star == '*') ||
               (star == glob + n - 2 && star[0] == '*' && star[1] == '*')) {
        char *pre = xasprintf("%s%.*s", prefix, (int)(star - glob), glob);
        yq(&lit, pre);
        free(pre);
        res = xasprintf("startsWith(%s, %s)", subject, lit.s);
    }
    sb_free(&lit);
    return res;
}

/* `if:` of a job; NULL when there is nothing Actions can check. */
static char *gh_if(const s2n_value *when, strbuf *notes)
{
    if (!when || when->kind != S2N_KIND_MAP)
        return NULL;
    strbuf all = {0};
    const char *items[64];
    for (size_t k = 0; k < when->n; k++) {
        const char *key = when->keys[k];
        size_t n = value_strings(when->items[k], items, 64);
        strbuf any = {0};
        int ok = 1;
        for (size_t i = 0; i < n && ok; i++) {
            char *e = NULL;
            if (strcmp(key, "branch") == 0)
                e = gh_glob("(github.head_ref || github.ref_name)", "", items[i]);
            else if (strcmp(key, "tag") == 0)
                e = gh_glob("github.ref", "refs/tags/", items[i]);
            else if (strcmp(key, "event") == 0)
                e = xstrdup(strcmp(items[i], "pull_request") == 0 ? "github.event_name == 'pull_request'"
                            : strcmp(items[i], "tag") == 0 ? "startsWith(github.ref, 'refs/tags/')"
                            : strcmp(items[i], "manual") == 0
                                ? "github.event_name == 'workflow_dispatch'"
                                : "(github.event_name == 'push' && !startsWith(github.ref, 'refs/tags/'))");
            if (!e) {
                ok = 0;
                break;
            }
            sb_printf(&any, "%s%s", any.len ? " || " : "", e);
            free(e);
        }
        if (strcmp(key, "changes") == 0 || strcmp(key, "env") == 0 || !ok || !any.len) {
            sb_printf(notes, "%s%s", notes->len ? ", " : "", key);
            sb_free(&any);
            continue;
        }
        sb_printf(&all, "%s(%s)", all.len ? " && " : "", any.s);
        sb_free(&any);
    }
    if (!all.len) {
        sb_free(&all);
        return NULL;
    }
    return sb_steal(&all);
}

int export_github_actions(const pipeline *p, const secret_set *secrets, FILE *out)
{
    strbuf b = {0};
    char *farg = file_arg(p);
    sb_printf(&b, "# Generated by `s2nbuild export github-actions` from %s: edit that file\n"
                  "# and export again.  Each job runs one stage with `s2nbuild run --only NAME`;\n"
                  "# s2nbuild checks every stage's when: itself as well.  The runner needs\n"
                  "# s2nbuild installed (a setup step of your own, or a self-hosted runner).\n",
              source_name(p));
    sb_puts(&b, "name: s2nbuild\n"
                "on:\n"
                "  push:\n"
                "    branches: ['**']\n"
                "    tags: ['**']\n"
                "  pull_request:\n"
                "  workflow_dispatch:\n"
                "jobs:\n");
    for (size_t k = 0; k < p->nstages; k++) {
        const stage_def *s = &p->stages[p->order ? p->order[k] : k];
        char *id = job_id(s->name);
        sb_printf(&b, "  %s:\n", id);
        sb_puts(&b, "    name: ");
        yq(&b, s->name);
        sb_puts(&b, "\n    runs-on: ubuntu-latest\n");
        if (s->needs.n) {
            sb_puts(&b, "    needs: [");
            for (size_t i = 0; i < s->needs.n; i++) {
                char *nid = job_id(s->needs.v[i]);
                sb_printf(&b, "%s%s", i ? ", " : "", nid);
                free(nid);
            }
            sb_puts(&b, "]\n");
        }
        strbuf notes = {0};
        char *cond = gh_if(s->when, &notes);
        if (notes.len)
            sb_printf(&b, "    # when: %s -- decided by s2nbuild itself\n", notes.s);
        /* a need skipped by its own when: must not skip this job */
        if (s->needs.n || cond) {
            sb_puts(&b, "    if: ");
            strbuf e = {0};
            sb_puts(&e, "${{ ");
            if (s->needs.n)
                sb_puts(&e, "!failure() && !cancelled()");
            if (cond)
                sb_printf(&e, "%s%s", s->needs.n ? " && " : "", cond);
            sb_puts(&e, " }}");
            yq(&b, e.s);
            sb_free(&e);
            sb_puts(&b, "\n");
        }
        free(cond);
        sb_free(&notes);
        sb_puts(&b, "    steps:\n"
                    "      - uses: actions/checkout@v4\n"
                    "        with:\n"
                    "          fetch-depth: 0\n");
        for (size_t i = 0; i < s->needs.n; i++) {
            sb_puts(&b, "      - uses: actions/download-artifact@v4\n"
                        "        continue-on-error: true\n"
                        "        with:\n"
                        "          name: ");
            char *n = xasprintf("s2nbuild-%s", s->needs.v[i]);
            yq(&b, n);
            free(n);
            sb_puts(&b, "\n          path: .s2nbuild\n");
        }
        sb_puts(&b, "      - name: ");
        yq(&b, s->name);
        sb_printf(&b, "\n        run: s2nbuild run%s --only %s\n", farg, s->name);
        if (secrets && secrets->n) {
            sb_puts(&b, "        env:\n");
            for (size_t i = 0; i < secrets->n; i++) {
                /* Actions secrets are variables named like ours (a
                 * credential id with '-' is Jenkins' spelling); a file
                 * secret without its file falls back to the variable */
                const secret_def *sd = &secrets->v[i];
                const char *var = sd->file ? sd->name : sd->env ? sd->env : sd->name;
                char *expr = xasprintf("${{ secrets.%s }}", sd->name);
                sb_printf(&b, "          %s: ", var);
                yq(&b, expr);
                sb_puts(&b, "\n");
                free(expr);
            }
        }
        sb_puts(&b, "      - uses: actions/upload-artifact@v4\n"
                    "        if: always()\n"
                    "        with:\n"
                    "          name: ");
        char *n = xasprintf("s2nbuild-%s", s->name);
        yq(&b, n);
        free(n);
        sb_puts(&b, "\n          path: |\n"
                    "            .s2nbuild/runs\n"
                    "            .s2nbuild/cache\n"
                    "          if-no-files-found: ignore\n");
        free(id);
    }
    free(farg);
    fwrite(b.s, 1, b.len, out);
    sb_free(&b);
    return ferror(out) ? -1 : 0;
}

int export_pipeline(const pipeline *p, const secret_set *secrets, const char *format, FILE *out,
                    char **err)
{
    if (strcmp(format, "jenkinsfile") == 0)
        return export_jenkinsfile(p, secrets, out);
    if (strcmp(format, "github-actions") == 0)
        return export_github_actions(p, secrets, out);
    const char *s = diag_suggest(format, export_formats, 2);
    /* "jenkins", "github", "gha": the start of a name, or its usual short form */
    for (size_t i = 0; !s && export_formats[i]; i++)
        if (*format && strncmp(export_formats[i], format, strlen(format)) == 0)
            s = export_formats[i];
    if (!s && (strcmp(format, "gha") == 0 || strcmp(format, "actions") == 0))
        s = "github-actions";
    *err = s ? xasprintf("export %s: unknown format (did you mean '%s'?)", format, s)
             : xasprintf("export %s: unknown format; one of jenkinsfile, github-actions", format);
    return -1;
}
