/*
 * Activation scripts.  Same contract as the ones venv writes (VIRTUAL_ENV,
 * VIRTUAL_ENV_PROMPT, PATH, PYTHONHOME unset, prompt prefix, `deactivate`),
 * written anew for s2nbuild.
 */
#include "config.h"

#include "plugins/venv/venvdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Single-quoted for sh/fish/csh: ' becomes '\'' (sh, csh) or \' (fish). */
static char *quote(const char *s, int fish)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 4 : 1;
    char *out = malloc(n);
    char *o = out;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            if (fish) {
                *o++ = '\\';
                *o++ = '\'';
            } else {
                memcpy(o, "'\\''", 4);
                o += 4;
            }
        } else if (fish && *p == '\\') {
            *o++ = '\\';
            *o++ = '\\';
        } else
            *o++ = *p;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

char *s2n_activate_sh(const char *venv, const char *prompt);
char *s2n_activate_fish(const char *venv, const char *prompt);
char *s2n_activate_csh(const char *venv, const char *prompt);

char *s2n_activate_sh(const char *venv, const char *prompt)
{
    char *qv = quote(venv, 0);
    char *qp = quote(prompt, 0);
    char *out = NULL;
    if (asprintf(&out,
        "# Enter this virtual environment from bash, zsh or any POSIX sh:\n"
        "#     . %s/bin/activate\n"
        "# (written by s2nbuild; it must be sourced, not run).  `deactivate` leaves.\n"
        "\n"
        "deactivate () {\n"
        "    if [ -n \"${_S2N_OLD_PATH+x}\" ]; then\n"
        "        PATH=\"$_S2N_OLD_PATH\"\n"
        "        export PATH\n"
        "        unset _S2N_OLD_PATH\n"
        "    fi\n"
        "    if [ -n \"${_S2N_OLD_PYTHONHOME+x}\" ]; then\n"
        "        PYTHONHOME=\"$_S2N_OLD_PYTHONHOME\"\n"
        "        export PYTHONHOME\n"
        "        unset _S2N_OLD_PYTHONHOME\n"
        "    fi\n"
        "    if [ -n \"${_S2N_OLD_PS1+x}\" ]; then\n"
        "        PS1=\"$_S2N_OLD_PS1\"\n"
        "        export PS1\n"
        "        unset _S2N_OLD_PS1\n"
        "    fi\n"
        "    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT\n"
        "    # shells that cache command locations must forget them\n"
        "    hash -r 2>/dev/null || true\n"
        "    if [ \"${1:-}\" != nondestructive ]; then\n"
        "        unset -f deactivate\n"
        "    fi\n"
        "}\n"
        "\n"
        "# leave any environment that is active now\n"
        "deactivate nondestructive\n"
        "\n"
        "VIRTUAL_ENV=%s\n"
        "export VIRTUAL_ENV\n"
        "_S2N_OLD_PATH=\"$PATH\"\n"
        "PATH=\"$VIRTUAL_ENV/bin:$PATH\"\n"
        "export PATH\n"
        "\n"
        "# PYTHONHOME would point the interpreter elsewhere\n"
        "if [ -n \"${PYTHONHOME+x}\" ]; then\n"
        "    _S2N_OLD_PYTHONHOME=\"$PYTHONHOME\"\n"
        "    unset PYTHONHOME\n"
        "fi\n"
        "\n"
        "if [ -z \"${VIRTUAL_ENV_DISABLE_PROMPT:-}\" ]; then\n"
        "    _S2N_OLD_PS1=\"${PS1:-}\"\n"
        "    VIRTUAL_ENV_PROMPT=%s\n"
        "    export VIRTUAL_ENV_PROMPT\n"
        "    PS1=\"$VIRTUAL_ENV_PROMPT${PS1:-}\"\n"
        "    export PS1\n"
        "fi\n"
        "\n"
        "hash -r 2>/dev/null || true\n",
        venv, qv, qp) < 0)
        out = NULL;
    free(qv);
    free(qp);
    return out;
}

char *s2n_activate_fish(const char *venv, const char *prompt)
{
    char *qv = quote(venv, 1);
    char *qp = quote(prompt, 1);
    char *out = NULL;
    if (asprintf(&out,
        "# Enter this virtual environment from fish:\n"
        "#     source %s/bin/activate.fish\n"
        "# (written by s2nbuild).  `deactivate` leaves.\n"
        "\n"
        "function deactivate -d 'Leave the virtual environment'\n"
        "    if set -q _s2n_old_path\n"
        "        set -gx PATH $_s2n_old_path\n"
        "        set -e _s2n_old_path\n"
        "    end\n"
        "    if set -q _s2n_old_pythonhome\n"
        "        set -gx PYTHONHOME $_s2n_old_pythonhome\n"
        "        set -e _s2n_old_pythonhome\n"
        "    end\n"
        "    if functions -q _s2n_old_fish_prompt\n"
        "        functions -e fish_prompt\n"
        "        functions -c _s2n_old_fish_prompt fish_prompt\n"
        "        functions -e _s2n_old_fish_prompt\n"
        "    end\n"
        "    set -e VIRTUAL_ENV\n"
        "    set -e VIRTUAL_ENV_PROMPT\n"
        "    if test \"$argv[1]\" != nondestructive\n"
        "        functions -e deactivate\n"
        "    end\n"
        "end\n"
        "\n"
        "deactivate nondestructive\n"
        "\n"
        "set -gx VIRTUAL_ENV %s\n"
        "set -gx _s2n_old_path $PATH\n"
        "set -gx PATH \"$VIRTUAL_ENV/bin\" $PATH\n"
        "\n"
        "if set -q PYTHONHOME\n"
        "    set -gx _s2n_old_pythonhome $PYTHONHOME\n"
        "    set -e PYTHONHOME\n"
        "end\n"
        "\n"
        "if test -z \"$VIRTUAL_ENV_DISABLE_PROMPT\"\n"
        "    set -gx VIRTUAL_ENV_PROMPT %s\n"
        "    functions -c fish_prompt _s2n_old_fish_prompt\n"
        "    function fish_prompt\n"
        "        # keep $status for the original prompt\n"
        "        set -l last $status\n"
        "        printf '%%s' \"$VIRTUAL_ENV_PROMPT\"\n"
        "        echo \"exit $last\" | source\n"
        "        _s2n_old_fish_prompt\n"
        "    end\n"
        "end\n",
        venv, qv, qp) < 0)
        out = NULL;
    free(qv);
    free(qp);
    return out;
}

char *s2n_activate_csh(const char *venv, const char *prompt)
{
    char *qv = quote(venv, 0);
    char *qp = quote(prompt, 0);
    char *out = NULL;
    if (asprintf(&out,
        "# Enter this virtual environment from csh or tcsh:\n"
        "#     source %s/bin/activate.csh\n"
        "# (written by s2nbuild).  `deactivate` leaves.\n"
        "\n"
        /* csh substitutes variables in a whole `if (...) cmd` line before
         * testing, so an unset one would abort; `test && cmd` lines are
         * substituted command by command. */
        "alias deactivate 'test $?_s2n_old_path != 0 && setenv PATH \"$_s2n_old_path:q\" "
        "&& unset _s2n_old_path; "
        "test $?_s2n_old_pythonhome != 0 && setenv PYTHONHOME \"$_s2n_old_pythonhome:q\" "
        "&& unset _s2n_old_pythonhome; "
        "test $?_s2n_old_prompt != 0 && set prompt=\"$_s2n_old_prompt:q\" "
        "&& unset _s2n_old_prompt; "
        "unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; rehash; "
        "test \"\\!:*\" != nondestructive && unalias deactivate'\n"
        "\n"
        "deactivate nondestructive\n"
        "\n"
        "setenv VIRTUAL_ENV %s\n"
        "set _s2n_old_path=\"$PATH:q\"\n"
        "setenv PATH \"$VIRTUAL_ENV:q/bin:$PATH:q\"\n"
        "\n"
        "# PYTHONHOME would point the interpreter elsewhere\n"
        "if ($?PYTHONHOME) then\n"
        "    set _s2n_old_pythonhome=\"$PYTHONHOME:q\"\n"
        "    unsetenv PYTHONHOME\n"
        "endif\n"
        "\n"
        "if (! $?VIRTUAL_ENV_DISABLE_PROMPT) then\n"
        "    setenv VIRTUAL_ENV_PROMPT %s\n"
        "    if ($?prompt) then\n"
        "        set _s2n_old_prompt=\"$prompt:q\"\n"
        "        set prompt=\"$VIRTUAL_ENV_PROMPT:q$prompt:q\"\n"
        "    endif\n"
        "endif\n"
        "\n"
        "rehash\n",
        venv, qv, qp) < 0)
        out = NULL;
    free(qv);
    free(qp);
    return out;
}
