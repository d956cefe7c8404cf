/*
 * Per-request launchers in C, for the prepared-children pairs of benchmarks/run (docs/performance.md):
 *
 *   native    clone(CLONE_NEWUSER | CLONE_VM | CLONE_VFORK [| other namespaces]) straight into the new namespaces;
 *             the child writes its own setgroups ("deny"), uid_map and gid_map ("0 <euid> 1", "0 <egid> 1"), puts
 *             its three pipes on 0, 1 and 2, closes every other descriptor, and execs `true` once (looked up on the
 *             PATH); the parent, resumed once the child has exec'd, waits for the exit. The least a launcher that
 *             creates a fresh namespace per request can do: one clone, three writes, one exec.
 *   unshare-r posix_spawn of `unshare -r true` with the same three pipes: the C twin of what a Java user writes
 *             without the library (ProcessBuilder + unshare -r), minus the JDK's jspawnhelper.
 *   prepared  the library's prepared child done in C: `unshare -r` running the library's PREPARED_SCRIPT is parked
 *             ahead (outside the timing), then a request writes the argv message ("+true\n!\n") to its stdin and
 *             waits for the exit. What the approach itself costs, whatever the language around it. With other
 *             namespaces, unshare gets their flags too, and with a PID namespace the shell runs the library's
 *             PREPARED_PID_NAMESPACE_SCRIPT: pid 1 is its subshell, which the shell waits for.
 *
 * Each call times one request, from before the clone or spawn to the reaped exit, in microseconds.
 */
#define _GNU_SOURCE
#include "native.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define STACK_SIZE (64 * 1024)

static char uid_line[64], gid_line[64];
static char *stack_top;

struct child_args {
    int in, out, err;   /* the child's ends of its three pipes */
};

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void fail(const char *what) {
    perror(what);
    exit(2);
}

/* Runs in the child, on its own stack but in the parent's memory (CLONE_VM): only system calls and _exit. */
static int write_self(const char *name, const char *text) {
    int fd = open(name, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t) strlen(text) ? 0 : -1;
}

static int child_main(void *arg) {
    struct child_args *a = arg;
    if (write_self("/proc/self/setgroups", "deny") || write_self("/proc/self/uid_map", uid_line)
            || write_self("/proc/self/gid_map", gid_line)) {
        _exit(121);
    }
    if (dup2(a->in, 0) < 0 || dup2(a->out, 1) < 0 || dup2(a->err, 2) < 0) _exit(122);
    syscall(SYS_close_range, 3, ~0U, 0);
    char *argv[] = {"true", NULL};
    execvp("true", argv);
    _exit(127);
}

void native_init(void) {
    snprintf(uid_line, sizeof uid_line, "0 %u 1\n", (unsigned) geteuid());
    snprintf(gid_line, sizeof gid_line, "0 %u 1\n", (unsigned) getegid());
    char *stack = malloc(STACK_SIZE);
    if (!stack) fail("malloc");
    stack_top = stack + STACK_SIZE;
}

static void pipes(int in[2], int out[2], int err[2]) {
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) fail("pipe2");
}

static void close_all(int in[2], int out[2], int err[2]) {
    close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
}

static void reap_ok(pid_t pid, const char *what) {
    int status;
    while (waitpid(pid, &status, __WALL) < 0) if (errno != EINTR) fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "%s: workload failed (status 0x%x)\n", what, status);
        exit(2);
    }
}

double native_once(int extra_flags) {
    int in[2], out[2], err[2];
    pipes(in, out, err);
    struct child_args a = {in[0], out[1], err[1]};
    double t0 = now_us();
    pid_t pid = clone(child_main, stack_top, CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | SIGCHLD | extra_flags, &a);
    if (pid < 0) fail("clone");
    /* The parent's ends stay open until the exit, as a Process's streams do. */
    reap_ok(pid, "native");
    double t1 = now_us();
    close_all(in, out, err);
    return t1 - t0;
}

/*
 * posix_spawn of path with the child's ends of three pipes on 0, 1 and 2 and every other descriptor closed, as the
 * library's launcher spawns; dies on failure. Stamps *t0 (when given) right before the spawn, after the file actions
 * are built: a caller timing a request starts its clock there.
 */
int spawn_piped(const char *path, char *argv[], const int in[2], const int out[2], const int err[2], double *t0) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (t0) *t0 = now_us();
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) { errno = rc; fail(argv[0]); }
    return pid;
}

double unshare_r_once(const char *unshare_path) {
    int in[2], out[2], err[2];
    pipes(in, out, err);
    char *argv[] = {"unshare", "-r", "true", NULL};
    double t0;
    pid_t pid = spawn_piped(unshare_path, argv, in, out, err, &t0);
    reap_ok(pid, "unshare -r");
    double t1 = now_us();
    close_all(in, out, err);
    return t1 - t0;
}

/* Must stay identical to HelperCommand's ARGV_AT_RELEASE, PREPARED_SCRIPT and PREPARED_PID_NAMESPACE_SCRIPT. */
#define ARGV_AT_RELEASE \
    " || exit 125\n" \
    "linx_n=\n" \
    "while IFS= read -r linx_l; do\n" \
    "case $linx_l in\n" \
    "+*) [ -z \"$linx_n\" ] || set -- \"$@\" \"$linx_a\"; linx_a=${linx_l#?}; linx_n=1 ;;\n" \
    ".*) linx_a=\"$linx_a\n${linx_l#?}\" ;;\n" \
    "!) [ -z \"$linx_n\" ] || set -- \"$@\" \"$linx_a\"; exec \"$@\" ;;\n" \
    "*) exit 125 ;;\n" \
    "esac\n" \
    "done\n" \
    "exit 125"

static const char PREPARED_SCRIPT[] = "printf 'linx-ready %s\\n' \"$$\"" ARGV_AT_RELEASE;

static const char PREPARED_PID_NAMESPACE_SCRIPT[] =
    "exec 3>&2 2>/dev/null; ("
    "read -r linx_pid linx_rest < /proc/self/stat && printf 'linx-ready %s\\n' \"$linx_pid\""
    ARGV_AT_RELEASE
    ") 2>&3 3>&-; exit $?";

void prepared_park(struct prepared *p, const char *unshare_path, int extra_flags) {
    int in[2], out[2], err[2];
    pipes(in, out, err);
    /* The flags in the order the library's HelperCommand gives them (Namespace's order). */
    char *argv[16];
    int n = 0;
    argv[n++] = "unshare";
    argv[n++] = "-r";
    if (extra_flags & CLONE_NEWNS) argv[n++] = "--mount";
    if (extra_flags & CLONE_NEWPID) argv[n++] = "--pid";
    if (extra_flags & CLONE_NEWUTS) argv[n++] = "--uts";
    if (extra_flags & CLONE_NEWIPC) argv[n++] = "--ipc";
    if (extra_flags & CLONE_NEWNET) argv[n++] = "--net";
    argv[n++] = "--";
    argv[n++] = "/bin/sh";
    argv[n++] = "-c";
    argv[n++] = (char *) (extra_flags & CLONE_NEWPID ? PREPARED_PID_NAMESPACE_SCRIPT : PREPARED_SCRIPT);
    argv[n++] = "linx-parked-c";
    argv[n] = NULL;
    p->pid = spawn_piped(unshare_path, argv, in, out, err, NULL);
    close(in[0]); close(out[1]); close(err[1]);
    p->in = in[1]; p->out = out[0]; p->err = err[0];
    char line[64];
    size_t len = 0;
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        ssize_t r = read(p->out, line + len, sizeof line - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) fail("prepared readiness");
        len += r;
    }
}

double prepared_once(struct prepared *p) {
    static const char message[] = "+true\n!\n";
    double t0 = now_us();
    if (write(p->in, message, sizeof message - 1) != (ssize_t) (sizeof message - 1)) fail("prepared release");
    reap_ok(p->pid, "prepared");
    double t1 = now_us();
    close(p->in); close(p->out); close(p->err);
    return t1 - t0;
}

int native_flags(const char *names) {
    int flags = 0;
    if (strstr(names, "pid")) flags |= CLONE_NEWPID;
    if (strstr(names, "mount")) flags |= CLONE_NEWNS;
    if (strstr(names, "uts")) flags |= CLONE_NEWUTS;
    if (strstr(names, "ipc")) flags |= CLONE_NEWIPC;
    if (strstr(names, "net")) flags |= CLONE_NEWNET;
    return flags;
}

void paced_sleep_until(double deadline_us) {
    double left = deadline_us - now_us();
    if (left <= 0) return;
    struct timespec w = {(time_t) (left / 1e6), (long) ((left - (time_t) (left / 1e6) * 1e6) * 1e3)};
    while (nanosleep(&w, &w) < 0 && errno == EINTR) {
    }
}

double native_now_us(void) {
    return now_us();
}
