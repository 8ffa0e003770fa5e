#include "pep517.h"

#include <stdio.h>
#include <string.h>

/* Builds the sdist, then the wheel from the unpacked sdist (as `python -m
 * build` does, so the wheel only sees what the sdist ships). */
static const char pep517_driver[] =
    "import importlib, os, shutil, sys, tarfile, tempfile\n"
    "src, out, want_sdist, want_wheel, spec = sys.argv[1:6]\n"
    "paths = sys.argv[6:]\n"
    "os.chdir(src)\n"
    "sys.path[:0] = [os.path.abspath(p) for p in paths]\n"
    "name, _, attrs = spec.partition(':')\n"
    "try:\n"
    "    backend = importlib.import_module(name)\n"
    "except ImportError as e:\n"
    "    sys.exit(f's2nbuild: the build backend {spec} is not importable by {sys.executable}: {e}'\n"
    "             ' (install it for this interpreter, e.g. the Debian python3-* package)')\n"
    "for a in filter(None, attrs.split('.')):\n"
    "    backend = getattr(backend, a)\n"
    "sdist = backend.build_sdist(out, {})\n"
    "print('s2nbuild: backend built sdist', sdist, flush=True)\n"
    "if want_wheel == '1':\n"
    "    tmp = tempfile.mkdtemp(prefix='unpack-', dir=out)\n"
    "    with tarfile.open(os.path.join(out, sdist)) as t:\n"
    "        t.extractall(tmp)\n"
    "    top = [d for d in os.listdir(tmp)][0]\n"
    "    os.chdir(os.path.join(tmp, top))\n"
    "    wheel = backend.build_wheel(out, {})\n"
    "    print('s2nbuild: backend built wheel', wheel, flush=True)\n"
    "    os.chdir(out)\n"
    "    shutil.rmtree(tmp)\n"
    "if want_sdist != '1':\n"
    "    os.unlink(os.path.join(out, sdist))\n";

int pep517_build(s2n_stage *st, const s2n_host *h, const project *p, const pep517_req *r)
{
    const char *argv[32 + 8];
    size_t n = 0;
    if (r->use_build) {
        argv[n++] = r->python;
        argv[n++] = "-m";
        argv[n++] = "build";
        argv[n++] = "--no-isolation";
        /* its requirement check reads installed metadata, which Debian's
         * python3-hatchling & co. do not always match: the import tells */
        argv[n++] = "--skip-dependency-check";
        argv[n++] = "--outdir";
        argv[n++] = r->tmpdir;
        if (r->sdist && !r->wheel)
            argv[n++] = "--sdist";
        if (r->wheel && !r->sdist)
            argv[n++] = "--wheel";
        argv[n++] = r->srcdir;
    } else {
        argv[n++] = r->python;
        argv[n++] = "-c";
        argv[n++] = pep517_driver;
        argv[n++] = r->srcdir;
        argv[n++] = r->tmpdir;
        argv[n++] = r->sdist ? "1" : "0";
        argv[n++] = r->wheel ? "1" : "0";
        argv[n++] = p->backend_spec;
        for (size_t i = 0; i < p->backend_path.n && n < 38; i++)
            argv[n++] = p->backend_path.v[i];
    }
    argv[n] = NULL;
    const char *env[4] = {NULL};
    size_t ne = 0;
    char *epoch_var = r->epoch ? h->str_printf(st, "SOURCE_DATE_EPOCH=%s", r->epoch) : NULL;
    if (epoch_var)
        env[ne++] = epoch_var;
    env[ne++] = "PIP_NO_INDEX=1"; /* never reach for an index */
    env[ne] = NULL;
    s2n_spawn spec = {.struct_size = sizeof spec, .argv = argv, .env = env, .cwd = r->srcdir};
    int code = h->spawn(st, &spec, NULL, NULL);
    if (code != 0) {
        h->log(st, S2N_LOG_ERROR, "%s backend %s failed (exit status %d)",
               r->use_build ? "python -m build with" : "PEP 517", p->backend_spec, code);
        return -1;
    }
    return 0;
}
