#include "plugins/notify/payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The headline plus one line per stage: what a person reads in a chat. */
static char *text_body(const notify_summary *s)
{
    size_t cap = 256, len = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    b[0] = '\0';
#define APPEND(...)                                                        \
    do {                                                                   \
        int n_ = snprintf(NULL, 0, __VA_ARGS__);                           \
        if (n_ < 0)                                                        \
            break;                                                         \
        while (len + (size_t)n_ + 1 > cap) {                               \
            char *nb_ = realloc(b, cap *= 2);                              \
            if (!nb_) {                                                    \
                free(b);                                                   \
                return NULL;                                               \
            }                                                              \
            b = nb_;                                                       \
        }                                                                  \
        snprintf(b + len, cap - len, __VA_ARGS__);                         \
        len += (size_t)n_;                                                 \
    } while (0)
    APPEND("%s", s->text ? s->text : "s2nbuild");
    for (size_t i = 0; i < s->nfields; i++)
        APPEND("%s%s: %s", i ? ", " : "\n", s->fkeys[i], s->fvals[i]);
    for (size_t i = 0; i < s->nstages; i++) {
        const notify_stage *st = &s->stages[i];
        APPEND("\n- %s", st->name);
        for (size_t k = 0; k < st->nouts; k++)
            APPEND("%s%s=%s", k ? ", " : ": ", st->out_keys[k], st->out_vals[k]);
        for (size_t k = 0; k < st->narts; k++)
            APPEND("\n  %s (sha256 %.12s)", st->arts[k].name, st->arts[k].sha256);
    }
#undef APPEND
    return b;
}

static json_t *structured(const notify_summary *s)
{
    json_t *fields = json_object(), *stages = json_array();
    for (size_t i = 0; i < s->nfields; i++)
        json_object_set_new(fields, s->fkeys[i], json_string(s->fvals[i]));
    for (size_t i = 0; i < s->nstages; i++) {
        const notify_stage *st = &s->stages[i];
        json_t *arts = json_array(), *outs = json_object();
        for (size_t k = 0; k < st->narts; k++)
            json_array_append_new(arts, json_pack("{s:s,s:s,s:I}", "name", st->arts[k].name,
                                                  "sha256", st->arts[k].sha256, "size",
                                                  (json_int_t)st->arts[k].size));
        for (size_t k = 0; k < st->nouts; k++)
            json_object_set_new(outs, st->out_keys[k], json_string(st->out_vals[k]));
        json_array_append_new(stages, json_pack("{s:s,s:o,s:o}", "name", st->name, "artifacts",
                                                arts, "outputs", outs));
    }
    return json_pack("{s:s,s:o,s:o}", "text", s->text ? s->text : "s2nbuild", "fields", fields,
                     "stages", stages);
}

char *notify_payload(const notify_summary *s, const char *format)
{
    json_t *j = NULL;
    if (strcmp(format, "json") == 0) {
        j = structured(s);
    } else {
        char *text = text_body(s);
        if (!text)
            return NULL;
        if (strcmp(format, "teams") == 0)
            j = json_pack("{s:s,s:s,s:s,s:s}", "@type", "MessageCard", "@context",
                          "http://schema.org/extensions", "summary", s->text ? s->text : "s2nbuild",
                          "text", text);
        else /* slack: text, plus the structure for bots that want it */
            j = json_pack("{s:s,s:o}", "text", text, "s2nbuild", structured(s));
        free(text);
    }
    if (!j)
        return NULL;
    char *out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return out;
}
