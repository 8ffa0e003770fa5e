/*
 * pytest — runs the project's tests with `python -m pytest` in the
 * interpreter of the upstream venv (or `python:`), always with a JUnit
 * report that is parsed for the summary and merged into the run's
 * junit.xml.  Thin: the command line is built in pytest_cmd.c, the result
 * decided in pytest_outcome.c, the XML read by plugins/common/junit.c.
 */
#include <s2nbuild/plugin.h>

#include "plugins/common/junit.h"
#include "plugins/common/pyenv.h"
#include "plugins/pytest/pytest_cmd.h"
#include "plugins/pytest/pytest_outcome.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const no_tests_choices[] = {"fail", "pass", NULL};

static const s2n_option pytest_options[] = {
    {.name = "python", .kind = S2N_KIND_STRING,
     .help = "interpreter to run (default: the upstream venv's python, else /usr/bin/python3)"},
    {.name = "args", .kind = S2N_KIND_LIST, .help = "extra pytest arguments"},
    {.name = "paths", .kind = S2N_KIND_LIST, .help = "test files or folders (default: pytest's own discovery)"},
    {.name = "markers", .kind = S2N_KIND_STRING, .help = "marker expression, passed as -m"},
    {.name = "keyword", .kind = S2N_KIND_STRING, .help = "keyword expression, passed as -k"},
    {.name = "timeout", .kind = S2N_KIND_INT, .help = "seconds before pytest is stopped (FAILED)"},
    {.name = "no_tests", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "fail",
     .help = "result when no tests are collected (pytest exit 5)", .choices = no_tests_choices},
    {.name = "coverage", .kind = S2N_KIND_ANY, .default_value = "false",
     .help = "true, or a list of packages/paths for --cov; needs pytest-cov; writes coverage.xml"},
    {.name = NULL},
};

/* coverage: true/false, or a list (or one string) of sources. */
static int coverage_wanted(s2n_stage *st, const s2n_host *h, const s2n_value **sources)
{
    const s2n_value *v = h->option(st, "coverage");
    *sources = NULL;
    if (!v)
        return 0;
    if (h->value_kind(v) == S2N_KIND_STRING) {
        const char *s = h->value_str(v);
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || !*s)
            return 0;
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
            return 1;
        *sources = v;
        return 1;
    }
    if (h->value_kind(v) == S2N_KIND_LIST) {
        *sources = v;
        return 1;
    }
    return -1;
}

static int pytest_validate(s2n_stage *st, const s2n_host *h)
{
    const s2n_value *src;
    if (coverage_wanted(st, h, &src) < 0) {
        h->error(st, "coverage", "expected true, false or a list of packages/paths to measure");
        return S2N_ERROR;
    }
    if (src && h->value_kind(src) == S2N_KIND_LIST)
        for (size_t i = 0; i < h->value_len(src); i++)
            if (h->value_kind(h->value_at(src, i)) != S2N_KIND_STRING) {
                h->error(st, "coverage", "item %zu is not a string", i + 1);
                return S2N_ERROR;
            }
    long long t;
    if (h->opt_int(st, "timeout", &t) == 0 && t <= 0) {
        h->error(st, "timeout", "expected a positive number of seconds, got %lld", t);
        return S2N_ERROR;
    }
    return S2N_OK;
}

typedef struct first_failure {
    s2n_stage *st;
    const s2n_host *h;
    const char *text;
} first_failure;

/* Remember the first red test case as "classname::name: message". */
static void note_case(void *ctx, const s2n_junit_case *c)
{
    first_failure *ff = ctx;
    if (ff->text || (c->failures == 0 && c->errors == 0))
        return;
    char msg[161];
    snprintf(msg, sizeof msg, "%s", c->message);
    char *nl = strchr(msg, '\n');
    if (nl)
        *nl = '\0';
    ff->text = ff->h->str_printf(ff->st, "%s%s%s%s%s", c->classname, *c->classname ? "::" : "", c->name,
                                 *msg ? ": " : "", msg);
}

static int pytest_run_stage(s2n_stage *st, const s2n_host *h)
{
    s2n_pyenv_origin origin;
    const char *python = s2n_pyenv_python(st, h, "python", &origin);
    if (!python)
        return S2N_ERROR;

    pytest_cmd cmd = {
        .python = python,
        .junit_path = h->str_printf(st, "%s/pytest-junit.xml", h->stage_dir(st)),
        .suite_name = h->stage_name(st),
        .markers = h->opt_string(st, "markers"),
        .keyword = h->opt_string(st, "keyword"),
        .args = h->option(st, "args"),
        .paths = h->option(st, "paths"),
    };
    unlink(cmd.junit_path); /* never read a stale report */

    if (coverage_wanted(st, h, &cmd.cov_sources) > 0) {
        int has = s2n_pyenv_has_module(st, h, python, "pytest_cov");
        if (has <= 0) {
            h->set_message(st, "coverage needs pytest-cov, which %s (%s) %s", python,
                           s2n_pyenv_origin_text(origin),
                           has < 0 ? "could not be asked about" : "does not have (Debian: python3-pytest-cov)");
            return S2N_ERROR;
        }
        cmd.coverage_xml = h->str_printf(st, "%s/coverage.xml", h->stage_dir(st));
        unlink(cmd.coverage_xml);
    }

    long long timeout = 0;
    h->opt_int(st, "timeout", &timeout);
    h->log(st, S2N_LOG_INFO, "running pytest with %s (%s)", python, s2n_pyenv_origin_text(origin));
    /* coverage's data file goes to the stage folder, not the workdir */
    const char *env[] = {cmd.coverage_xml ? h->str_printf(st, "COVERAGE_FILE=%s/.coverage", h->stage_dir(st)) : NULL,
                         NULL};
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = pytest_argv(st, h, &cmd), .env = env,
                      .timeout = (double)timeout};
    int code = h->spawn(st, &spec, NULL, NULL);

    const char *no_tests = h->opt_string(st, "no_tests");
    first_failure ff = {.st = st, .h = h};
    pytest_run run = {
        .exit_code = code,
        .no_tests_pass = no_tests && strcmp(no_tests, "pass") == 0,
        .timeout = (double)timeout,
    };

    if (access(cmd.junit_path, F_OK) == 0) {
        char err[512];
        if (s2n_junit_parse_file(cmd.junit_path, &run.counts, note_case, &ff, err, sizeof err) != 0) {
            h->log(st, S2N_LOG_ERROR, "cannot read pytest's JUnit report: %s", err);
            h->set_message(st, "pytest's JUnit report is unreadable: %s", err);
            return S2N_ERROR;
        }
        run.have_counts = 1;
        run.first_failure = ff.text;
        h->report_tests(st, run.counts.passed, run.counts.failed, run.counts.skipped, run.counts.errors);
        if (h->add_junit(st, cmd.junit_path) != 0)
            h->log(st, S2N_LOG_WARN, "the core did not accept %s for the run's junit.xml", cmd.junit_path);
    } else if (code != PYTEST_OK && code != PYTEST_NO_TESTS) {
        /* No report at all: pytest probably never started.  Say why. */
        if (s2n_pyenv_has_module(st, h, python, "pytest") == 0) {
            h->set_message(st, "pytest is not installed for %s (%s); add pytest to the venv's requirements"
                               " or install python3-pytest",
                           python, s2n_pyenv_origin_text(origin));
            return S2N_ERROR;
        }
        if (code == PYTEST_TESTS_FAILED)
            run.exit_code = PYTEST_INTERNAL_ERROR; /* red without a report is not a test result */
    }

    if (cmd.coverage_xml && access(cmd.coverage_xml, F_OK) == 0 && h->add_artifact(st, cmd.coverage_xml, "coverage") != 0)
        return S2N_ERROR;

    char msg[512];
    int result = pytest_outcome(&run, msg, sizeof msg);
    if (msg[0])
        h->set_message(st, "%s", msg);
    char counts[160];
    if (run.have_counts) {
        pytest_counts_text(&run.counts, counts, sizeof counts);
        h->log(st, S2N_LOG_INFO, "pytest: %s (exit %d)", counts, code);
    }
    return result;
}

static const s2n_plugin pytest_plugin = {
    S2N_PLUGIN_HEAD,
    .type = "pytest",
    .version = "1.0.0",
    .summary = "run the tests with pytest; JUnit merged into the run's report",
    .options = pytest_options,
    .validate = pytest_validate,
    .run = pytest_run_stage,
};

const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &pytest_plugin;
}
