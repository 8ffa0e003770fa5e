/*
 * The files that make a folder a virtual environment, written without
 * running `python -m venv`: pyvenv.cfg, bin/python* links, activate
 * scripts for bash/zsh/sh, fish and csh, the site-packages folder and the
 * lib64 link.  Python itself only needs pyvenv.cfg (home) and the
 * interpreter link; the rest is what users and tools expect of a venv.
 */
#ifndef S2N_VENV_VENVDIR_H
#define S2N_VENV_VENVDIR_H

#include "plugins/common/pyinfo.h"

#include <stddef.h>

typedef struct s2n_venv_spec {
    const char *root;       /* where to write now                          */
    const char *final_root; /* where it will live (paths inside name this) */
    const s2n_pyinfo *py;
    int system_site_packages;
    const char *prompt;     /* NULL: basename of final_root                */
    const char *command;    /* pyvenv.cfg `command`                        */
} s2n_venv_spec;

/* 0, or -1 with a message. */
int s2n_venv_create(const s2n_venv_spec *spec, char *err, size_t errcap);

/* Append/replace `key = value` in root/pyvenv.cfg (temp + rename). */
int s2n_venv_cfg_set(const char *root, const char *key, const char *value, char *err,
                     size_t errcap);
/* Value of `key` in root/pyvenv.cfg, malloc'd, or NULL. */
char *s2n_venv_cfg_get(const char *root, const char *key);

/* mkdir -p. 0 or -1. */
int s2n_mkdirs(const char *path);

/* Put the finished environment `fresh` at `path`: rename when path is
 * absent, else exchange the two atomically (renameat2 RENAME_EXCHANGE;
 * two renames where the filesystem lacks it) and remove the old one. */
int s2n_swap_in(const char *fresh, const char *path, char *err, size_t errcap);

/* Remove a tree (no symlink following). 0 or -1. */
int s2n_rmtree(const char *path);

#endif
