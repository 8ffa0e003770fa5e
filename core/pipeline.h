/* The pipeline model: what a pipeline file (or `s2nbuild stage`) says,
 * checked and ready for the runner. */
#ifndef S2N_CORE_PIPELINE_H
#define S2N_CORE_PIPELINE_H

#include "core/diag.h"
#include "core/limits.h"
#include "core/util.h"
#include "core/value.h"

struct plugin;

typedef struct stage_def {
    char *name;
    char *type;
    s2n_value *node;      /* the stage's mapping (positions)            */
    s2n_value *with;      /* options as written (MAP or NULL)           */
    s2n_value *opts;      /* options after defaults (+ interpolation)   */
    strvec needs;         /* names of direct upstream stages            */
    s2n_value *env;       /* MAP or NULL                                */
    s2n_value *when;      /* MAP or NULL                                */
    double timeout;       /* seconds, 0 = none                          */
    int retries;
    stage_limits limits;  /* the pipeline's, overridden key by key      */
    char *workdir;        /* absolute                                   */
    const struct plugin *plugin;
    size_t index;         /* position in the pipeline                   */
    int opts_ok;          /* its options passed the plugin's table      */
} stage_def;

typedef struct pipeline {
    char *file;           /* the pipeline file, or "command line"       */
    char *workspace;      /* absolute: the folder the file lives in     */
    char *workdir;        /* absolute: default for stages               */
    s2n_value *root;
    s2n_value *env;       /* MAP or NULL                                */
    strvec plugin_path;
    strvec secrets;       /* names of env vars whose values are masked   */
    stage_limits limits;  /* `limits:` for every stage                  */
    stage_def *stages;
    size_t nstages;
    size_t *order;        /* topological order (indices)                */
} pipeline;

/* Parse a pipeline file into *p; problems go to d.  Returns 0 when the
 * file could be read as a pipeline at all (d may still hold errors). */
int pipeline_load(pipeline *p, const char *file, diag *d);
/* The same from a buffer; `file` names it in messages. */
int pipeline_parse(pipeline *p, const char *file, const char *buf, size_t len, diag *d);
/* Build a one-stage pipeline from `TYPE key=value ...`. */
int pipeline_from_args(pipeline *p, const char *type, int argc, char **argv, diag *d);
/* Check names, needs, cycles; compute order. */
void pipeline_check_graph(pipeline *p, diag *d);
stage_def *pipeline_find(const pipeline *p, const char *name);
void pipeline_free(pipeline *p);

#endif
