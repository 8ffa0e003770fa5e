/* A stage's `with:` against its plugin's option table (Fluent Bit's
 * config_map idea): unknown keys, kinds, required, enums, defaults; and
 * the same table rendered as JSON Schema for editors. */
#ifndef S2N_CORE_SCHEMA_H
#define S2N_CORE_SCHEMA_H

#include "core/pipeline.h"
#include <jansson.h>
#include <s2nbuild/plugin.h>

/* Walk an option table with the stride the plugin declared. */
#define S2N_FOR_OPTIONS(desc, o)                                                    \
    for (const s2n_option *o = (desc)->options; o && o->name;                      \
         o = (const s2n_option *)((const char *)o + (desc)->option_size))

const char *schema_kind_name(int kind);
/* Checks the option table itself (bad defaults are the plugin's bug). */
char *schema_check_table(const s2n_plugin *desc);
/* Fills s->opts: the given options checked, defaults added. */
void schema_check_stage(stage_def *s, const s2n_plugin *desc, diag *d);
json_t *schema_stage_json(const s2n_plugin *desc);
json_t *schema_pipeline_json(const s2n_plugin *const *descs, size_t n);

#endif
