/* Per-request C launchers (native.c), used by baseline.c's commands. */
#ifndef LINX_BENCH_NATIVE_H
#define LINX_BENCH_NATIVE_H

/* Once, before the first request: the map lines and the child's stack. */
void native_init(void);

/* One request through clone(CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | extra_flags): start -> reaped exit, in us. */
double native_once(int extra_flags);

/* posix_spawn of path with the child's ends of the three pipes on 0, 1 and 2; *t0, when given, stamped right
 * before the spawn. Dies on failure. */
int spawn_piped(const char *path, char *argv[], const int in[2], const int out[2], const int err[2], double *t0);

/* One request through posix_spawn of `unshare -r true`: start -> reaped exit, in us. */
double unshare_r_once(const char *unshare_path);

/* A child parked ahead the library's prepared way (unshare -r + PREPARED_SCRIPT), and its pipes. */
struct prepared {
    int pid;
    int in, out, err;
};

/* Parks one, outside any timing, in a new user namespace plus extra_flags' (CLONE_NEW* of native_flags; with
 * CLONE_NEWPID the library's PID-namespace script): returns once it reported readiness. */
void prepared_park(struct prepared *p, const char *unshare_path, int extra_flags);

/* Releases it into `true` and waits for the exit: write -> reaped exit, in us. */
double prepared_once(struct prepared *p);

/* CLONE_NEW* flags for a comma-separated list of "pid", "mount", "uts", "ipc", "net" (others: none). */
int native_flags(const char *names);

/* Sleeps until the monotonic clock reads deadline_us; returns at once if it already does. */
void paced_sleep_until(double deadline_us);

double native_now_us(void);

#endif
