/* `s2nbuild new-plugin NAME`: the skeleton of an out-of-tree stage plugin
 * that builds with one Makefile and passes its own test. */
#include "config.h"
#include "core/newplugin.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char plugin_c[] =
    "/* @NAME@ — a stage plugin for s2nbuild.  Start here: the option table\n"
    " * is what `with:` may contain; run() does the work in a child process. */\n"
    "#include <s2nbuild/plugin.h>\n"
    "\n"
    "#include <stdio.h>\n"
    "\n"
    "static const s2n_option @ID@_options[] = {\n"
    "    {.name = \"message\", .kind = S2N_KIND_STRING, .default_value = \"hello\",\n"
    "     .help = \"what to write\"},\n"
    "    {.name = \"output\", .kind = S2N_KIND_PATH, .default_value = \"@NAME@.txt\",\n"
    "     .help = \"file to write it to; declared as an artifact\"},\n"
    "    {.name = NULL},\n"
    "};\n"
    "\n"
    "static int @ID@_run(s2n_stage *st, const s2n_host *host)\n"
    "{\n"
    "    const char *message = host->opt_string(st, \"message\");\n"
    "    const char *output = host->opt_string(st, \"output\");\n"
    "    FILE *f = fopen(output, \"w\");\n"
    "    if (!f) {\n"
    "        host->set_message(st, \"cannot write %s\", output);\n"
    "        return S2N_ERROR;\n"
    "    }\n"
    "    fprintf(f, \"%s\\n\", message);\n"
    "    fclose(f);\n"
    "    host->log(st, S2N_LOG_INFO, \"wrote %s\", output);\n"
    "    return host->add_artifact(st, output, \"text\") == 0 ? S2N_OK : S2N_ERROR;\n"
    "}\n"
    "\n"
    "static const s2n_plugin @ID@_plugin = {\n"
    "    S2N_PLUGIN_HEAD,\n"
    "    .type = \"@NAME@\",\n"
    "    .version = \"0.1.0\",\n"
    "    .summary = \"writes a message to a file\",\n"
    "    .options = @ID@_options,\n"
    "    .run = @ID@_run,\n"
    "};\n"
    "\n"
    "const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)\n"
    "{\n"
    "    (void)host_major;\n"
    "    (void)host_minor;\n"
    "    return &@ID@_plugin;\n"
    "}\n";

static const char makefile[] =
    "# Builds s2n-@NAME@.so and tests it with s2nbuild.\n"
    "S2NBUILD ?= @S2NBUILD@\n"
    "S2N_CFLAGS ?= $(shell pkg-config --cflags s2nbuild-plugin 2>/dev/null || echo -I@INCLUDEDIR@)\n"
    "CFLAGS ?= -O2 -g\n"
    "CFLAGS += -std=c11 -Wall -Wextra -fPIC $(S2N_CFLAGS)\n"
    "\n"
    "s2n-@NAME@.so: @NAME@.c\n"
    "\t$(CC) $(CFLAGS) -shared -Wl,-z,now -o $@ $<\n"
    "\n"
    "check: s2n-@NAME@.so\n"
    "\tsh test.sh \"$(S2NBUILD)\"\n"
    "\n"
    "install: s2n-@NAME@.so\n"
    "\tinstall -D -m 0755 s2n-@NAME@.so $(DESTDIR)$(shell pkg-config --variable=plugindir s2nbuild-plugin)/s2n-@NAME@.so\n"
    "\n"
    "clean:\n"
    "\trm -rf s2n-@NAME@.so .s2nbuild @NAME@.txt\n"
    "\n"
    ".PHONY: check install clean\n";

static const char test_sh[] =
    "#!/bin/sh\n"
    "# The plugin's own test: it loads, its options are checked, it runs.\n"
    "set -eu\n"
    "S2N=${1:-s2nbuild}\n"
    "cd \"$(dirname \"$0\")\"\n"
    "\"$S2N\" plugins --check ./s2n-@NAME@.so\n"
    "\"$S2N\" --plugin-path . -q stage @NAME@ message=checked\n"
    "grep -qx checked @NAME@.txt\n"
    "if \"$S2N\" --plugin-path . -q stage @NAME@ mesage=typo 2>/dev/null; then\n"
    "  echo 'an unknown option was accepted'; exit 1\n"
    "fi\n"
    "echo '2 passed, 0 failed'\n";

static char *fill(const char *tmpl, const char *name, const char *id, const char *s2n,
                  const char *inc)
{
    strbuf b = {0};
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "@NAME@", 6) == 0)
            sb_puts(&b, name), p += 6;
        else if (strncmp(p, "@ID@", 4) == 0)
            sb_puts(&b, id), p += 4;
        else if (strncmp(p, "@S2NBUILD@", 10) == 0)
            sb_puts(&b, s2n), p += 10;
        else if (strncmp(p, "@INCLUDEDIR@", 12) == 0)
            sb_puts(&b, inc), p += 12;
        else
            sb_putc(&b, *p++);
    }
    return sb_steal(&b);
}

int newplugin_main(const char *name)
{
    size_t n = strlen(name);
    int ok = n > 0 && n <= 40 && name[0] >= 'a' && name[0] <= 'z';
    for (size_t i = 0; ok && i < n; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '-';
    if (!ok) {
        fprintf(stderr, "s2nbuild new-plugin: '%s': a type name is lowercase letters, digits and "
                        "'-', starting with a letter\n", name);
        return 2;
    }
    if (access(name, F_OK) == 0) {
        fprintf(stderr, "s2nbuild new-plugin: %s already exists; nothing was written\n", name);
        return 2;
    }
    char *id = xstrdup(name);
    for (char *p = id; *p; p++)
        if (*p == '-')
            *p = '_';
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    /* The header: the source tree's when this s2nbuild runs from its
     * build tree, else the installed one. */
    char top[PATH_MAX], *dir = xstrdup(exe);
    *strrchr(dir, '/') = '\0';
    const char *inc = S2N_INCLUDEDIR;
    if (realpath(S2N_BUILDDIR, top) && strcmp(top, dir) == 0)
        inc = S2N_SRCDIR "/include";
    free(dir);
    struct { const char *file, *tmpl; mode_t mode; } files[] = {
        {"%s/%s.c", plugin_c, 0644}, {"%s/Makefile", makefile, 0644}, {"%s/test.sh", test_sh, 0755}};
    int rc = 0;
    char *tmpdir = xasprintf("%s.tmp.%ld", name, (long)getpid());
    if (mkdir(tmpdir, 0755) != 0) {
        fprintf(stderr, "s2nbuild new-plugin: cannot create %s: %s\n", tmpdir, strerror(errno));
        rc = 3;
    }
    for (size_t i = 0; !rc && i < S2N_ARRAY_LEN(files); i++) {
        char *path = i == 0 ? xasprintf(files[i].file, tmpdir, name) : xasprintf(files[i].file, tmpdir);
        char *text = fill(files[i].tmpl, name, id, exe, inc);
        if (write_file_atomic(path, text, strlen(text)) != 0 || chmod(path, files[i].mode) != 0) {
            fprintf(stderr, "s2nbuild new-plugin: cannot write %s: %s\n", path, strerror(errno));
            rc = 3;
        }
        free(text);
        free(path);
    }
    /* all or nothing: the folder appears only once it is complete */
    if (!rc && rename(tmpdir, name) != 0) {
        fprintf(stderr, "s2nbuild new-plugin: cannot create %s: %s\n", name, strerror(errno));
        rc = 3;
    }
    if (rc)
        rm_rf(tmpdir);
    else
        printf("created %s/: %s.c, Makefile, test.sh\nnext: make -C %s check\n", name, name, name);
    free(tmpdir);
    free(id);
    return rc;
}
