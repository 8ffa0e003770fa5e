/* One run at a time per workspace: two runs sharing .s2nbuild/ would race
 * on the stage cache, the local index and runs/latest.  The second one
 * stops at once with a message naming the first. */
#include "config.h"
#include "core/util.h"
#include "core/wslock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int workspace_lock(const char *state_dir, char **err)
{
    *err = NULL;
    if (mkdir_p(state_dir, 0755) != 0) {
        *err = xasprintf("cannot create %s: %s", state_dir, strerror(errno));
        return -1;
    }
    char *path = path_join(state_dir, "lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        *err = xasprintf("cannot open %s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = "";
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        *err = xasprintf("another s2nbuild run (pid %s) holds %s; wait for it, or stop it",
                         *buf ? buf : "?", path);
        close(fd);
        free(path);
        return -1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, pid, (size_t)len, 0);
    free(path);
    return fd; /* held until the process exits */
}
