/*
 * notify — POSTs a JSON summary of the run so far to a webhook (Slack,
 * Teams, or anything that takes JSON).  The URL carries the webhook's
 * token, so it is a secret: masked in every log, record and report.
 *
 *   - name: tell-the-team
 *     type: notify
 *     needs: [publish]
 *     with:
 *       url: "${SLACK_WEBHOOK}"
 *       text: "released ${version} from ${branch}"
 *       stages: [build, publish]      # their artifacts and published values
 */
#include <s2nbuild/plugin.h>

#include "plugins/notify/payload.h"
#include "plugins/notify/post.h"

#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {"slack", "teams", "json", NULL};

static const s2n_option notify_options[] = {
    {.name = "url", .kind = S2N_KIND_SECRET, .flags = S2N_OPT_REQUIRED,
     .help = "webhook URL (http or https); a secret, masked everywhere"},
    {.name = "text", .kind = S2N_KIND_STRING, .default_value = "\"s2nbuild: ${branch:-} ${commit:-}\"",
     .help = "the headline; ${...} works as in every option"},
    {.name = "format", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "slack",
     .choices = formats, .help = "payload shape: slack, teams or json"},
    {.name = "stages", .kind = S2N_KIND_LIST,
     .help = "earlier stages whose artifacts (with sha256) and published values to include"},
    {.name = "fields", .kind = S2N_KIND_MAP, .help = "extra NAME: value pairs to include"},
    {.name = "timeout", .kind = S2N_KIND_INT, .default_value = "15", .help = "seconds for the request"},
    {.name = "ignore_errors", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "a failed delivery does not fail the stage"},
    {.name = NULL},
};

static int notify_validate(s2n_stage *st, const s2n_host *h)
{
    const char *url = h->opt_string(st, "url");
    /* a ${VAR} is checked once it has its value */
    if (url && !strstr(url, "${") && strncmp(url, "http://", 7) != 0 &&
        strncmp(url, "https://", 8) != 0) {
        h->error(st, "url", "expected an http:// or https:// URL");
        return S2N_ERROR;
    }
    long long t;
    if (h->opt_int(st, "timeout", &t) == 0 && (t < 1 || t > 600)) {
        h->error(st, "timeout", "expected 1 to 600 seconds");
        return S2N_ERROR;
    }
    return S2N_OK;
}

static void collect_stage(s2n_stage *st, const s2n_host *h, const char *name, notify_stage *ns)
{
    ns->name = name;
    ns->narts = h->artifact_count(st, name);
    ns->arts = h->alloc(st, (ns->narts + 1) * sizeof *ns->arts);
    for (size_t i = 0; i < ns->narts; i++) {
        const s2n_artifact *a = h->artifact_at(st, name, i);
        ns->arts[i].name = a ? a->name : "?";
        ns->arts[i].sha256 = a ? a->sha256 : "";
        ns->arts[i].size = a ? a->size : 0;
    }
    /* the values plugins publish most often */
    static const char *const keys[] = {"version", "url", "tag", "wheel", "sdist", "repository"};
    const char **k = h->alloc(st, sizeof keys);
    const char **v = h->alloc(st, sizeof keys);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *val = h->get_output(st, name, keys[i]);
        if (val) {
            k[ns->nouts] = keys[i];
            v[ns->nouts++] = val;
        }
    }
    ns->out_keys = k;
    ns->out_vals = v;
}

static int notify_run(s2n_stage *st, const s2n_host *h)
{
    const char *url = h->opt_string(st, "url"); /* registers it as a secret */
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        h->error(st, "url", "expected an http:// or https:// URL");
        return S2N_ERROR;
    }
    notify_summary s = {.text = h->opt_string(st, "text")};
    const s2n_value *stages = h->option(st, "stages");
    s.nstages = h->value_len(stages);
    s.stages = h->alloc(st, (s.nstages + 1) * sizeof *s.stages);
    for (size_t i = 0; i < s.nstages; i++)
        collect_stage(st, h, h->value_str(h->value_at(stages, i)), &s.stages[i]);
    const s2n_value *fields = h->option(st, "fields");
    s.nfields = h->value_len(fields);
    const char **fk = h->alloc(st, (s.nfields + 1) * sizeof *fk);
    const char **fv = h->alloc(st, (s.nfields + 1) * sizeof *fv);
    for (size_t i = 0; i < s.nfields; i++) {
        fk[i] = h->value_key_at(fields, i);
        fv[i] = h->value_str(h->value_at(fields, i));
        if (!fv[i])
            fv[i] = "";
    }
    s.fkeys = fk;
    s.fvals = fv;
    const char *format = h->opt_string(st, "format");
    char *body = notify_payload(&s, format ? format : "slack");
    if (!body) {
        h->log(st, S2N_LOG_ERROR, "cannot build the notification");
        return S2N_ERROR;
    }
    long long timeout = 15;
    h->opt_int(st, "timeout", &timeout);
    int ignore = 0;
    h->opt_bool(st, "ignore_errors", &ignore);
    notify_response res;
    int rc = notify_post(url, body, (long)timeout, &res);
    size_t bytes = strlen(body);
    free(body);
    if (rc != 0 || res.status < 200 || res.status > 299) {
        /* the URL never appears in our own words; curl's message passes
         * the host's mask */
        if (rc != 0)
            h->log(st, S2N_LOG_ERROR, "webhook: %s", res.error);
        else
            h->log(st, S2N_LOG_ERROR, "webhook answered HTTP %ld: %s", res.status, res.body);
        if (rc != 0)
            h->set_message(st, "notification not delivered: %s", res.error);
        else
            h->set_message(st, "notification refused: HTTP %ld", res.status);
        if (rc != 0 || res.status >= 500 || res.status == 429)
            h->set_retryable(st, 1);
        return ignore ? S2N_OK : S2N_FAILED;
    }
    h->log(st, S2N_LOG_INFO, "notification delivered (HTTP %ld, %zu bytes, %zu stage%s)", res.status,
           bytes, s.nstages, s.nstages == 1 ? "" : "s");
    h->set_message(st, "notified (%s, HTTP %ld)", format ? format : "slack", res.status);
    return S2N_OK;
}

static const s2n_plugin notify_plugin = {
    S2N_PLUGIN_HEAD,
    .flags = S2N_PLUGIN_NO_CACHE, /* publishes: never replayed from the stage cache */
    .type = "notify",
    .version = "1.0.0",
    .summary = "POST a JSON run summary to a webhook (Slack, Teams, JSON)",
    .options = notify_options,
    .validate = notify_validate,
    .run = notify_run,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &notify_plugin;
}
