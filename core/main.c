/* s2nbuild: the command line. */
#include "config.h"
#include "core/loader.h"
#include "core/policy.h"
#include "core/newplugin.h"
#include "core/wslock.h"
#include "core/run.h"
#include "core/schema.h"
#include "core/validate.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char s2n_version[];

enum { EXIT_OK = 0, EXIT_STAGE = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

typedef struct cli {
    const char *file, *dir;
    strvec plugin_dirs;
    int jobs, keep_going, quiet, json, allow_unsafe, no_color;
    const char *check_file;
    policy_opts pol; /* --profile, --set, --branch, --event, --force, --no-cache, ... */
} cli;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: s2nbuild [OPTIONS] COMMAND [ARGS]\n"
            "\n"
            "Runs a Python project's CI/CD pipeline from one YAML file.\n"
            "\n"
            "commands:\n"
            "  run [STAGE...]        run the pipeline (or these stages and what they need)\n"
            "  plan                  show the stages in order, and why\n"
            "  validate              check the pipeline file and every stage's options\n"
            "  plugins [--json]      list the stage plugins found\n"
            "  plugins --check FILE  check one plugin file without running it\n"
            "  schema [TYPE]         JSON Schema of the pipeline file, or of a stage's with:\n"
            "  export FORMAT         the pipeline as a Jenkinsfile or GitHub Actions workflow\n"
            "                        (FORMAT: jenkinsfile, github-actions)\n"
            "  report [RUN]          write the HTML report of a run (default: the latest)\n"
            "  stage TYPE [key=value...]  run one stage without a pipeline file\n"
            "  new-plugin NAME       write the skeleton of a stage plugin in ./NAME/\n"
            "\n"
            "options:\n"
            "  -f, --file FILE       pipeline file (default: s2nbuild.yml or s2nbuild.yaml)\n"
            "  -C, --directory DIR   change to DIR first\n"
            "  -j, --jobs N          run at most N stages at once (default: number of cores)\n"
            "  -k, --keep-going      after a failure, still run stages that do not depend on it\n"
            "  -q, --quiet           only the summary\n"
            "      --plugin-path DIR search DIR for plugins first (repeatable)\n"
            "      --allow-unsafe-plugin-path  load plugins from group/world-writable places\n"
            "      --no-color        no colours (also: NO_COLOR set)\n"
            "      --json            machine-readable output (plugins)\n"
            "  -h, --help            this text\n"
            "  -V, --version         the version\n"
            "\n"
            "pipeline policy:\n"
            "      --profile NAME    apply profile NAME (profiles: NAME, or NAME.yml beside the file)\n"
            "      --set KEY=VALUE   override a value, e.g. env.INDEX=pypi (repeatable)\n"
            "      --branch NAME     the branch when: sees (default: from CI or git)\n"
            "      --event EVENT     push, pull_request, tag or manual\n"
            "      --only STAGE[,..] run only these; what they need is reused from earlier runs\n"
            "      --from STAGE      run STAGE and everything after it\n"
            "      --failed          run what did not succeed last time, and what follows\n"
            "      --force           run every stage even if its cached result is valid\n"
            "      --no-cache        neither use nor fill the stage cache\n"
            "      --no-report       no report.html for the run\n"
            "\n"
            "exit status: 0 ok, 1 a stage failed, 2 usage or configuration error,\n"
            "3 internal error, 130/143 interrupted.  See s2nbuild(1), s2nbuild.yml(5).\n");
}

static const char *find_pipeline_file(const char *given)
{
    if (given)
        return given;
    if (access("s2nbuild.yml", F_OK) == 0)
        return "s2nbuild.yml";
    if (access("s2nbuild.yaml", F_OK) == 0)
        return "s2nbuild.yaml";
    return NULL;
}

static int report_diag(diag *d)
{
    diag_print(d, stderr);
    if (d->nerrors)
        fprintf(stderr, "s2nbuild: %zu error%s; nothing was run\n", d->nerrors,
                d->nerrors == 1 ? "" : "s");
    return d->nerrors ? EXIT_USAGE : EXIT_OK;
}

static char *make_run_id(void)
{
    char ts[32];
    time_t t = time(NULL);
    strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", gmtime(&t));
    return xasprintf("%s-%ld", ts, (long)getpid());
}

/* Select the named stages and everything they need. */
static int select_stages(run *r, int argc, char **argv)
{
    if (argc == 0) {
        for (size_t i = 0; i < r->n; i++)
            r->st[i].selected = 1;
        return 0;
    }
    for (int a = 0; a < argc; a++) {
        stage_def *s = pipeline_find(r->p, argv[a]);
        if (!s) {
            fprintf(stderr, "s2nbuild: no stage named '%s' in %s\n", argv[a], r->p->file);
            return -1;
        }
        r->st[s->index].selected = 1;
    }
    /* closure over needs, walking the order backwards */
    for (size_t k = r->n; k-- > 0;) {
        stage_run *sr = &r->st[r->p->order[k]];
        if (!sr->selected)
            continue;
        for (size_t i = 0; i < sr->def->needs.n; i++)
            r->st[pipeline_find(r->p, sr->def->needs.v[i])->index].selected = 1;
    }
    return 0;
}

static int setup_run(run *r, pipeline *p, registry *reg, const cli *c)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->reg = reg;
    r->mask = mask_new();
    r->n = p->nstages;
    r->st = xcalloc(r->n, sizeof *r->st);
    for (size_t i = 0; i < r->n; i++) {
        r->st[i].def = &p->stages[i];
        r->st[i].out_fd = r->st[i].ctl_fd = -1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    r->jobs = c->jobs > 0 ? c->jobs : cores > 0 ? (int)cores : 1;
    r->keep_going = c->keep_going;
    r->quiet = c->quiet;
    r->color = isatty(1) && !c->no_color && !getenv("NO_COLOR");
    r->prefix = 1;
    r->state_dir = path_join(p->workspace, ".s2nbuild");
    return 0;
}

static void free_run(run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        stage_run *sr = &r->st[i];
        free(sr->message);
        free(sr->result);
        free(sr->log_path);
        free(sr->dir);
        sb_free(&sr->line);
        sb_free(&sr->ctl);
        for (size_t k = 0; k < sr->narts; k++) {
            free(sr->arts[k].path), free(sr->arts[k].name), free(sr->arts[k].kind);
            free(sr->arts[k].sha256);
        }
        free(sr->arts);
        sv_free(&sr->out_keys);
        sv_free(&sr->out_vals);
        sv_free(&sr->junit);
    }
    free(r->st);
    mask_free(r->mask);
    free(r->id);
    free(r->dir);
    free(r->state_dir);
}

static int execute(run *r, int argc, char **argv)
{
    char *perr = NULL;
    int lock = workspace_lock(r->state_dir, &perr);
    if (lock < 0) {
        fprintf(stderr, "s2nbuild: %s\n", perr);
        free(perr);
        return EXIT_USAGE;
    }
    int ps = policy_select(r, &perr); /* --only, --from, --failed */
    if (ps < 0) {
        fprintf(stderr, "s2nbuild: %s\n", perr);
        free(perr);
        return EXIT_USAGE;
    }
    if (ps == 0 && select_stages(r, argc, argv) != 0)
        return EXIT_USAGE;
    r->id = make_run_id();
    char *runs = path_join(r->state_dir, "runs");
    r->dir = xasprintf("%s/%s", runs, r->id);
    free(runs);
    if (mkdir_p(r->dir, 0755) != 0) {
        fprintf(stderr, "s2nbuild: cannot create %s: %s\n", r->dir, strerror(errno));
        return EXIT_INTERNAL;
    }
    r->started_mono = now_monotonic();
    r->started_wall = (long long)time(NULL);
    runner_run(r);
    int recorded = record_write(r) == 0;
    if (!recorded)
        fprintf(stderr, "s2nbuild: cannot write the run record in %s: %s\n", r->dir, strerror(errno));
    policy_after_run(r, recorded);
    summary_print(r, stdout); /* also with -q: the summary is what -q keeps */
    return r->exit_code;
}

static int cmd_pipeline(const cli *c, const char *cmd, int argc, char **argv)
{
    const char *file = find_pipeline_file(c->file);
    if (!file) {
        char buf[PATH_MAX];
        fprintf(stderr, "s2nbuild: no s2nbuild.yml or s2nbuild.yaml in %s (use -f FILE)\n",
                getcwd(buf, sizeof buf) ? buf : ".");
        return EXIT_USAGE;
    }
    pipeline p;
    diag d = {0};
    registry reg;
    run r;
    int rc;
    if (pipeline_load(&p, file, &d) != 0) {
        rc = report_diag(&d);
        diag_free(&d);
        pipeline_free(&p);
        return rc;
    }
    registry_init(&reg, &c->plugin_dirs, &p.plugin_path);
    reg.allow_unsafe = c->allow_unsafe;
    setup_run(&r, &p, &reg, c);
    if (p.nstages)
        pipeline_prepare(&r, &d); /* even after other errors: report all at once */
    rc = report_diag(&d);
    if (rc == EXIT_OK) {
        if (strcmp(cmd, "validate") == 0) {
            printf("%s: ok (%zu stage%s)\n", p.file, p.nstages, p.nstages == 1 ? "" : "s");
        } else if (strcmp(cmd, "plan") == 0) {
            for (size_t k = 0; k < p.nstages; k++) {
                stage_def *s = &p.stages[p.order[k]];
                printf("%2zu. %-16s %-14s", k + 1, s->name, s->type);
                if (s->needs.n) {
                    printf(" after");
                    for (size_t i = 0; i < s->needs.n; i++)
                        printf("%s %s", i ? "," : "", s->needs.v[i]);
                } else {
                    printf(" ready at start");
                }
                if (s->timeout > 0)
                    printf("; timeout %gs", s->timeout);
                char *why = policy_plan_reason(&r, s);
                printf("\n      %s\n", why);
                free(why);
            }
        } else {
            rc = execute(&r, argc, argv);
        }
    }
    diag_free(&d);
    free_run(&r);
    registry_free(&reg);
    pipeline_free(&p);
    return rc;
}

static int cmd_stage(const cli *c, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "s2nbuild stage: which stage type? (see s2nbuild plugins)\n");
        return EXIT_USAGE;
    }
    pipeline p;
    diag d = {0};
    registry reg;
    run r;
    pipeline_from_args(&p, argv[0], argc - 1, argv + 1, &d);
    registry_init(&reg, &c->plugin_dirs, NULL);
    reg.allow_unsafe = c->allow_unsafe;
    setup_run(&r, &p, &reg, c);
    r.prefix = 0;
    if (d.nerrors == 0)
        pipeline_prepare(&r, &d);
    int rc = report_diag(&d);
    if (rc == EXIT_OK)
        rc = execute(&r, 0, NULL);
    diag_free(&d);
    free_run(&r);
    registry_free(&reg);
    pipeline_free(&p);
    return rc;
}

static void print_options(const s2n_plugin *d)
{
    S2N_FOR_OPTIONS(d, o)
    {
        printf("    %-22s %-7s%s%s%s%s  %s\n", o->name, schema_kind_name(o->kind),
               o->flags & S2N_OPT_REQUIRED ? " required" : "",
               o->default_value ? " [default: " : "", o->default_value ? o->default_value : "",
               o->default_value ? "]" : "", o->help ? o->help : "");
    }
}

static json_t *plugin_json(const plugin *p)
{
    json_t *opts = json_array();
    S2N_FOR_OPTIONS(p->desc, o)
    {
        json_t *jo = json_pack("{s:s,s:s,s:b}", "name", o->name, "kind", schema_kind_name(o->kind),
                               "required", (o->flags & S2N_OPT_REQUIRED) != 0);
        if (o->default_value)
            json_object_set_new(jo, "default", json_string(o->default_value));
        if (o->help)
            json_object_set_new(jo, "help", json_string(o->help));
        json_array_append_new(opts, jo);
    }
    char *abi = xasprintf("%u.%u", p->desc->abi_major, p->desc->abi_minor);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "type", p->type, "version", p->desc->version,
                          "abi", abi, "file", p->file, "summary",
                          p->desc->summary ? p->desc->summary : "", "options", opts);
    free(abi);
    return j;
}

static int cmd_plugins(const cli *c, int argc, char **argv)
{
    registry reg;
    strvec pdirs = {0};
    const char *file = find_pipeline_file(c->file);
    pipeline p = {0};
    diag d = {0};
    if (file && !c->check_file && pipeline_load(&p, file, &d) == 0)
        for (size_t i = 0; i < p.plugin_path.n; i++)
            sv_push(&pdirs, xstrdup(p.plugin_path.v[i]));
    diag_free(&d);
    pipeline_free(&p);
    registry_init(&reg, &c->plugin_dirs, &pdirs);
    sv_free(&pdirs);
    reg.allow_unsafe = c->allow_unsafe;
    int rc = EXIT_OK;
    if (c->check_file) {
        char *err = NULL;
        const plugin *pl = registry_open_file(&reg, c->check_file, &err);
        if (!pl) {
            fprintf(stderr, "s2nbuild: %s\n", err);
            free(err);
            registry_free(&reg);
            return EXIT_USAGE;
        }
        char *terr = schema_check_table(pl->desc);
        if (terr) {
            fprintf(stderr, "s2nbuild: %s: %s\n", pl->file, terr);
            free(terr);
            registry_free(&reg);
            return EXIT_USAGE;
        }
        printf("%s: ok: type %s, version %s, ABI %u.%u (needs host 1.%u)\n", pl->file, pl->type,
               pl->desc->version, pl->desc->abi_major, pl->desc->abi_minor, pl->desc->min_host_minor);
        print_options(pl->desc);
        registry_free(&reg);
        return EXIT_OK;
    }
    strvec errs = {0};
    registry_scan(&reg, &errs);
    (void)argc;
    (void)argv;
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < reg.n; i++)
            json_array_append_new(arr, plugin_json(reg.plugins[i]));
        json_t *errors = json_array();
        for (size_t i = 0; i < errs.n; i++)
            json_array_append_new(errors, json_string(errs.v[i]));
        json_t *top = json_pack("{s:o,s:o}", "plugins", arr, "errors", errors);
        char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(top);
    } else {
        for (size_t i = 0; i < reg.n; i++) {
            const plugin *pl = reg.plugins[i];
            printf("%-16s %-8s ABI %u.%u  %s\n    %s\n", pl->type, pl->desc->version,
                   pl->desc->abi_major, pl->desc->abi_minor, pl->file,
                   pl->desc->summary ? pl->desc->summary : "");
            print_options(pl->desc);
        }
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "s2nbuild: %s\n", errs.v[i]);
    }
    if (errs.n)
        rc = EXIT_USAGE;
    sv_free(&errs);
    registry_free(&reg);
    return rc;
}

static int cmd_schema(const cli *c, int argc, char **argv)
{
    registry reg;
    registry_init(&reg, &c->plugin_dirs, NULL);
    reg.allow_unsafe = c->allow_unsafe;
    json_t *j = NULL;
    if (argc > 0) {
        char *err = NULL;
        const plugin *pl = registry_get(&reg, argv[0], &err);
        if (!pl) {
            fprintf(stderr, "s2nbuild: %s\n", err);
            free(err);
            registry_free(&reg);
            return EXIT_USAGE;
        }
        j = schema_stage_json(pl->desc);
    } else {
        strvec errs = {0};
        registry_scan(&reg, &errs);
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "s2nbuild: warning: %s\n", errs.v[i]);
        sv_free(&errs);
        const s2n_plugin **descs = xcalloc(reg.n + 1, sizeof *descs);
        for (size_t i = 0; i < reg.n; i++)
            descs[i] = reg.plugins[i]->desc;
        j = schema_pipeline_json(descs, reg.n);
        policy_schema(j); /* when:, inputs:, cache:, secrets:, profiles: */
        free(descs);
    }
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", s);
    free(s);
    json_decref(j);
    registry_free(&reg);
    return EXIT_OK;
}

static int cmd_export(const cli *c, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "s2nbuild export: which format? jenkinsfile or github-actions\n");
        return EXIT_USAGE;
    }
    const char *file = find_pipeline_file(c->file);
    if (!file) {
        fprintf(stderr, "s2nbuild: no s2nbuild.yml or s2nbuild.yaml here (use -f FILE)\n");
        return EXIT_USAGE;
    }
    pipeline p;
    diag d = {0};
    int rc = pipeline_load(&p, file, &d) == 0 && d.nerrors == 0 ? EXIT_OK : EXIT_USAGE;
    if (rc != EXIT_OK) {
        report_diag(&d);
    } else {
        char *err = NULL;
        if (policy_export(&p, argv[0], stdout, &err) != 0) {
            fprintf(stderr, "s2nbuild: %s\n", err ? err : "cannot write the export");
            free(err);
            rc = EXIT_USAGE;
        }
    }
    diag_free(&d);
    pipeline_free(&p);
    return rc;
}

static int cmd_report(const cli *c, int argc, char **argv)
{
    const char *file = find_pipeline_file(c->file);
    char buf[PATH_MAX];
    char *ws = NULL;
    if (file && realpath(file, buf)) {
        char *slash = strrchr(buf, '/');
        *slash = '\0';
        ws = xstrdup(buf);
    } else {
        ws = xstrdup(getcwd(buf, sizeof buf) ? buf : ".");
    }
    char *state = path_join(ws, ".s2nbuild"), *err = NULL, *out = NULL;
    int rc = policy_report(state, argc > 0 ? argv[0] : NULL, &out, &err);
    if (rc == 0)
        printf("%s\n", out);
    else
        fprintf(stderr, "s2nbuild: %s\n", err);
    free(out), free(err), free(state), free(ws);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

enum { OPT_PLUGIN_PATH = 256, OPT_UNSAFE, OPT_NO_COLOR, OPT_JSON, OPT_CHECK, OPT_POLICY };
static const char shortopts[] = "+f:C:j:kqhV";
static const struct option longopts[] = {
    {"file", required_argument, NULL, 'f'},
    {"directory", required_argument, NULL, 'C'},
    {"jobs", required_argument, NULL, 'j'},
    {"keep-going", no_argument, NULL, 'k'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"allow-unsafe-plugin-path", no_argument, NULL, OPT_UNSAFE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"json", no_argument, NULL, OPT_JSON},
    {"check", required_argument, NULL, OPT_CHECK},
    /* policy options: handled by policy_take_option() by name */
    {"profile", required_argument, NULL, OPT_POLICY},
    {"set", required_argument, NULL, OPT_POLICY + 1},
    {"branch", required_argument, NULL, OPT_POLICY + 2},
    {"event", required_argument, NULL, OPT_POLICY + 3},
    {"only", required_argument, NULL, OPT_POLICY + 4},
    {"from", required_argument, NULL, OPT_POLICY + 5},
    {"failed", no_argument, NULL, OPT_POLICY + 6},
    {"force", no_argument, NULL, OPT_POLICY + 7},
    {"no-cache", no_argument, NULL, OPT_POLICY + 8},
    {"no-report", no_argument, NULL, OPT_POLICY + 9},
    {NULL, 0, NULL, 0},
};

/* One option; returns -1 to go on, else the exit code to leave with. */
static int take_option(cli *c, int ch)
{
    switch (ch) {
    case 'f': c->file = optarg; return -1;
    case 'C': c->dir = optarg; return -1;
    case 'j': {
        char *end;
        long n = strtol(optarg, &end, 10);
        if (*end || n < 1 || n > 1024) {
            fprintf(stderr, "s2nbuild: -j: expected a number of jobs from 1 to 1024\n");
            return EXIT_USAGE;
        }
        c->jobs = (int)n;
        return -1;
    }
    case 'k': c->keep_going = 1; return -1;
    case 'q': c->quiet = 1; return -1;
    case 'h': usage(stdout); return EXIT_OK;
    case 'V':
        printf("s2nbuild %s (plugin ABI %d.%d)\n", s2n_version, S2N_ABI_MAJOR, S2N_ABI_MINOR);
        return EXIT_OK;
    case OPT_PLUGIN_PATH: {
        char buf[PATH_MAX];
        sv_push(&c->plugin_dirs, xstrdup(realpath(optarg, buf) ? buf : optarg));
        return -1;
    }
    case OPT_UNSAFE: c->allow_unsafe = 1; return -1;
    case OPT_NO_COLOR: c->no_color = 1; return -1;
    case OPT_JSON: c->json = 1; return -1;
    case OPT_CHECK: c->check_file = optarg; return -1;
    default:
        for (const struct option *o = longopts; o->name; o++)
            if (o->val == ch && ch >= OPT_POLICY) {
                char *err = NULL;
                if (policy_take_option(&c->pol, o->name, optarg, &err) < 0) {
                    fprintf(stderr, "s2nbuild: %s\n", err);
                    free(err);
                    return EXIT_USAGE;
                }
                return -1;
            }
        usage(stderr);
        return EXIT_USAGE;
    }
}

int main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    if (argc == 3 && strcmp(argv[1], "__probe") == 0)
        return loader_probe_main(argv[2]);
    cli c = {0};
    int ch, rc = EXIT_OK;
    /* '+': options stop at the command; `stage TYPE key=value` keeps its
     * arguments as they are, other commands take options after the
     * command too. */
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
        if ((rc = take_option(&c, ch)) >= 0)
            goto out;
    if (optind >= argc) {
        usage(stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    const char *cmd = argv[optind];
    strvec rest = {0};
    if (strcmp(cmd, "stage") == 0) {
        for (int i = optind + 1; i < argc; i++)
            sv_push(&rest, xstrdup(argv[i]));
    } else {
        optind++;
        while (optind < argc) {
            ch = getopt_long(argc, argv, shortopts, longopts, NULL);
            if (ch == -1) {
                sv_push(&rest, xstrdup(argv[optind++]));
                continue;
            }
            if ((rc = take_option(&c, ch)) >= 0) {
                sv_free(&rest);
                goto out;
            }
        }
    }
    char *none[] = {NULL};
    char **cargv = rest.v ? rest.v : none;
    char *perr = NULL;
    if (policy_configure(&c.pol, &perr) != 0) {
        fprintf(stderr, "s2nbuild: %s\n", perr);
        free(perr);
        sv_free(&rest);
        rc = EXIT_USAGE;
        goto out;
    }
    int cargc = (int)rest.n;
    char why[256];
    if (c.dir && chdir(c.dir) != 0) {
        fprintf(stderr, "s2nbuild: -C %s: %s\n", c.dir, strerror(errno));
        rc = EXIT_USAGE;
    } else if ((strcmp(cmd, "run") == 0 || strcmp(cmd, "plan") == 0 || strcmp(cmd, "stage") == 0) &&
               sha256_selftest(why, sizeof why) != 0) {
        const char *conf = getenv("OPENSSL_CONF");
        fprintf(stderr,
                "s2nbuild: OpenSSL computes no SHA-256 here (%s%s%s); stage cache keys and artifact "
                "digests need it: check the OpenSSL configuration\n",
                why, conf ? ", OPENSSL_CONF=" : "", conf ? conf : "");
        rc = EXIT_USAGE;
    } else if (strcmp(cmd, "run") == 0 || strcmp(cmd, "plan") == 0 || strcmp(cmd, "validate") == 0)
        rc = cmd_pipeline(&c, cmd, cargc, cargv);
    else if (strcmp(cmd, "stage") == 0)
        rc = cmd_stage(&c, cargc, cargv);
    else if (strcmp(cmd, "plugins") == 0)
        rc = cmd_plugins(&c, cargc, cargv);
    else if (strcmp(cmd, "schema") == 0)
        rc = cmd_schema(&c, cargc, cargv);
    else if (strcmp(cmd, "export") == 0)
        rc = cmd_export(&c, cargc, cargv);
    else if (strcmp(cmd, "report") == 0)
        rc = cmd_report(&c, cargc, cargv);
    else if (strcmp(cmd, "new-plugin") == 0) {
        if (cargc != 1) {
            fprintf(stderr, "usage: s2nbuild new-plugin NAME\n");
            rc = EXIT_USAGE;
        } else {
            rc = newplugin_main(cargv[0]);
        }
    }
    else {
        fprintf(stderr, "s2nbuild: unknown command '%s' (try s2nbuild --help)\n", cmd);
        rc = EXIT_USAGE;
    }
    sv_free(&rest);
out:
    sv_free(&c.plugin_dirs);
    sv_free(&c.pol.sets);
    sv_free(&c.pol.only);
    return rc;
}
