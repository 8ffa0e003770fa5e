#ifndef S2N_CORE_WSLOCK_H
#define S2N_CORE_WSLOCK_H
/* Takes .s2nbuild/lock; returns the held fd, or -1 with *err (malloc'd). */
int workspace_lock(const char *state_dir, char **err);
#endif
