/* Per-request C launchers (native.c), used by baseline.c's commands. */
#ifndef LINX_BENCH_NATIVE_H
#define LINX_BENCH_NATIVE_H

/* Once, before the first request: the map lines and the child's stack. */
void native_init(void);

/* One request through clone(CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | extra_flags): start -> reaped exit, in us. */
double native_once(int extra_flags);

/* One request through posix_spawn of `unshare -r true`: start -> reaped exit, in us. */
double unshare_r_once(const char *unshare_path);

/* CLONE_NEW* flags for a comma-separated list of "pid", "mount", "uts", "ipc", "net" (others: none). */
int native_flags(const char *names);

/* Sleeps until the monotonic clock reads deadline_us; returns at once if it already does. */
void paced_sleep_until(double deadline_us);

double native_now_us(void);

#endif
