/*
 * agent-driver: the C reference for the agent-tools benchmark. It runs a
 * worker's share of the same call file the Java workers run, with I calls in
 * flight, and speaks the same line protocol on stdout (see the Java class
 * dev.spawn.bench.agent.WorkerProtocol), so the runner starts W of these
 * exactly as it starts W worker JVMs, times them the same way (from GO to
 * the last DONE) and checks every call's exit code and stdout SHA-256 against
 * the ProcessBuilder run.
 *
 * usage: agent-driver --mode shim|kernel|posix --calls FILE --warmup FILE
 *                     --workspace DIR --worker K --workers W --in-flight I
 *        agent-driver --check
 *
 *   --check: prints "agent-driver: " and libcrypto's version and exits 0 when
 *   the driver can run here (it loads, libcrypto has SHA-256): the runner asks
 *   before it builds anything.
 *
 *   shim:  the shim's own userspace spawn (clone VM|VFORK|PIDFD, the shim
 *          compiled in): what this machine can do with the native code the
 *          USERSPACE backend calls, with no JVM around it. It execs the held
 *          fd or the path as that backend does (exec-by-path.h: scripts,
 *          symlinks such as sh -> dash, and every ELF before Linux 6.14 by
 *          path; paths into /proc by the fd). Each child gets the actions the
 *          Java library gives it for the same request: an empty signal mask,
 *          dup2 of /dev/null, the stdout pipe and the stderr pipe, fchdir to
 *          the workspace (opened per call, as the library does).
 *   kernel: the RFC's spawn_template_create (472) once per executable and
 *          spawn_template_spawn (473) per call, through the shim as the
 *          KERNEL_TEMPLATE backend calls them, with the same actions: what
 *          the RFC kernel's own path gives with no JVM around it. It dies at
 *          the first create on a kernel without the syscalls (ENOSYS).
 *   posix: glibc posix_spawnp with the same file actions (adddup2 and
 *          addfchdir_np) and an empty mask: what a C runtime would do.
 *
 * Call file: one call per line, tab-separated, URL-encoded fields
 * (java.net.URLEncoder: '+' is a space, %XX a byte):
 * index, tool label, absolute executable, then the arguments after argv[0].
 * argv[0] is the executable's path, as on every Java backend. The child
 * environment is this process's own, as the Java workers pass theirs.
 *
 * One thread; a poll loop over each call's stdout, stderr and pidfd. A call
 * is done when both pipes reached EOF and the child has exited; its exit
 * code is the status, or 128 + signal as ProcessBuilder reports it.
 */
#define _GNU_SOURCE
/* the shim's header by relative path: -I would hide the system's <spawn.h> */
#include "../spawn.h"
#include "exec-by-path.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if OPENSSL_VERSION_NUMBER < 0x10100000L
#error "agent-driver needs OpenSSL 1.1 or 3 (EVP_MD_CTX_new)"
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* ---- calls ---- */

struct call {
	long index;
	char *exe;     /* absolute path */
	char *argv;    /* packed: exe, then args, each NUL-terminated */
	int argv_len;
	int argc;
	char **vec;    /* the same strings as a NULL-terminated vector */
	int tmpl;      /* index into templates (shim and kernel modes) */
};

struct tmpl {
	char *path;
	int held;           /* shim: the O_PATH fd; kernel: the template fd */
	int32_t exec_flags; /* bench_exec_flags */
	int64_t id[SPAWN_IDENTITY_WORDS];
};

static struct tmpl *templates;
static int ntemplates;
/* The x86_64 numbers of the RFC's syscalls (UAPI.md), as the Java backend's defaults. */
#define NR_SPAWN_TEMPLATE_CREATE 472
#define NR_SPAWN_TEMPLATE_SPAWN 473

enum mode { MODE_SHIM, MODE_KERNEL, MODE_POSIX };

static enum mode mode;
static const char *workspace;
static int devnull;
static char *envbuf;
static int envbuf_len;
static int envc;

static void protocol(const char *fmt, ...)
{
	va_list ap;

	fputs("@@ ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	fprintf(stderr, "agent-driver: %s\n", msg);
	protocol("FAIL agent-driver: %s", msg);
	exit(2);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one URL-encoded field in place (it only shrinks); returns its length. */
static size_t urldecode(char *s)
{
	char *out = s;

	for (char *in = s; *in; in++) {
		if (*in == '+') {
			*out++ = ' ';
		} else if (*in == '%' && hexval(in[1]) >= 0 && hexval(in[2]) >= 0) {
			*out++ = (char)(hexval(in[1]) * 16 + hexval(in[2]));
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

static int template_of(const char *exe)
{
	struct tmpl *t;

	for (int i = 0; i < ntemplates; i++)
		if (!strcmp(templates[i].path, exe))
			return i;
	templates = realloc(templates, (ntemplates + 1) * sizeof(*templates));
	if (!templates)
		die("out of memory");
	t = &templates[ntemplates];
	t->path = strdup(exe);
	t->held = -1;
	if (mode == MODE_SHIM) {
		int32_t kind;

		t->held = spawn_user_create(exe, -1, t->id, &kind);
		if (t->held < 0)
			die("cannot make a template of %s: %s", exe, strerror(-t->held));
		t->exec_flags = bench_exec_flags(exe, kind);
	} else if (mode == MODE_KERNEL) {
		t->held = spawn_kernel_create(NR_SPAWN_TEMPLATE_CREATE, exe, -1);
		if (t->held < 0)
			die("spawn_template_create of %s failed: errno %d (%s)", exe, -t->held, strerror(-t->held));
	}
	return ntemplates++;
}

/* Reads the calls of FILE whose index % workers == worker (workers 1: all). */
static struct call *read_calls(const char *file, int worker, int workers, long *count)
{
	FILE *f = fopen(file, "re");
	struct call *calls = NULL;
	long n = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;

	if (!f)
		die("cannot open %s: %s", file, strerror(errno));
	while ((len = getline(&line, &linecap, f)) > 0) {
		char *fields[4096];
		int nf = 0;
		char *save = NULL;
		struct call *c;
		size_t size = 0, at = 0;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len)
			continue;
		/* strsep keeps empty fields (an empty argument is a field) */
		save = line;
		while (save && nf < 4096)
			fields[nf++] = strsep(&save, "\t");
		if (nf < 3)
			die("%s: a line with fewer than 3 fields", file);
		if (atol(fields[0]) % workers != worker)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			calls = realloc(calls, cap * sizeof(*calls));
			if (!calls)
				die("out of memory");
		}
		c = &calls[n++];
		c->index = atol(fields[0]);
		for (int i = 2; i < nf; i++)
			size += urldecode(fields[i]) + 1;
		c->argc = nf - 2;
		c->argv_len = (int)size;
		c->argv = malloc(size);
		c->vec = calloc(c->argc + 1, sizeof(char *));
		if (!c->argv || !c->vec)
			die("out of memory");
		for (int i = 2; i < nf; i++) {
			size_t l = strlen(fields[i]) + 1;

			c->vec[i - 2] = c->argv + at;
			memcpy(c->argv + at, fields[i], l);
			at += l;
		}
		c->exe = c->vec[0];
		if (c->exe[0] != '/')
			die("%s: call #%ld: executable %s is not absolute", file, c->index, c->exe);
		c->tmpl = template_of(c->exe);
	}
	free(line);
	fclose(f);
	*count = n;
	return calls;
}

/* ---- running calls ---- */

/* SHA-256 of stdout by libcrypto (SHA-NI where the CPU has it), as fast as
 * the JVM's intrinsic: a slower digest would tax the C reference alone.
 * OpenSSL 3 fetches it once: an implicit fetch at every init takes a lock.
 * OpenSSL 1.1 has no fetching: EVP_sha256() is a static table. */
static const EVP_MD *sha256_md;

static void sha256_setup(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
#else
	sha256_md = EVP_sha256();
#endif
	if (!sha256_md)
		die("libcrypto has no SHA-256");
}

static int sha256_init(EVP_MD_CTX *sha)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	return EVP_DigestInit_ex2(sha, sha256_md, NULL);
#else
	return EVP_DigestInit_ex(sha, sha256_md, NULL);
#endif
}

static void sha256_hex(EVP_MD_CTX *sha, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len;

	if (!EVP_DigestFinal_ex(sha, digest, &len) || len != 32)
		die("SHA-256 final failed");
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

struct slot {
	struct call *call;
	int pidfd, out, err; /* -1 when done with */
	int exited, status;
	char error[200];
	long out_bytes, err_bytes;
	EVP_MD_CTX *sha;
	struct timespec start;
};

struct outcome {
	long index;
	int exit;
	char sha[65];
	long out_bytes, err_bytes, micros;
	char error[200];
};

static long long nanos(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The actions the Java library gives each call's child: an empty signal mask,
 * dup2 of /dev/null, the stdout pipe and the stderr pipe, fchdir to the
 * workspace. */
static void child_actions(int64_t act[5 * SPAWN_ACTION_WORDS], int out_w, int err_w, int dirfd)
{
	int fds[3] = { devnull, out_w, err_w };

	memset(act, 0, 5 * SPAWN_ACTION_WORDS * sizeof(*act));
	act[0] = 5; /* SIGMASK, empty */
	for (int target = 0; target < 3; target++) {
		int64_t *a = act + (target + 1) * SPAWN_ACTION_WORDS;

		a[0] = 1; /* DUP2 */
		a[2] = fds[target];
		a[3] = target;
	}
	act[4 * SPAWN_ACTION_WORDS] = 2; /* FCHDIR */
	act[4 * SPAWN_ACTION_WORDS + 2] = dirfd;
}

static int spawn_template(struct slot *s, int out_w, int err_w, int dirfd)
{
	struct tmpl *t = &templates[s->call->tmpl];
	int64_t act[5 * SPAWN_ACTION_WORDS];
	/* the kernel spawn leaves it untouched when it fails: no action index then */
	int32_t res[SPAWN_RESULT_WORDS] = { -1, -1, -1, 0 };
	int r;

	child_actions(act, out_w, err_w, dirfd);
	if (mode == MODE_KERNEL)
		r = spawn_kernel_spawn(NR_SPAWN_TEMPLATE_SPAWN, t->held, 0, s->call->argv, s->call->argv_len,
				       s->call->argc, envbuf, envbuf_len, envc, act, 5, "", 1, res);
	else
		r = spawn_user_spawn(t->held, t->path, t->id, t->exec_flags, s->call->argv, s->call->argv_len,
				     s->call->argc, envbuf, envbuf_len, envc, act, 5, "", 1, res);
	if (r < 0) {
		snprintf(s->error, sizeof(s->error), "spawn failed: action %d errno %d (%s)", res[2], -r,
			 strerror(-r));
		return r;
	}
	s->pidfd = res[1];
	return 0;
}

static int spawn_posix(struct slot *s, int out_w, int err_w, int dirfd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t empty;
	pid_t pid;
	int r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	posix_spawn_file_actions_addfchdir_np(&fa, dirfd);
	posix_spawnattr_init(&attr);
	sigemptyset(&empty);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	r = posix_spawnp(&pid, s->call->exe, &fa, &attr, s->call->vec, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r) {
		snprintf(s->error, sizeof(s->error), "posix_spawnp failed: errno %d (%s)", r, strerror(r));
		return -r;
	}
	s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (s->pidfd < 0)
		die("pidfd_open(%d): %s", pid, strerror(errno));
	return 0;
}

static void start(struct slot *s, struct call *c)
{
	int out[2], err[2], dirfd, r;

	memset(s, 0, sizeof(*s));
	s->call = c;
	s->pidfd = s->out = s->err = -1;
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	s->sha = EVP_MD_CTX_new();
	if (!s->sha || !sha256_init(s->sha))
		die("cannot start a SHA-256 digest");
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	dirfd = open(workspace, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		die("open %s: %s", workspace, strerror(errno));
	r = mode == MODE_POSIX ? spawn_posix(s, out[1], err[1], dirfd) : spawn_template(s, out[1], err[1], dirfd);
	close(dirfd);
	close(out[1]);
	close(err[1]);
	if (r < 0) {
		close(out[0]);
		close(err[0]);
		s->exited = 1;
		s->status = -1;
		return;
	}
	s->out = out[0];
	s->err = err[0];
}

static int finished(const struct slot *s)
{
	return s->call && s->exited && s->out < 0 && s->err < 0;
}

static void drain(struct slot *s, int *fd, int is_out)
{
	static char buf[65536];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (is_out) {
		if (!EVP_DigestUpdate(s->sha, buf, (size_t)n))
			die("SHA-256 update failed");
		s->out_bytes += n;
	} else {
		s->err_bytes += n;
	}
}

static void reap(struct slot *s)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PIDFD, (id_t)s->pidfd, &info, WEXITED) < 0) {
		if (errno == EINTR)
			return;
		die("waitid: %s", strerror(errno));
	}
	close(s->pidfd);
	s->pidfd = -1;
	s->exited = 1;
	s->status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

static void record(struct slot *s, struct outcome *o)
{
	struct timespec end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	o->index = s->call->index;
	o->exit = s->status;
	o->out_bytes = s->out_bytes;
	o->err_bytes = s->err_bytes;
	o->micros = (end.tv_sec - s->start.tv_sec) * 1000000L + (end.tv_nsec - s->start.tv_nsec) / 1000;
	snprintf(o->error, sizeof(o->error), "%s", s->error);
	if (s->error[0])
		strcpy(o->sha, "-");
	else
		sha256_hex(s->sha, o->sha);
	EVP_MD_CTX_free(s->sha);
	s->sha = NULL;
	s->call = NULL;
}

/* While warming, says how many calls have started, at most once a second and
 * only when that moved (the Java workers' WarmupProgress): the runner gives up
 * on a warm-up only when the worker has been silent for a while. */
#define WARMING_INTERVAL_MS 1000

static void report_warming(long started, long *reported, long long *at)
{
	long long now = nanos(CLOCK_MONOTONIC);

	if (started == *reported || now - *at < WARMING_INTERVAL_MS * 1000000LL)
		return;
	protocol("WARMING %ld", started);
	*reported = started;
	*at = now;
}

/* Runs calls[0..n) with `inflight` at a time, next call to the first free slot;
 * `warming`: a warm-up, which reports its progress. */
static void run_all(struct call *calls, long n, int inflight, struct outcome *outcomes, int warming)
{
	struct slot *slots = calloc(inflight, sizeof(*slots));
	struct pollfd *pfds = calloc(3 * (size_t)inflight, sizeof(*pfds));
	long next = 0, done = 0, reported = 0;
	long long reported_at = nanos(CLOCK_MONOTONIC);

	if (!slots || !pfds)
		die("out of memory");
	while (done < n) {
		int np = 0;

		for (int i = 0; i < inflight; i++) {
			struct slot *s = &slots[i];

			while (!s->call && next < n)
				start(s, &calls[next++]);
			while (finished(s)) {
				record(s, &outcomes[done++]);
				if (next < n)
					start(s, &calls[next++]);
			}
			if (!s->call)
				continue;
			if (s->out >= 0)
				pfds[np++] = (struct pollfd){ .fd = s->out, .events = POLLIN };
			if (s->err >= 0)
				pfds[np++] = (struct pollfd){ .fd = s->err, .events = POLLIN };
			if (s->pidfd >= 0)
				pfds[np++] = (struct pollfd){ .fd = s->pidfd, .events = POLLIN };
		}
		if (warming)
			report_warming(next, &reported, &reported_at);
		if (!np)
			continue;
		if (poll(pfds, np, warming ? WARMING_INTERVAL_MS : -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (int k = 0; k < np; k++) {
			if (!pfds[k].revents)
				continue;
			for (int i = 0; i < inflight; i++) {
				struct slot *s = &slots[i];

				if (!s->call)
					continue;
				if (pfds[k].fd == s->out)
					drain(s, &s->out, 1);
				else if (pfds[k].fd == s->err)
					drain(s, &s->err, 0);
				else if (pfds[k].fd == s->pidfd)
					reap(s);
				else
					continue;
				break;
			}
		}
	}
	free(slots);
	free(pfds);
}

static void pack_environment(void)
{
	size_t size = 1, at = 0;

	for (char **e = environ; *e; e++)
		size += strlen(*e) + 1;
	envbuf = malloc(size);
	if (!envbuf)
		die("out of memory");
	envbuf_len = (int)size;
	envbuf[0] = '\0';
	for (char **e = environ; *e; e++, envc++) {
		size_t l = strlen(*e) + 1;

		memcpy(envbuf + at, *e, l);
		at += l;
	}
}

int main(int argc, char **argv)
{
	const char *mode_name = NULL, *calls_file = NULL, *warmup_file = NULL;
	int worker = -1, workers = 0, inflight = 0;
	struct call *calls, *warm;
	struct outcome *outcomes, *warm_outcomes;
	long ncalls, nwarm;
	char go[16];
	long long t0, cpu0, elapsed, cpu;

	if (argc == 2 && !strcmp(argv[1], "--check")) {
		sha256_setup();
		printf("agent-driver: %s\n", OpenSSL_version(OPENSSL_VERSION));
		return 0;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--mode"))
			mode_name = argv[i + 1];
		else if (!strcmp(argv[i], "--calls"))
			calls_file = argv[i + 1];
		else if (!strcmp(argv[i], "--warmup"))
			warmup_file = argv[i + 1];
		else if (!strcmp(argv[i], "--workspace"))
			workspace = argv[i + 1];
		else if (!strcmp(argv[i], "--worker"))
			worker = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--workers"))
			workers = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--in-flight"))
			inflight = atoi(argv[i + 1]);
		else
			die("unknown option %s", argv[i]);
	}
	if (argc % 2 != 1 || !mode_name ||
	    (strcmp(mode_name, "shim") && strcmp(mode_name, "kernel") && strcmp(mode_name, "posix")) || !calls_file ||
	    !warmup_file || !workspace || workers < 1 || worker < 0 || worker >= workers || inflight < 1)
		die("usage: agent-driver --mode shim|kernel|posix --calls FILE --warmup FILE --workspace DIR "
		    "--worker K --workers W --in-flight I");
	mode = !strcmp(mode_name, "shim") ? MODE_SHIM : !strcmp(mode_name, "kernel") ? MODE_KERNEL : MODE_POSIX;
	if (mode == MODE_KERNEL) {
		/* 472 may mean something else on another kernel: prove it makes a spawn template
		 * (its fd reads anon_inode:spawn_template) before handing it any struct */
		int r = spawn_kernel_probe(NR_SPAWN_TEMPLATE_CREATE, "/proc/self/exe");

		if (r < 0)
			die("this kernel has no spawn templates: spawn_template_create (%d) failed: errno %d (%s)",
			    NR_SPAWN_TEMPLATE_CREATE, -r, strerror(-r));
	}
	/* the runner's pipes may be inherited without CLOEXEC (JDK-8377907): our
	 * children must not hold them, as the library's do not */
	for (int fd = 3; fd < 1024; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	sha256_setup();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("open /dev/null: %s", strerror(errno));
	pack_environment();
	calls = read_calls(calls_file, worker, workers, &ncalls);
	warm = read_calls(warmup_file, 0, 1, &nwarm);
	outcomes = calloc(ncalls + 1, sizeof(*outcomes));
	warm_outcomes = calloc(nwarm + 1, sizeof(*warm_outcomes));
	if (!outcomes || !warm_outcomes)
		die("out of memory");

	run_all(warm, nwarm, inflight, warm_outcomes, 1);
	for (long i = 0; i < nwarm; i++)
		if (warm_outcomes[i].error[0])
			die("warm-up call #%ld failed: %s", warm_outcomes[i].index, warm_outcomes[i].error);
	protocol("READY");
	if (!fgets(go, sizeof(go), stdin) || strcmp(go, "GO\n"))
		die("expected GO on stdin");
	cpu0 = nanos(CLOCK_PROCESS_CPUTIME_ID);
	t0 = nanos(CLOCK_MONOTONIC);
	run_all(calls, ncalls, inflight, outcomes, 0);
	elapsed = nanos(CLOCK_MONOTONIC) - t0;
	cpu = nanos(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	/* DONE wall-ns calls cpu-ns: the driver's own CPU, children excluded, as the JVMs report theirs */
	protocol("DONE %lld %ld %lld", elapsed, ncalls, cpu);
	for (long i = 0; i < ncalls; i++) {
		struct outcome *o = &outcomes[i];

		printf("@@ R %ld %d %s %ld %ld %ld%s%s\n", o->index, o->exit, o->sha, o->out_bytes,
		       o->err_bytes, o->micros, o->error[0] ? " " : "", o->error);
	}
	protocol("STATS agent-driver mode=%s templates=%d calls=%ld", mode_name, ntemplates, ncalls);
	protocol("END");
	return 0;
}
