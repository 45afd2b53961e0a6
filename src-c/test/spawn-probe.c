/*
 * spawn-probe: the child the C and Java tests spawn, so they can check what
 * the spawn really did (open fds, signal mask and dispositions, cwd, env,
 * stdio) instead of trusting return codes. One mode per run:
 *
 *   fds          open fd numbers, space-separated, ascending
 *   sigmask      blocked signals as 0x%016llx (bit n-1 = signal n)
 *   sigdisp      "ign=<sigs> caught=<sigs>", comma-separated
 *   cwd          the working directory
 *   env          one NAME=VALUE per line
 *   stdio        "stdout-token" on fd 1, "stderr-token" on fd 2
 *   cat FD       copies fd FD to stdout
 *   exit N       exits with status N
 *   fdopen FD    exits 0 if FD is open, else 3
 *   sleep MS     sleeps MS milliseconds
 *   echo ARGS..  the arguments joined by spaces
 *   argv0        argv[0]
 *   comm         /proc/self/comm
 *   emit TEXT MS TEXT on stdout (flushed), then sleeps MS milliseconds
 *   tmplspawn FD calls spawn_template_spawn (syscall 473, or $SPAWN_NR_SPAWN)
 *                on fd FD and prints "errno=N" (0: it spawned, and the
 *                grandchild was reaped); for "a template fd sent to another
 *                process cannot spawn"
 *
 * Usage errors exit 2; I/O errors exit 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../uapi.h"

extern char **environ;

/* Raw syscalls, so glibc's filtering of its internal signals (32, 33)
 * cannot hide what the kernel really has. */
struct kernel_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	uint64_t mask;
};

static int usage(void)
{
	fputs("usage: spawn-probe fds|sigmask|sigdisp|cwd|env|stdio|argv0|comm"
	      "|cat FD|exit N|fdopen FD|sleep MS|echo ARGS...|emit TEXT MS"
	      "|tmplspawn FD\n",
	      stderr);
	return 2;
}

static int number_arg(int argc, char **argv, long *out)
{
	char *end;

	if (argc < 3)
		return -1;
	errno = 0;
	*out = strtol(argv[2], &end, 10);
	return errno || end == argv[2] || *end ? -1 : 0;
}

static int print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fds[1024], n = 0;

	if (!d)
		return 1;
	while ((e = readdir(d)) != NULL && n < 1024) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	/* readdir order is ascending on procfs, but do not rely on it */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		printf(i ? " %d" : "%d", fds[i]);
	putchar('\n');
	return 0;
}

static int print_sigmask(void)
{
	uint64_t mask = 0;

	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8))
		return 1;
	printf("0x%016llx\n", (unsigned long long)mask);
	return 0;
}

static void print_sig_list(const char *name, int want_ignored)
{
	int first = 1;

	printf("%s=", name);
	for (int sig = 1; sig <= 64; sig++) {
		struct kernel_sigaction sa;

		if (syscall(SYS_rt_sigaction, sig, NULL, &sa, 8))
			continue;
		if (sa.handler == (unsigned long)SIG_DFL)
			continue;
		if ((sa.handler == (unsigned long)SIG_IGN) != want_ignored)
			continue;
		printf(first ? "%d" : ",%d", sig);
		first = 0;
	}
}

static int print_sigdisp(void)
{
	print_sig_list("ign", 1);
	putchar(' ');
	print_sig_list("caught", 0);
	putchar('\n');
	return 0;
}

static int print_cwd(void)
{
	char buf[4096];

	if (!getcwd(buf, sizeof(buf)))
		return 1;
	puts(buf);
	return 0;
}

static int copy_fd(int from, int to)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(to, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				return 1;
			if (w > 0)
				off += w;
		}
	}
	return 0;
}

static int print_comm(void)
{
	int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return 1;
	fflush(stdout);
	r = copy_fd(fd, 1);
	close(fd);
	return r;
}

static void sleep_ms(long n)
{
	struct timespec ts = { n / 1000, (n % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* One spawn_template_spawn on an fd this process did not create: argv and
 * envp minimal, no actions. The RFC binds a template to the creating cred,
 * so from any other process this must fail (EACCES). */
static int template_spawn(int fd)
{
	const char *nr_env = getenv("SPAWN_NR_SPAWN");
	long nr = nr_env ? strtol(nr_env, NULL, 10) : 473;
	char *child_argv[] = { "spawn-probe-grandchild", NULL };
	char *child_envp[] = { NULL };
	int pidfd = -1;
	struct spawn_template_spawn_args args = {
		.pidfd = SPAWN_PTR(&pidfd),
		.argv = SPAWN_PTR(child_argv),
		.envp = SPAWN_PTR(child_envp),
	};
	long pid = syscall(nr, fd, &args, sizeof(args));

	if (pid < 0) {
		printf("errno=%d\n", errno);
		return 0;
	}
	waitpid((pid_t)pid, NULL, 0);
	printf("errno=0\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n;

	if (!strcmp(mode, "fds"))
		return print_fds();
	if (!strcmp(mode, "sigmask"))
		return print_sigmask();
	if (!strcmp(mode, "sigdisp"))
		return print_sigdisp();
	if (!strcmp(mode, "cwd"))
		return print_cwd();
	if (!strcmp(mode, "env")) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	if (!strcmp(mode, "stdio")) {
		fputs("stdout-token\n", stdout);
		fflush(stdout);
		fputs("stderr-token\n", stderr);
		return 0;
	}
	if (!strcmp(mode, "argv0")) {
		puts(argc > 0 && argv[0] ? argv[0] : "");
		return 0;
	}
	if (!strcmp(mode, "comm"))
		return print_comm();
	if (!strcmp(mode, "echo")) {
		for (int i = 2; i < argc; i++)
			printf(i > 2 ? " %s" : "%s", argv[i]);
		putchar('\n');
		return 0;
	}
	if (!strcmp(mode, "cat") && !number_arg(argc, argv, &n))
		return copy_fd((int)n, 1);
	if (!strcmp(mode, "exit") && !number_arg(argc, argv, &n))
		return (int)n;
	if (!strcmp(mode, "fdopen") && !number_arg(argc, argv, &n))
		return fcntl((int)n, F_GETFD) >= 0 ? 0 : 3;
	if (!strcmp(mode, "sleep") && !number_arg(argc, argv, &n)) {
		sleep_ms(n);
		return 0;
	}
	if (!strcmp(mode, "emit") && argc == 4) {
		char *end;

		n = strtol(argv[3], &end, 10);
		if (end == argv[3] || *end)
			return usage();
		puts(argv[2]);
		fflush(stdout);
		sleep_ms(n);
		return 0;
	}
	if (!strcmp(mode, "tmplspawn") && !number_arg(argc, argv, &n))
		return template_spawn((int)n);
	return usage();
}
