/*
 * The runner: stages form a DAG; ready stages start (at most -j at once),
 * each in a forked child in its own process group.  The parent multiplexes
 * their output (line by line, masked, prefixed, teed to the stage log),
 * enforces timeouts (SIGTERM to the group, grace, SIGKILL), classifies how
 * each child ended, retries what is retryable, and on SIGINT/SIGTERM stops
 * everything and still lets the caller write the record.
 */
#include "config.h"
#include "core/policy.h"
#include "core/run.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t abort_sig;

static void on_signal(int sig)
{
    int e = errno;
    if (sig == SIGINT || sig == SIGTERM) {
        if (!abort_sig)
            abort_sig = sig;
    }
    if (wake_pipe[1] >= 0)
        (void)!write(wake_pipe[1], "x", 1);
    errno = e;
}

void runner_request_abort(int sig)
{
    on_signal(sig);
}

const char *outcome_name(outcome o)
{
    static const char *const names[] = {"pending", "ok", "failed", "error", "skipped", "crashed",
                                        "timeout", "exited", "aborted", "not-run", "cached"};
    return o <= OUT_CACHED ? names[o] : "?";
}

int outcome_good(outcome o)
{
    return o == OUT_OK || o == OUT_SKIPPED || o == OUT_CACHED;
}

static double kill_grace(void)
{
    const char *g = getenv("S2NBUILD_KILL_GRACE");
    double d = g ? atof(g) : 5.0;
    return d > 0 ? d : 5.0;
}

/* ------------------------------------------------------------- output */

/* A stage whose log cannot be written (a full disk) still runs and its
 * output still reaches the terminal; the lost log is said once. */
static void log_trouble(stage_run *sr, const char *what)
{
    if (sr->log_warned)
        return;
    sr->log_warned = 1;
    fprintf(stderr, "s2nbuild: warning: the log of stage %s (%s) %s: %s\n", sr->def->name,
            sr->log_path, what, strerror(errno));
}

/* The log is created with the first line of output: a quiet stage costs
 * no file. */
static void open_log(run *r, stage_run *sr)
{
    (void)r;
    if (sr->log)
        return;
    sr->log = fopen(sr->log_path, sr->log_started ? "a" : "w");
    if (!sr->log)
        log_trouble(sr, "cannot be written");
    if (sr->log && !sr->log_started && sr->attempts > 1)
        fprintf(sr->log, "--- attempt %d ---\n", sr->attempts);
    sr->log_started = 1;
}

/* Progress lines: a stage's text ended by '\r' (not "\r\n") is an update
 * drawn in place when our stdout is an interactive terminal, and never
 * logged; the next line (of any stage) replaces it.  Stages learn that
 * updates will be shown from S2NBUILD_TTY=1 (see start_stage). */
static int progress_shown;

static int interactive(void)
{
    static int tty = -1;
    if (tty < 0) {
        const char *ci = getenv("CI");
        tty = isatty(STDOUT_FILENO) && !(ci && *ci);
    }
    return tty;
}

static void clear_progress(void)
{
    if (progress_shown)
        fputs("\r\033[K", stdout);
    progress_shown = 0;
}

static void to_terminal(run *r, stage_run *sr, const char *m, size_t mlen, int progress)
{
    strbuf b = {0};
    size_t plen = 0;
    if (progress)
        sb_putc(&b, '\r');
    else
        clear_progress();
    if (r->prefix) {
        plen = strlen(sr->def->name) > 10 ? strlen(sr->def->name) + 2 : 12; /* as printed */
        if (r->color)
            sb_printf(&b, "\033[36m%-10s\033[0m| ", sr->def->name);
        else
            sb_printf(&b, "%-10s| ", sr->def->name);
    }
    struct winsize ws;
    if (progress && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > plen + 1 &&
        mlen > ws.ws_col - plen - 1) {
        mlen = ws.ws_col - plen - 1; /* a wrapped line cannot be redrawn */
        while (mlen && ((unsigned char)m[mlen] & 0xC0) == 0x80)
            mlen--;
    }
    sb_add(&b, m, mlen);
    sb_puts(&b, progress ? "\033[K" : "\n");
    progress_shown = progress;
    fwrite(b.s, 1, b.len, stdout);
    fflush(stdout);
    sb_free(&b);
}

static void emit_line(run *r, stage_run *sr, const char *line, size_t len)
{
    size_t mlen;
    char *m = mask_apply(r->mask, line, len, &mlen);
    open_log(r, sr);
    if (sr->log) {
        fwrite(m, 1, mlen, sr->log);
        fputc('\n', sr->log);
    }
    if (!r->quiet)
        to_terminal(r, sr, m, mlen, 0);
    free(m);
}

static void emit_progress(run *r, stage_run *sr, const char *text, size_t len)
{
    if (r->quiet || !interactive() || !len)
        return;
    size_t mlen;
    char *m = mask_apply(r->mask, text, len, &mlen);
    to_terminal(r, sr, m, mlen, 1);
    free(m);
}

static void flush_lines(run *r, stage_run *sr, int final)
{
    char *s = sr->line.s;
    size_t start = 0;
    for (size_t i = 0; i < sr->line.len; i++) {
        if (s[i] == '\n') {
            emit_line(r, sr, s + start, i - start);
            start = i + 1;
        } else if (s[i] == '\r' && (i + 1 < sr->line.len ? s[i + 1] != '\n' : final)) {
            emit_progress(r, sr, s + start, i - start);
            start = i + 1;
        } else if (s[i] == '\r' && i + 1 == sr->line.len) {
            break; /* "\r\n" split between reads? wait for the next byte */
        }
    }
    /* A very long line without newline is cut rather than held forever,
     * never inside a secret (each part is masked on its own). */
    while (sr->line.len - start > 65536) {
        size_t cut = mask_safe_cut(r->mask, s + start, sr->line.len - start, 65536);
        emit_line(r, sr, s + start, cut);
        start += cut;
    }
    if (final && start < sr->line.len) {
        emit_line(r, sr, s + start, sr->line.len - start);
        start = sr->line.len;
    }
    if (start) {
        memmove(sr->line.s, sr->line.s + start, sr->line.len - start);
        sr->line.len -= start;
        if (sr->line.s)
            sr->line.s[sr->line.len] = '\0';
    }
}

static void drain_ctl(run *r, stage_run *sr)
{
    if (sr->ctl_fd < 0)
        return;
    char buf[4096];
    for (;;) {
        ssize_t n = read(sr->ctl_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0) {
                close(sr->ctl_fd);
                sr->ctl_fd = -1;
            }
            break;
        }
        sb_add(&sr->ctl, buf, (size_t)n);
    }
    /* messages: type byte, u32 length, bytes */
    size_t off = 0;
    while (sr->ctl.len - off >= 5) {
        char type = sr->ctl.s[off];
        uint32_t len;
        memcpy(&len, sr->ctl.s + off + 1, 4);
        if (sr->ctl.len - off - 5 < len)
            break;
        char *msg = xstrndup(sr->ctl.s + off + 5, len);
        if (type == CTL_SECRET) {
            mask_add(r->mask, msg);
            free(msg);
        } else {
            free(sr->result);
            sr->result = msg;
        }
        off += 5 + len;
    }
    if (off) {
        memmove(sr->ctl.s, sr->ctl.s + off, sr->ctl.len - off);
        sr->ctl.len -= off;
    }
}

static void drain_out(run *r, stage_run *sr)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(sr->out_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            close(sr->out_fd);
            sr->out_fd = -1;
            break;
        }
        if (n < 0)
            break;
        sb_add(&sr->line, buf, (size_t)n);
        flush_lines(r, sr, 0);
    }
}

/* -------------------------------------------------------------- start */


/* The stage child keeps 0-2 and its control fd (moved to 3). */
static void close_inherited(void)
{
    if (close_range(4, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 4; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        close(fd);
}

static int start_stage(run *r, stage_run *sr)
{
    sr->attempts++;
    if (!sr->log_path) {
        sr->log_path = xasprintf("%s/%s.log", r->dir, sr->def->name);
        sr->dir = xasprintf("%s/%s", r->dir, sr->def->name);
    }
    if (sr->log && sr->attempts > 1)
        fprintf(sr->log, "--- attempt %d ---\n", sr->attempts);
    free(sr->result);
    sr->result = NULL;
    int out[2], ctl[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(ctl, O_CLOEXEC) != 0) {
        sr->outcome = OUT_ERROR;
        sr->message = xasprintf("cannot create pipes: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    if (sr->log)
        fflush(sr->log);
    pid_t pid = fork();
    if (pid < 0) {
        sr->outcome = OUT_ERROR;
        sr->message = xasprintf("cannot fork: %s", strerror(errno));
        close(out[0]), close(out[1]), close(ctl[0]), close(ctl[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (interactive() && !r->quiet)
            setenv("S2NBUILD_TTY", "1", 1);
        else
            unsetenv("S2NBUILD_TTY"); /* not from an outer s2nbuild */
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        int cfd = ctl[1] == 3 ? 3 : dup2(ctl[1], 3);
        fcntl(cfd, F_SETFD, FD_CLOEXEC); /* not for the plugin's processes */
        close_inherited();
        setvbuf(stdout, NULL, _IOLBF, 0);
        char lerr[256];
        if (limits_apply(&sr->def->limits, lerr, sizeof lerr) != 0) {
            fprintf(stderr, "%s\n", lerr);
            _exit(125);
        }
        host_child_main(r, sr, cfd);
    }
    setpgid(pid, pid); /* also here: no race with an early kill */
    close(out[1]);
    close(ctl[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(ctl[0], F_SETFL, O_NONBLOCK);
    sr->pid = pid;
    sr->out_fd = out[0];
    sr->ctl_fd = ctl[0];
    sr->phase = PH_RUNNING;
    sr->start = now_monotonic();
    sr->deadline = sr->def->timeout > 0 ? sr->start + sr->def->timeout : 0;
    sr->kill_at = 0;
    sr->term_sent = sr->timed_out = 0;
    return 0;
}

/* ------------------------------------------------------------- finish */

static void read_result(run *r, stage_run *sr, int *returned, int *rc)
{
    json_error_t je;
    json_t *j = sr->result ? json_loads(sr->result, 0, &je) : NULL;
    *returned = 0;
    if (!j)
        return;
    *returned = json_is_true(json_object_get(j, "returned"));
    *rc = (int)json_integer_value(json_object_get(j, "result"));
    const char *msg = json_string_value(json_object_get(j, "message"));
    free(sr->message);
    sr->message = msg ? xstrdup(msg) : NULL;
    sr->retryable = json_is_true(json_object_get(j, "retryable"));
    for (size_t i = 0; i < sr->narts; i++) {
        free(sr->arts[i].path), free(sr->arts[i].name), free(sr->arts[i].kind), free(sr->arts[i].sha256);
    }
    free(sr->arts);
    sr->arts = NULL;
    sr->narts = 0;
    json_t *arts = json_object_get(j, "artifacts"), *a;
    size_t i;
    sr->arts = xcalloc(json_array_size(arts) + 1, sizeof *sr->arts);
    json_array_foreach(arts, i, a)
        artifact_from_json(&sr->arts[sr->narts++], a, NULL);
    stage_outputs_tests_from_json(sr, j);
    sv_free(&sr->junit);
    json_array_foreach(json_object_get(j, "junit"), i, a)
        sv_push(&sr->junit, xstrdup(json_string_value(a)));
    json_decref(j);
    (void)r;
}

static void finish_stage(run *r, stage_run *sr, int status)
{
    drain_ctl(r, sr);
    if (sr->out_fd >= 0)
        drain_out(r, sr);
    flush_lines(r, sr, 1);
    clear_progress(); /* the stage is over: so is its progress line */
    if (sr->out_fd >= 0) {
        close(sr->out_fd);
        sr->out_fd = -1;
    }
    if (sr->ctl_fd >= 0) {
        close(sr->ctl_fd);
        sr->ctl_fd = -1;
    }
    /* Leftover processes of the stage (a daemon a script started) do not
     * outlive it. */
    kill(-sr->pid, SIGKILL);
    sr->end = now_monotonic();
    sr->status = status;
    int returned = 0, rc = S2N_ERROR;
    read_result(r, sr, &returned, &rc);
    if (r->abort_signal && sr->term_sent) {
        sr->outcome = OUT_ABORTED;
        free(sr->message);
        sr->message = xasprintf("aborted (s2nbuild received signal %d)", r->abort_signal);
    } else if (sr->timed_out) {
        sr->outcome = OUT_TIMEOUT;
        free(sr->message);
        sr->message = xasprintf("timed out after %g s%s", sr->def->timeout,
                                sr->kill_at && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
                                    ? " (killed: it ignored SIGTERM)" : "");
    } else if (WIFSIGNALED(status)) {
        sr->outcome = OUT_CRASHED;
        free(sr->message);
        char *limit = limits_explain_signal(&sr->def->limits, WTERMSIG(status));
        if (limit)
            sr->message = xasprintf("stopped by %s", limit);
        else
            sr->message = xasprintf("crashed: signal %d (%s)%s", WTERMSIG(status),
                                    strsignal(WTERMSIG(status)),
                                    WCOREDUMP(status) ? ", core dumped" : "");
        free(limit);
    } else if (!returned) {
        sr->outcome = OUT_EXITED;
        free(sr->message);
        sr->message = xasprintf("the plugin exited (%d) without returning a result",
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        static const outcome map[] = {OUT_OK, OUT_FAILED, OUT_ERROR, OUT_SKIPPED};
        sr->outcome = rc >= 0 && rc <= 3 ? map[rc] : OUT_ERROR;
    }
    if ((sr->outcome == OUT_FAILED || sr->outcome == OUT_ERROR) && sr->retryable &&
        sr->attempts <= sr->def->retries && !r->abort_signal) {
        double backoff = 0.5 * (1 << (sr->attempts - 1 < 5 ? sr->attempts - 1 : 5));
        if (getenv("S2NBUILD_RETRY_DELAY"))
            backoff = atof(getenv("S2NBUILD_RETRY_DELAY"));
        char *m = xasprintf("retrying in %.1f s (attempt %d of %d): %s", backoff, sr->attempts + 1,
                            sr->def->retries + 1, sr->message ? sr->message : outcome_name(sr->outcome));
        emit_line(r, sr, m, strlen(m));
        free(m);
        sr->phase = PH_WAITING_RETRY;
        sr->retry_at = now_monotonic() + backoff;
        sr->outcome = OUT_NONE;
        return;
    }
    sr->phase = PH_DONE;
    if (sr->log) {
        if ((ferror(sr->log) | fclose(sr->log)) != 0)
            log_trouble(sr, "is incomplete");
        sr->log = NULL;
    }
    policy_after_finish(r, sr);
}

/* ----------------------------------------------------------- schedule */

static stage_run *by_name(run *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->st[i].def->name, name) == 0)
            return &r->st[i];
    return NULL;
}

/* 1: ready to start; 0: wait; -1: can never run (reason set). */
static int readiness(run *r, stage_run *sr)
{
    for (size_t i = 0; i < sr->def->needs.n; i++) {
        stage_run *up = by_name(r, sr->def->needs.v[i]);
        if (!up)
            continue;
        if (up->phase != PH_DONE)
            return 0;
        if (!outcome_good(up->outcome)) {
            sr->message = xasprintf("not run: needs '%s', which %s", up->def->name,
                                    up->outcome == OUT_NOTRUN ? "did not run"
                                    : up->outcome == OUT_ABORTED ? "was aborted"
                                    : up->outcome == OUT_TIMEOUT ? "timed out"
                                    : up->outcome == OUT_CRASHED ? "crashed"
                                                                  : "failed");
            return -1;
        }
    }
    return 1;
}

static void kill_running(run *r, int sig)
{
    for (size_t i = 0; i < r->n; i++) {
        stage_run *sr = &r->st[i];
        if (sr->phase == PH_RUNNING) {
            kill(-sr->pid, sig);
            if (sig == SIGTERM && !sr->term_sent) {
                sr->term_sent = 1;
                sr->kill_at = now_monotonic() + kill_grace();
            }
        }
    }
}

static void reap(run *r)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        for (size_t i = 0; i < r->n; i++)
            if (r->st[i].phase == PH_RUNNING && r->st[i].pid == pid) {
                finish_stage(r, &r->st[i], status);
                break;
            }
    }
}

int runner_run(run *r)
{
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (abort_sig)
        r->abort_signal = abort_sig;
    int failed = 0;
    for (;;) {
        int settled = 0; /* stages that ended without a child this pass */
        if (abort_sig && !r->abort_signal) {
            r->abort_signal = abort_sig;
            kill_running(r, SIGTERM);
        }
        double now = now_monotonic();
        size_t running = 0, active = 0;
        for (size_t i = 0; i < r->n; i++) {
            stage_run *sr = &r->st[i];
            if (!sr->selected || sr->phase == PH_DONE)
                continue;
            active++;
            if (sr->phase == PH_RUNNING)
                running++;
        }
        if (!active)
            break;
        /* start what is ready */
        for (size_t k = 0; k < r->n && !r->abort_signal; k++) {
            stage_run *sr = &r->st[r->p->order[k]];
            if (!sr->selected)
                continue;
            if (sr->phase == PH_WAITING_RETRY && now >= sr->retry_at && (int)running < r->jobs) {
                if (start_stage(r, sr) == 0)
                    running++;
                else
                    sr->phase = PH_DONE;
                continue;
            }
            if (sr->phase != PH_PENDING)
                continue;
            int ready = readiness(r, sr);
            if (ready < 0 || (ready > 0 && failed && !r->keep_going)) {
                if (ready > 0)
                    sr->message = xstrdup("not run: an earlier stage failed (--keep-going runs "
                                          "independent stages)");
                sr->phase = PH_DONE;
                sr->outcome = OUT_NOTRUN;
                continue;
            }
            if (ready > 0 && (int)running < r->jobs) {
                /* skipped by its when:, or restored from the stage cache */
                if (policy_before_start(r, sr)) {
                    settled = 1;
                    continue;
                }
                if (start_stage(r, sr) == 0)
                    running++;
                else
                    sr->phase = PH_DONE;
            }
        }
        if (r->abort_signal)
            for (size_t i = 0; i < r->n; i++)
                if (r->st[i].selected && (r->st[i].phase == PH_PENDING || r->st[i].phase == PH_WAITING_RETRY)) {
                    r->st[i].phase = PH_DONE;
                    r->st[i].outcome = OUT_NOTRUN;
                    free(r->st[i].message);
                    r->st[i].message = xstrdup("not run: s2nbuild was interrupted");
                }
        /* wait for output, exits, deadlines */
        struct pollfd *pf = xcalloc(2 * r->n + 1, sizeof *pf);
        stage_run **owner = xcalloc(2 * r->n + 1, sizeof *owner);
        size_t np = 0;
        pf[np++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
        double next = now + 1.0;
        for (size_t i = 0; i < r->n; i++) {
            stage_run *sr = &r->st[i];
            if (sr->phase == PH_WAITING_RETRY && sr->retry_at < next)
                next = sr->retry_at;
            if (sr->phase != PH_RUNNING)
                continue;
            if (sr->ctl_fd >= 0) {
                owner[np] = sr;
                pf[np++] = (struct pollfd){.fd = sr->ctl_fd, .events = POLLIN};
            }
            if (sr->out_fd >= 0) {
                owner[np] = sr;
                pf[np++] = (struct pollfd){.fd = sr->out_fd, .events = POLLIN};
            }
            if (sr->deadline && !sr->timed_out && sr->deadline < next)
                next = sr->deadline;
            if (sr->kill_at && sr->kill_at < next)
                next = sr->kill_at;
        }
        int wait_ms = (int)((next - now) * 1000) + 1;
        /* something ended without a child: look again at once */
        int pr = poll(pf, np, wait_ms < 0 || settled ? 0 : wait_ms);
        if (pr > 0) {
            if (pf[0].revents) {
                char buf[64];
                while (read(wake_pipe[0], buf, sizeof buf) > 0)
                    ;
            }
            /* control messages before output, so a secret registered
             * before some output is masked in it */
            for (size_t i = 1; i < np; i++)
                if (owner[i]->ctl_fd >= 0)
                    drain_ctl(r, owner[i]);
            for (size_t i = 1; i < np; i++)
                if (pf[i].revents && pf[i].fd == owner[i]->out_fd)
                    drain_out(r, owner[i]);
        }
        free(pf);
        free(owner);
        now = now_monotonic();
        for (size_t i = 0; i < r->n; i++) {
            stage_run *sr = &r->st[i];
            if (sr->phase != PH_RUNNING)
                continue;
            if (sr->deadline && !sr->timed_out && now >= sr->deadline) {
                sr->timed_out = 1;
                sr->term_sent = 1;
                kill(-sr->pid, SIGTERM);
                sr->kill_at = now + kill_grace();
            } else if (sr->kill_at && now >= sr->kill_at) {
                kill(-sr->pid, SIGKILL);
                sr->kill_at = 0;
            }
        }
        reap(r);
        for (size_t i = 0; i < r->n; i++)
            if (r->st[i].phase == PH_DONE && r->st[i].selected && r->st[i].outcome != OUT_NONE &&
                !outcome_good(r->st[i].outcome) && r->st[i].outcome != OUT_NOTRUN)
                failed = 1;
    }
    r->finished_mono = now_monotonic();
    signal(SIGCHLD, SIG_DFL);
    close(wake_pipe[0]);
    close(wake_pipe[1]);
    wake_pipe[0] = wake_pipe[1] = -1;
    int any_bad = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->st[i].selected && !outcome_good(r->st[i].outcome))
            any_bad = 1;
    r->exit_code = r->abort_signal ? 128 + r->abort_signal : any_bad ? 1 : 0;
    return r->exit_code;
}
