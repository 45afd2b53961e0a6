/*
 * spawn-loop: the C reference for the benchmarks. Spawns and waits for a
 * program through the shim's own userspace path (the same native code the
 * USERSPACE backend calls, with no JVM around it), keeping K children in
 * flight, and prints spawns per second.
 *
 * usage: spawn-loop N K /abs/program null|pipe [args...]
 *   null: stdin, stdout and stderr are /dev/null;
 *   pipe: stdout is a pipe that the loop drains to EOF, the others /dev/null.
 * Either way the child gets the actions the Java library gives it for the
 * same request (an empty signal mask, then dup2 of each standard stream) and
 * this process's environment, as a Java child inherits the JVM's, and is
 * exec'd by its held fd or by its path as the USERSPACE backend would
 * (exec-by-path.h: scripts, symlinks and every ELF before Linux 6.14 by
 * path), so the two do the same work. A child that does not exit 0 fails the run (exit 1), as
 * a Java benchmark throws on one.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "exec-by-path.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The environment, packed once: every child gets it, as Java's do. */
static char *envbuf;
static int envbuf_len;
static int envc;
/* How the program is exec'd, fixed once as its template is: bench_exec_flags. */
static int32_t exec_flags;

struct slot {
	int pidfd;
	int out;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t pack(char *buf, size_t cap, char **strs, int n)
{
	size_t at = 0;

	for (int i = 0; i < n; i++) {
		size_t len = strlen(strs[i]) + 1;

		if (at + len > cap)
			exit(2);
		memcpy(buf + at, strs[i], len);
		at += len;
	}
	return at;
}

static int start(const char *path, int held, const int64_t *id, const char *argv,
		 int argv_len, int argc, int use_pipe, int devnull, struct slot *s)
{
	int64_t act[4 * SPAWN_ACTION_WORDS] = { 0 };
	int fds[2] = { -1, -1 };
	int32_t out[SPAWN_RESULT_WORDS];
	int r;

	if (use_pipe && spawn_pipe(fds) < 0)
		return -1;
	act[0] = 5; /* SIGMASK, empty */
	for (int target = 0; target < 3; target++) {
		int64_t *a = act + (target + 1) * SPAWN_ACTION_WORDS;

		a[0] = 1; /* DUP2 */
		a[2] = target == 1 && use_pipe ? fds[1] : devnull;
		a[3] = target;
	}
	r = spawn_user_spawn(held, path, id, exec_flags, argv, argv_len, argc, envbuf,
			     envbuf_len, envc, act, 4, "", 1, out);
	if (use_pipe)
		spawn_close(fds[1]);
	if (r < 0) {
		fprintf(stderr, "spawn failed: %s\n", strerror(-r));
		return -1;
	}
	s->pidfd = out[1];
	s->out = fds[0];
	return 0;
}

static void finish(struct slot *s)
{
	char buf[4096];
	int32_t st[2] = { 0, 0 };

	if (s->out >= 0) {
		while (spawn_read(s->out, buf, sizeof(buf)) > 0)
			;
		spawn_close(s->out);
	}
	if (spawn_wait(s->pidfd, 0, st) != 1 || st[0] != SPAWN_EXITED || st[1]) {
		fprintf(stderr, "spawn-loop: a child did not exit 0 (%s %d)\n",
			st[0] == SPAWN_SIGNALED ? "signal" : "status", st[1]);
		exit(1);
	}
	spawn_close(s->pidfd);
}

static void pack_environment(void)
{
	size_t size = 1;

	for (char **e = environ; *e; e++, envc++)
		size += strlen(*e) + 1;
	envbuf = calloc(size, 1);
	if (!envbuf)
		exit(2);
	envbuf_len = (int)pack(envbuf, size, environ, envc);
}

int main(int argc, char **argv)
{
	static char argbuf[65536];
	int argbuf_len;
	int64_t id[SPAWN_IDENTITY_WORDS];
	int32_t kind;
	long total, inflight, done = 0, started = 0;
	int use_pipe, held, devnull;
	struct slot *slots;
	struct pollfd *pfds;
	double t0;

	if (argc < 5 || (strcmp(argv[4], "null") && strcmp(argv[4], "pipe"))) {
		fprintf(stderr, "usage: spawn-loop N K /abs/program null|pipe [args...]\n");
		return 2;
	}
	total = atol(argv[1]);
	inflight = atol(argv[2]);
	use_pipe = !strcmp(argv[4], "pipe");
	devnull = spawn_open("/dev/null", O_RDWR, 0);
	held = spawn_user_create(argv[3], -1, id, &kind);
	if (held < 0 || inflight < 1 || total < inflight) {
		fprintf(stderr, "spawn-loop: bad arguments or %s: %s\n", argv[3],
			held < 0 ? strerror(-held) : "");
		return 2;
	}
	exec_flags = bench_exec_flags(argv[3], kind);
	/* argv[0] of the child is the program, then the arguments after the mode. */
	argv[4] = argv[3];
	argbuf_len = (int)pack(argbuf, sizeof(argbuf), argv + 4, argc - 4);
	pack_environment();
	slots = calloc(inflight, sizeof(*slots));
	pfds = calloc(inflight, sizeof(*pfds));
	t0 = now();
	for (long i = 0; i < inflight; i++, started++)
		if (start(argv[3], held, id, argbuf, argbuf_len, argc - 4, use_pipe, devnull, &slots[i]))
			return 1;
	while (done < total) {
		for (long i = 0; i < inflight; i++) {
			pfds[i].fd = slots[i].pidfd;
			pfds[i].events = POLLIN;
		}
		if (poll(pfds, inflight, -1) < 0 && errno != EINTR)
			return 1;
		for (long i = 0; i < inflight; i++) {
			if (pfds[i].fd < 0 || !(pfds[i].revents & POLLIN))
				continue;
			finish(&slots[i]);
			done++;
			if (started < total) {
				if (start(argv[3], held, id, argbuf, argbuf_len, argc - 4, use_pipe, devnull, &slots[i]))
					return 1;
				started++;
			} else {
				slots[i].pidfd = -1;
			}
		}
	}
	printf("%ld spawns, %ld in flight: %.0f spawns/s\n", total, inflight, total / (now() - t0));
	return 0;
}
