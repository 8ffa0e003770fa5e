/* A stage's results in their JSON form — the same keys in the result a
 * stage child sends, in record.json and in a stage cache entry — read
 * back into a stage_run. */
#include "config.h"
#include "core/run.h"

#include <jansson.h>
#include <stdlib.h>

static char *str_or(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return xstrdup(s ? s : dflt);
}

void artifact_from_json(artifact_rec *ar, json_t *a, char *path)
{
    ar->path = path ? path : str_or(a, "path", "");
    ar->name = str_or(a, "name", "");
    ar->kind = str_or(a, "kind", "file");
    ar->sha256 = str_or(a, "sha256", "");
    ar->size = (unsigned long long)json_integer_value(json_object_get(a, "size"));
}

void stage_outputs_tests_from_json(stage_run *sr, json_t *j)
{
    sv_free(&sr->out_keys);
    sv_free(&sr->out_vals);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(j, "outputs"), k, v)
    {
        sv_push(&sr->out_keys, xstrdup(k));
        sv_push(&sr->out_vals, xstrdup(json_string_value(v) ? json_string_value(v) : ""));
    }
    json_t *t = json_object_get(j, "tests");
    if (t) {
        static const char *const keys[] = {"passed", "failed", "skipped", "errors"};
        sr->has_tests = 1;
        for (size_t i = 0; i < 4; i++)
            sr->tests[i] = (unsigned)json_integer_value(json_object_get(t, keys[i]));
    }
}
