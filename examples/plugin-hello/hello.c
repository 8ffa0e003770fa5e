/*
 * hello — an out-of-tree s2nbuild stage plugin, the one man page
 * s2nbuild-plugin(7) walks through.  It shows every part a real plugin has:
 *
 *   - an option table the core validates before anything runs
 *     (kinds, required, defaults, enums);
 *   - validate() for a rule the table cannot express;
 *   - logging, a spawned process, an artifact, a published output and the
 *     one-line result message;
 *   - the S2N_HAS_MEMBER check before touching a host member newer than
 *     the ABI the plugin needs.
 *
 * Build it with one line (or `make`, see Makefile):
 *
 *   cc $(pkg-config --cflags s2nbuild-plugin) -std=c11 -shared -fPIC \
 *      -fvisibility=hidden -o s2n-hello.so hello.c
 *
 * and run it:  s2nbuild --plugin-path . stage hello name=world
 */
#include <s2nbuild/plugin.h>

#include <stdio.h>
#include <string.h>

static const char *const hello_styles[] = {"plain", "banner", NULL};

static const s2n_option hello_options[] = {
    {.name = "name", .kind = S2N_KIND_STRING, .flags = S2N_OPT_REQUIRED,
     .help = "who to greet"},
    {.name = "greeting", .kind = S2N_KIND_STRING, .default_value = "Hello",
     .help = "the word before the name"},
    {.name = "times", .kind = S2N_KIND_INT, .default_value = "1",
     .help = "how many lines to write (1 to 100)"},
    {.name = "shout", .kind = S2N_KIND_BOOL, .default_value = "false",
     .help = "end each line with an exclamation mark"},
    {.name = "style", .kind = S2N_KIND_STRING, .flags = S2N_OPT_ENUM, .default_value = "plain",
     .help = "plain lines or a banner around them", .choices = hello_styles},
    {.name = NULL},
};

/* The table already checked kinds, `name` being given and `style` being
 * one of the choices; a range is a rule of this plugin.  validate() runs
 * in the core before any stage starts, so it must stay quick and pure. */
static int hello_validate(s2n_stage *st, const s2n_host *h)
{
    long long times = 0;
    if (h->opt_int(st, "times", &times) != 0 || times < 1 || times > 100) {
        h->error(st, "times", "expected a number from 1 to 100, got %lld", times);
        return S2N_ERROR;
    }
    return S2N_OK;
}

/* Ask the system who we run as, through the host so the child process is
 * tracked (killed on timeout or abort) and its output masked. */
static const char *hello_whoami(s2n_stage *st, const s2n_host *h)
{
    const char *argv[] = {"id", "-un", NULL};
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .flags = S2N_SPAWN_CAPTURE};
    char *out = NULL;
    size_t len = 0;
    int status = h->spawn(st, &spec, &out, &len);
    if (status != 0 || !out || len == 0) {
        h->log(st, S2N_LOG_WARN, "`id -un` failed (status %d); greeting anonymously", status);
        return "someone";
    }
    out[strcspn(out, "\n")] = '\0'; /* arena memory: ours to edit */
    return out;
}

static int hello_run(s2n_stage *st, const s2n_host *h)
{
    const char *name = h->opt_string(st, "name");
    const char *greeting = h->opt_string(st, "greeting");
    const char *style = h->opt_string(st, "style");
    long long times = 1;
    int shout = 0;
    h->opt_int(st, "times", &times);
    h->opt_bool(st, "shout", &shout);

    /* Every host member used here is 1.0, so min_host_minor is 0.  A
     * member added in 1.N must be checked first, like this: */
    if (!S2N_HAS_MEMBER(h, s2n_host, str_printf)) {
        h->log(st, S2N_LOG_ERROR, "host table too small (%u bytes)", (unsigned)h->struct_size);
        return S2N_ERROR;
    }

    const char *me = hello_whoami(st, h);
    h->log(st, S2N_LOG_INFO, "%s greets %s %lld time(s), style %s", me, name, times, style);

    const char *path = h->str_printf(st, "%s/hello.txt", h->stage_dir(st));
    FILE *f = fopen(path, "w");
    if (!f) {
        h->set_message(st, "cannot write %s", path);
        return S2N_ERROR;
    }
    int banner = strcmp(style, "banner") == 0;
    if (banner)
        fprintf(f, "********\n");
    for (long long i = 0; i < times; i++)
        fprintf(f, "%s, %s%s\n", greeting, name, shout ? "!" : "");
    if (banner)
        fprintf(f, "********\n");
    if (fclose(f) != 0) {
        h->set_message(st, "cannot write %s", path);
        return S2N_ERROR;
    }

    /* The host hashes the file and records it; a later stage finds it
     * with host->artifact_at(st, "<this stage>", 0). */
    if (h->add_artifact(st, path, "text") != 0)
        return S2N_ERROR;
    h->set_output(st, "greeted", name);
    h->set_message(st, "greeted %s %lld time(s)", name, times);
    return S2N_OK;
}

static const s2n_plugin hello_plugin = {
    S2N_PLUGIN_HEAD,
    .min_host_minor = 0,
    .type = "hello", /* the file must be called s2n-hello.so */
    .version = "1.0.0",
    .summary = "write a greeting to an artifact (example plugin)",
    .options = hello_options,
    .validate = hello_validate,
    .run = hello_run,
};

/* The one exported symbol: return the static descriptor, do nothing else. */
const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &hello_plugin;
}
