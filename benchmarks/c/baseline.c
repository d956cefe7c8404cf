/*
 * C baselines for benchmarks/run: the same work as the Java benchmarks, with nothing in between but libc.
 *
 *   baseline triple   SECONDS   deny setgroups + uid_map + gid_map on a parked child (only the writes are timed)
 *   baseline readmap  SECONDS   read and parse /proc/<own pid>/uid_map
 *   baseline launcher SECONDS   the whole launcher cycle: spawn helper, wait for ready, pin, write maps, release, reap
 *   baseline throughput SECONDS THREADS   launcher cycles per second from THREADS threads
 *   baseline serve      commands on stdin, for benchmarks' Interleaved harness, which alternates with the JVM in
 *                       small slices so that both sides see the same load: "launcher N" (N timed cycles, replies
 *                       with the samples in microseconds on one line), "throughput MILLIS THREADS" (replies with the
 *                       number of cycles), "triple N" (N parked children, replies with the time of each one's
 *                       three writes), "paced KIND N PERIOD_US [NAMESPACES]" (N requests of KIND, one every
 *                       PERIOD_US, each timed from its start to its reaped exit; KIND is "twin", this file's launcher
 *                       cycle, "native", "unshare-r" or "prepared", native.c's; NAMESPACES for "native" and
 *                       "prepared" as in `baseline native`), "quit"
 *   baseline native SECONDS [NAMESPACES]   native.c's per-request launcher: clone straight into a new user
 *                       namespace (plus NAMESPACES, a comma-separated list of pid,mount,uts,ipc,net), the child
 *                       writes its own maps and execs `true`
 *   baseline unshare-r SECONDS             posix_spawn of `unshare -r true`
 *
 * "Parked child" means exactly what linx-user's launcher does: posix_spawn the same util-linux `unshare` running the
 * same /bin/sh script (HelperCommand.SCRIPT), wait for its readiness line, and pin /proc/<pid> after checking the
 * per-child marker in its cmdline. Writes go through openat() on that directory, one write(2) per file, as the
 * library does. Output: one line of key=value pairs (microseconds) that benchmarks/run parses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "native.h"

/* Must stay identical to HelperCommand.SCRIPT in linx-user-core. */
static const char SCRIPT[] =
    "printf 'linx-ready %s\\n' \"$$\""
    " && read -r linx_go"
    " && exec \"$@\"";

static const char *unshare_path = "/usr/bin/unshare";
static char uid_map[64], gid_map[64];

static void die(const char *what) {
    perror(what);
    exit(2);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

struct parked {
    pid_t helper;   /* the pid posix_spawn returned (unshare, then sh) */
    long host_pid;  /* the pid the script reported */
    int dirfd;      /* pinned /proc/<pid> */
    int in, out, err;
};

/* Spawns the helper with three pipes, reads the readiness line, pins and verifies /proc/<pid>. */
static void park(struct parked *p, unsigned long seq) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) die("pipe2");
    char marker[64];
    snprintf(marker, sizeof marker, "linx-parked-%d-%lu", (int) getpid(), seq);
    char *argv[] = {"unshare", "--user", "--", "/bin/sh", "-c", (char *) SCRIPT, marker, "true", NULL};
    p->helper = spawn_piped(unshare_path, argv, in, out, err, NULL);
    close(in[0]); close(out[1]); close(err[1]);
    p->in = in[1]; p->out = out[0]; p->err = err[0];

    char line[64];
    size_t len = 0;
    while (len < sizeof line - 1) {
        ssize_t n = read(p->out, line + len, sizeof line - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("readiness");
        len += n;
        if (memchr(line, '\n', len)) break;
    }
    line[len] = 0;
    if (strncmp(line, "linx-ready ", 11)) { fprintf(stderr, "bad readiness: %s\n", line); exit(2); }
    p->host_pid = strtol(line + 11, NULL, 10);

    char path[32];
    snprintf(path, sizeof path, "/proc/%ld", p->host_pid);
    p->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->dirfd < 0) die("open /proc/<pid>");
    int c = openat(p->dirfd, "cmdline", O_RDONLY | O_CLOEXEC);
    char args[4096];
    ssize_t n = read(c, args, sizeof args);
    close(c);
    /* argv[3] of `/bin/sh -c SCRIPT MARKER ...` is the marker. */
    const char *a = args, *end = args + (n > 0 ? n : 0);
    for (int i = 0; i < 3 && a < end; i++) a += strlen(a) + 1;
    if (a >= end || strcmp(a, marker)) { fprintf(stderr, "marker mismatch\n"); exit(2); }
}

static void write_file(int dirfd, const char *name, const char *text) {
    int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
    if (fd < 0) die(name);
    if (write(fd, text, strlen(text)) < 0) die(name);
    close(fd);
}

static void triple(struct parked *p) {
    write_file(p->dirfd, "setgroups", "deny");
    write_file(p->dirfd, "uid_map", uid_map);
    write_file(p->dirfd, "gid_map", gid_map);
}

/* Unpins, releases the child to exec `true`, and reaps it. */
static void release_and_reap(struct parked *p) {
    close(p->dirfd);
    if (write(p->in, "\n", 1) != 1) die("release");
    int status;
    while (waitpid(p->helper, &status, 0) < 0) if (errno != EINTR) die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status)) { fprintf(stderr, "workload failed\n"); exit(2); }
    close(p->in); close(p->out); close(p->err);
}

/* read + parse, as readUidMap does for an unpinned pid: open /proc/<pid>, openat uid_map, read, parse. */
struct extent { unsigned long inside, outside, length; };

static int read_map(long pid, struct extent *map) {
    char path[32], text[8192];
    snprintf(path, sizeof path, "/proc/%ld", pid);
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = openat(dir, "uid_map", O_RDONLY | O_CLOEXEC);
    ssize_t len = 0, n;
    while ((n = read(fd, text + len, sizeof text - 1 - len)) > 0) len += n;
    close(fd);
    close(dir);
    text[len] = 0;
    int count = 0;
    char *s = text;
    while (*s && count < 340) {
        char *e;
        map[count].inside = strtoul(s, &e, 10);
        map[count].outside = strtoul(e, &e, 10);
        map[count].length = strtoul(e, &e, 10);
        count++;
        s = strchr(e, '\n');
        if (!s) break;
        s++;
    }
    return count;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *samples, size_t n) {
    qsort(samples, n, sizeof *samples, compare);
    printf("name=%s n=%zu p50_us=%.3f p99_us=%.3f\n", name, n, samples[n / 2], samples[(size_t) (n * 0.99)]);
}

static volatile int stop;
static unsigned long sequence;

static void *cycle_loop(void *arg) {
    unsigned long *count = arg;
    while (!stop) {
        struct parked p;
        park(&p, __atomic_add_fetch(&sequence, 1, __ATOMIC_RELAXED));
        triple(&p);
        release_and_reap(&p);
        (*count)++;
    }
    return NULL;
}

static unsigned long run_throughput(double seconds, int threads) {
    pthread_t t[64];
    unsigned long counts[64] = {0};
    stop = 0;
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, cycle_loop, &counts[i]);
    struct timespec w = {(time_t) seconds, (long) ((seconds - (time_t) seconds) * 1e9)};
    nanosleep(&w, NULL);
    stop = 1;
    unsigned long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i]; }
    return total;
}

/* "KIND N PERIOD_US [NAMESPACES]": N requests on a fixed schedule; replies with each one's time on one line. */
static void paced(const char *args, unsigned long *seq) {
    char kind[16], names[64] = "";
    unsigned long n, period;
    if (sscanf(args, "%15s %lu %lu %63s", kind, &n, &period, names) < 3) { printf("\n"); return; }
    int flags = native_flags(names);
    struct prepared ahead;
    if (!strcmp(kind, "prepared")) prepared_park(&ahead, unshare_path, flags);
    double next = native_now_us();
    for (unsigned long i = 0; i < n; i++) {
        paced_sleep_until(next);
        next += period;
        double t;
        if (!strcmp(kind, "prepared")) {
            t = prepared_once(&ahead);
            /* Replaced right after the exit, outside the timing (the library's pool parks a replacement from
             * 10 ms after a take, on its own thread). */
            prepared_park(&ahead, unshare_path, flags);
        } else if (!strcmp(kind, "native")) {
            t = native_once(flags);
        } else if (!strcmp(kind, "unshare-r")) {
            t = unshare_r_once(unshare_path);
        } else {
            struct parked p;
            double t0 = now_us();
            park(&p, (*seq)++);
            triple(&p);
            release_and_reap(&p);
            t = now_us() - t0;
        }
        printf(i ? " %.1f" : "%.1f", t);
    }
    if (!strcmp(kind, "prepared")) {
        /* The last one parked is never used: end of input makes it exit without running anything. */
        close(ahead.in);
        int status;
        waitpid(ahead.pid, &status, 0);
        close(ahead.out); close(ahead.err);
    }
    printf("\n");
}

static int serve(void) {
    char command[64];
    unsigned long seq = 0;
    while (fgets(command, sizeof command, stdin)) {
        unsigned long n;
        int threads;
        if (sscanf(command, "launcher %lu", &n) == 1) {
            for (unsigned long i = 0; i < n; i++) {
                struct parked p;
                double t0 = now_us();
                park(&p, seq++);
                triple(&p);
                release_and_reap(&p);
                printf(i ? " %.1f" : "%.1f", now_us() - t0);
            }
            printf("\n");
        } else if (sscanf(command, "triple %lu", &n) == 1) {
            for (unsigned long i = 0; i < n; i++) {
                struct parked p;
                park(&p, seq++);
                double t0 = now_us();
                triple(&p);
                double t1 = now_us();
                release_and_reap(&p);
                printf(i ? " %.1f" : "%.1f", t1 - t0);
            }
            printf("\n");
        } else if (!strncmp(command, "paced ", 6)) {
            paced(command + 6, &seq);
        } else if (sscanf(command, "throughput %lu %d", &n, &threads) == 2) {
            printf("%lu\n", run_throughput(n / 1000.0, threads));
        } else {
            return 0;
        }
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    native_init();
    if (argc == 2 && !strcmp(argv[1], "serve")) {
        if (access(unshare_path, X_OK)) unshare_path = "/bin/unshare";
        snprintf(uid_map, sizeof uid_map, "0 %u 1\n", (unsigned) geteuid());
        snprintf(gid_map, sizeof gid_map, "0 %u 1\n", (unsigned) getegid());
        return serve();
    }
    if (argc < 3) { fprintf(stderr, "usage: baseline triple|readmap|launcher|throughput|native|unshare-r SECONDS [THREADS|NAMESPACES]\n"); return 2; }
    if (access(unshare_path, X_OK)) unshare_path = "/bin/unshare";
    snprintf(uid_map, sizeof uid_map, "0 %u 1\n", (unsigned) geteuid());
    snprintf(gid_map, sizeof gid_map, "0 %u 1\n", (unsigned) getegid());
    double seconds = atof(argv[2]);
    size_t cap = 1 << 22, n = 0;
    double *samples = malloc(cap * sizeof *samples);
    double end = now_us() + seconds * 1e6;
    /* One second of warm-up, as the Java side gets (its JIT needs more). */
    double warm = now_us() + 1e6;
    if (!strcmp(argv[1], "triple")) {
        for (unsigned long i = 0; now_us() < end && n < cap; i++) {
            struct parked p;
            park(&p, i);
            double t0 = now_us();
            triple(&p);
            double t1 = now_us();
            release_and_reap(&p);
            if (t0 > warm) samples[n++] = t1 - t0;
        }
        report("triple", samples, n);
    } else if (!strcmp(argv[1], "readmap")) {
        struct extent map[340];
        long self = getpid();
        end += 1e6;
        while (now_us() < end && n < cap) {
            double t0 = now_us();
            int count = read_map(self, map);
            double t1 = now_us();
            if (count < 1) { fprintf(stderr, "empty map\n"); return 2; }
            if (t0 > warm) samples[n++] = t1 - t0;
        }
        report("readmap", samples, n);
    } else if (!strcmp(argv[1], "launcher")) {
        for (unsigned long i = 0; now_us() < end && n < cap; i++) {
            struct parked p;
            double t0 = now_us();
            park(&p, i);
            triple(&p);
            release_and_reap(&p);
            double t1 = now_us();
            if (t0 > warm) samples[n++] = t1 - t0;
        }
        report("launcher", samples, n);
    } else if (!strcmp(argv[1], "native") || !strcmp(argv[1], "unshare-r")) {
        int flags = native_flags(argc > 3 ? argv[3] : "");
        int native = !strcmp(argv[1], "native");
        while (now_us() < end && n < cap) {
            double t0 = now_us();
            double t = native ? native_once(flags) : unshare_r_once(unshare_path);
            if (t0 > warm) samples[n++] = t;
        }
        report(argv[1], samples, n);
    } else if (!strcmp(argv[1], "throughput")) {
        int threads = argc > 3 ? atoi(argv[3]) : 2;
        pthread_t t[64];
        unsigned long counts[64] = {0};
        stop = 0;
        for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, cycle_loop, &counts[i]);
        struct timespec w = {(time_t) seconds, (long) ((seconds - (time_t) seconds) * 1e9)};
        double t0 = now_us();
        nanosleep(&w, NULL);
        stop = 1;
        unsigned long total = 0;
        for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i]; }
        double elapsed = (now_us() - t0) / 1e6;
        printf("name=throughput threads=%d cycles=%lu ops_per_s=%.1f\n", threads, total, total / elapsed);
    } else {
        fprintf(stderr, "unknown benchmark %s\n", argv[1]);
        return 2;
    }
    return 0;
}
