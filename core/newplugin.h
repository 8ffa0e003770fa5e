#ifndef S2N_CORE_NEWPLUGIN_H
#define S2N_CORE_NEWPLUGIN_H
/* Writes ./NAME/ with a plugin skeleton; returns an exit code. */
int newplugin_main(const char *name);
#endif
