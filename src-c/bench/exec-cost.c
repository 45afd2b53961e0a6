/*
 * exec-cost: what one start of a program costs this machine, whatever
 * starts it. Spawns each program N times, one at a time, and prints the CPU
 * a child used (user and system, from RUSAGE_CHILDREN) and the wall time per
 * start; on x86-64 also the cost of one CPUID instruction. Under a
 * hypervisor every CPUID traps to it, and glibc's loader runs dozens of them
 * at each program's start to learn the caches and features: there that
 * probing can be most of a small tool's start, and every spawner, the JDK's
 * included, pays it once per exec. PERFORMANCE.md uses it to explain the
 * figures; no benchmark depends on it.
 *
 * usage: exec-cost N PROGRAM [PROGRAM ...]   (paths; no PATH search)
 * Prints one line per program: "exec <path> cpu_us=<mean> wall_us=<mean>";
 * before them "cpuid_us=<mean>". A program that does not exit 0 is an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

extern char **environ;

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double children_cpu_us(void)
{
	struct rusage u;

	getrusage(RUSAGE_CHILDREN, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

#if defined(__x86_64__)
/* Leaf 4 is the one glibc's cache probing asks most often. */
static void print_cpuid_cost(void)
{
	const int rounds = 20000;
	unsigned int a, b, c, d;
	double start = now_us();

	/* __cpuid_count is a volatile asm: the compiler keeps every one */
	for (int i = 0; i < rounds; i++)
		__cpuid_count(4, i & 3, a, b, c, d);
	(void)a, (void)b, (void)c, (void)d;
	printf("cpuid_us=%.2f\n", (now_us() - start) / rounds);
}
#endif

static int measure(const char *path, long n)
{
	char *argv[] = { (char *)path, NULL };
	double cpu = children_cpu_us(), wall = now_us();

	for (long i = 0; i < n; i++) {
		pid_t pid;
		int status, err;

		err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
		if (err) {
			fprintf(stderr, "exec-cost: posix_spawn %s: %s\n", path,
				strerror(err));
			return -1;
		}
		if (waitpid(pid, &status, 0) != pid) {
			fprintf(stderr, "exec-cost: waitpid %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "exec-cost: %s did not exit 0 (status %#x)\n",
				path, status);
			return -1;
		}
	}
	printf("exec %s cpu_us=%.1f wall_us=%.1f\n", path,
	       (children_cpu_us() - cpu) / (double)n,
	       (now_us() - wall) / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	long n;

	if (argc < 3) {
		fprintf(stderr, "usage: exec-cost N PROGRAM [PROGRAM ...]   (paths; no PATH search)\n");
		return 2;
	}
	n = strtol(argv[1], &end, 10);
	if (*end || n <= 0) {
		fprintf(stderr, "exec-cost: N must be a positive number: %s\n", argv[1]);
		return 2;
	}
#if defined(__x86_64__)
	print_cpuid_cost();
#endif
	for (int i = 2; i < argc; i++) {
		if (measure(argv[i], n))
			return 1;
	}
	return 0;
}
