/*
 * Tests of libspawn: the UAPI layout, the action validator, the kernel
 * entry points (ENOSYS on a stock kernel, real spawns on the RFC kernel) and
 * the userspace spawn for real, with spawn-probe as the child so each test
 * checks what the child really saw.
 *
 * Usage: test_spawn /path/to/spawn-probe
 *
 * Every test must leave no child and no new fd behind; test_after_each()
 * checks both.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "uapi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_after_each(void);
#include "harness.h"

#define NR_CREATE 472
#define NR_SPAWN 473
#define SIGBIT(s) (1ULL << ((s) - 1))

/*
 * fstat as an LSM that refuses getattr (SELinux, AppArmor) makes it: while
 * fstat_errno is set, fstat fails with it. This definition interposes on
 * libc's for the shim too: the plain test's libspawn.so calls fstat through
 * its PLT, and the sanitized test compiles the shim into this binary. Unset,
 * it is fstat.
 */
static int fstat_errno;

int fstat(int fd, struct stat *st)
{
	if (fstat_errno) {
		errno = fstat_errno;
		return -1;
	}
	return fstatat(fd, "", st, AT_EMPTY_PATH);
}

static char probe_path[PATH_MAX];
static char tmpdir[PATH_MAX];
static int fds_before;

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the dir's own fd */
}

static void test_after_each(void)
{
	int st;
	pid_t p = waitpid(-1, &st, WNOHANG);

	CHECK_AT(p == -1 && errno == ECHILD, "a child was left behind (%d)",
		 (int)p);
	CHECK_AT(count_fds() == fds_before, "fds leaked: %d before, %d after",
		 fds_before, count_fds());
	fds_before = count_fds();
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, content, strlen(content)) < 0) {
		perror(path);
		exit(2);
	}
	close(fd);
	chmod(path, mode);
}

static const char *tmp_path(char *buf, const char *name)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name) >= PATH_MAX)
		abort();
	return buf;
}

/* Flat actions as Java builds them. */
struct acts {
	int64_t w[(SPAWN_MAX_ACTIONS + 2) * SPAWN_ACTION_WORDS];
	int32_t n;
	char strings[4096];
	int32_t slen;
};

static void acts_init(struct acts *a)
{
	memset(a, 0, sizeof(*a));
}

static int64_t *act_raw(struct acts *a, int64_t type, int64_t flags,
			int64_t fd, int64_t newfd)
{
	int64_t *w = a->w + (size_t)a->n++ * SPAWN_ACTION_WORDS;

	memset(w, 0, SPAWN_ACTION_WORDS * sizeof(*w));
	w[0] = type;
	w[1] = flags;
	w[2] = fd;
	w[3] = newfd;
	return w;
}

static int64_t add_string(struct acts *a, const char *s)
{
	int64_t off = a->slen;

	memcpy(a->strings + off, s, strlen(s) + 1);
	a->slen += (int32_t)strlen(s) + 1;
	return off;
}

static void act_close(struct acts *a, int fd)
{
	act_raw(a, SPAWN_TEMPLATE_ACTION_CLOSE, 0, fd, 0);
}

static void act_dup2(struct acts *a, int fd, int newfd, int flags)
{
	act_raw(a, SPAWN_TEMPLATE_ACTION_DUP2, flags, fd, newfd);
}

static void act_fchdir(struct acts *a, int fd)
{
	act_raw(a, SPAWN_TEMPLATE_ACTION_FCHDIR, 0, fd, 0);
}

static void act_open(struct acts *a, int dirfd, const char *path, int newfd,
		     int64_t oflags, int64_t mode)
{
	int64_t off = add_string(a, path);
	int64_t *w = act_raw(a, SPAWN_TEMPLATE_ACTION_OPEN, 0, dirfd, newfd);

	w[4] = off;
	w[5] = oflags;
	w[6] = mode;
}

static void act_close_range(struct acts *a, int lo, int hi, int flags)
{
	act_raw(a, SPAWN_TEMPLATE_ACTION_CLOSE_RANGE, flags, lo, hi);
}

static void act_sig(struct acts *a, int type, uint64_t mask)
{
	act_raw(a, type, 0, 0, 0)[4] = (int64_t)mask;
}

static int check_acts(const struct acts *a, int32_t *bad)
{
	return spawn_actions_check(a->w, a->n, a->strings, a->slen, bad);
}

/* A template: kernel (template fd) or userspace (held fd + identity). */
struct tmpl {
	bool kernel;
	int fd;
	const char *path;
	int64_t id[SPAWN_IDENTITY_WORDS];
	int32_t kind;
};

static bool kernel_available;

static int tmpl_open(struct tmpl *t, bool kernel, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->kernel = kernel;
	t->path = path;
	t->fd = kernel ? spawn_kernel_create(NR_CREATE, path, -1)
		       : spawn_user_create(path, -1, t->id, &t->kind);
	return t->fd;
}

static void tmpl_close(struct tmpl *t)
{
	if (t->fd >= 0)
		spawn_close(t->fd);
	t->fd = -1;
}

struct result {
	int rc;
	int32_t out[SPAWN_RESULT_WORDS];
	int how;  /* SPAWN_EXITED / SPAWN_SIGNALED, 0 when no child ran */
	int code; /* exit status or signal */
	char text[8192];
};

static const char default_env[] = "PATH=/usr/bin:/bin\0SPAWN_TEST=1\0";

/* Packs a NULL-terminated list into NUL-separated strings. */
static int pack(char *buf, size_t cap, const char *const *list)
{
	size_t off = 0;
	int n = 0;

	for (; list[n]; n++) {
		size_t len = strlen(list[n]) + 1;
		if (off + len > cap)
			abort();
		memcpy(buf + off, list[n], len);
		off += len;
	}
	return n;
}

static void read_all(int fd, char *buf, size_t cap)
{
	size_t off = 0;
	int64_t n;

	while (off + 1 < cap &&
	       (n = spawn_read(fd, buf + off, (int64_t)(cap - 1 - off))) > 0)
		off += (size_t)n;
	buf[off] = '\0';
}

/*
 * Spawns argv from t with `user` actions after a DUP2 of a pipe onto
 * stdout (so user action i has index i + 1), collects stdout and reaps.
 */
static void run_argv(const struct tmpl *t, int flags, const struct acts *user,
		     const char *const *argv, const char *env, int env_len,
		     int envc, struct result *r)
{
	struct acts all;
	char packed[4096];
	int32_t p[2];
	int argc = pack(packed, sizeof(packed), argv);

	memset(r, 0, sizeof(*r));
	if (spawn_pipe(p)) {
		r->rc = -EPIPE;
		return;
	}
	acts_init(&all);
	act_dup2(&all, p[1], 1, 0);
	if (user) {
		memcpy(all.w + SPAWN_ACTION_WORDS, user->w,
		       (size_t)user->n * SPAWN_ACTION_WORDS * sizeof(int64_t));
		all.n += user->n;
		memcpy(all.strings, user->strings, sizeof(all.strings));
		all.slen = user->slen;
	}
	if (t->kernel)
		r->rc = spawn_kernel_spawn(NR_SPAWN, t->fd, flags, packed,
					   sizeof(packed), argc, env, env_len,
					   envc, all.w, all.n,
					   all.strings, all.slen, r->out);
	else
		r->rc = spawn_user_spawn(t->fd, t->path, t->id, flags, packed,
					 sizeof(packed), argc, env, env_len,
					 envc, all.w, all.n,
					 all.strings, all.slen, r->out);
	spawn_close(p[1]);
	read_all(p[0], r->text, sizeof(r->text));
	spawn_close(p[0]);
	if (r->rc == 0) {
		int32_t st[2];
		if (spawn_wait(r->out[1], 0, st) == 1) {
			r->how = st[0];
			r->code = st[1];
		}
		spawn_close(r->out[1]);
	}
}

/* run_argv for the probe: run_probe(t, flags, acts, r, "mode", args..., NULL) */
static void run_probe(const struct tmpl *t, int flags, const struct acts *a,
		      struct result *r, ...)
{
	const char *argv[16] = { probe_path };
	int n = 1;
	va_list ap;

	va_start(ap, r);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_argv(t, flags, a, argv, default_env, sizeof(default_env), 2, r);
}

static void check_exited(const struct result *r, int code)
{
	CHECK_INT(r->rc, 0);
	CHECK_INT(r->how, SPAWN_EXITED);
	CHECK_INT(r->code, code);
}

/* A child that failed before exec: the userspace path reports where and
 * why; the kernel path can only show the RFC's exit status. */
static void check_failed(const struct tmpl *t, const struct result *r,
			 int index, int err)
{
	if (t->kernel) {
		check_exited(r, err == ENOENT ? 127 :
				err == EACCES || err == ENOEXEC ? 126 : 1);
		return;
	}
	CHECK_INT(r->rc, -err);
	CHECK_INT(r->out[2], index);
	CHECK_INT(r->out[3], err);
	CHECK_INT(r->out[1], -1);
	CHECK_INT(r->how, 0);
}

static bool backend_open(struct tmpl *t, int kernel)
{
	int fd;

	if (kernel && !kernel_available)
		return false;
	fd = tmpl_open(t, kernel, probe_path);
	CHECK_AT(fd >= 0, "%s template: %d", kernel ? "kernel" : "user", fd);
	return fd >= 0;
}

/* Runs the body once per available backend with a probe template t. */
#define FOR_EACH_BACKEND(t)                                                   \
	for (int k_ = 0; k_ < 2; k_++)                                        \
		for (struct tmpl t##_storage, *t = &t##_storage;              \
		     t && backend_open(t, k_); tmpl_close(t), t = NULL)

/* ------------------------------------------------------------------ */
/* Layout and validation                                               */
/* ------------------------------------------------------------------ */

static void test_uapi_layout(void)
{
	static const struct {
		const char *name;
		size_t actual, expected;
	} rows[] = {
#define ROW(a, e) { #a, a, e }
		ROW(sizeof(struct spawn_template_action), 24),
		ROW(offsetof(struct spawn_template_action, arg), 16),
		ROW(sizeof(struct spawn_open_how), 24),
		ROW(sizeof(struct spawn_template_open), 32),
		ROW(offsetof(struct spawn_template_open, how), 8),
		ROW(sizeof(struct spawn_template_sigset), 16),
		ROW(sizeof(struct spawn_template_create_args), 72),
		ROW(offsetof(struct spawn_template_create_args, filename), 16),
		ROW(offsetof(struct spawn_template_create_args, reserved), 40),
		ROW(sizeof(struct spawn_template_spawn_args), 80),
		ROW(offsetof(struct spawn_template_spawn_args, actions_len), 40),
		ROW(offsetof(struct spawn_template_spawn_args, reserved), 48),
#undef ROW
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_AT(rows[i].actual == rows[i].expected, "%s is %zu, not %zu",
			 rows[i].name, rows[i].actual, rows[i].expected);
}

static void test_check_accepts_every_type(void)
{
	struct acts a;
	int32_t bad = 99;

	acts_init(&a);
	act_close(&a, 0);
	act_dup2(&a, 1, 2, 0);
	act_dup2(&a, 1, 2, O_CLOEXEC);
	act_dup2(&a, 3, 3, O_CLOEXEC); /* rejected only in the child */
	act_fchdir(&a, 5);
	act_open(&a, AT_FDCWD, "/dev/null", 0, O_RDONLY, 0);
	act_open(&a, 7, "rel", 9, O_WRONLY | O_CREAT, 0644);
	act_close_range(&a, 3, -1, 0);
	act_close_range(&a, 3, 3, SPAWN_CLOSE_RANGE_CLOEXEC |
					  SPAWN_CLOSE_RANGE_UNSHARE);
	act_sig(&a, SPAWN_TEMPLATE_ACTION_SIGMASK, ~0ULL);
	act_sig(&a, SPAWN_TEMPLATE_ACTION_SIGDEFAULT, 0);
	CHECK_INT(check_acts(&a, &bad), 0);
	CHECK_INT(bad, -1);
	CHECK_INT(spawn_actions_check(NULL, 0, NULL, 0, &bad), 0);
	CHECK_INT(spawn_actions_check(NULL, 0, NULL, 0, NULL), 0);
}

/* One malformed action after two good ones: EINVAL at index 2. */
static void expect_invalid(const char *what, const int64_t w[8])
{
	struct acts a;
	int32_t bad = 99;
	int r;

	acts_init(&a);
	add_string(&a, "x"); /* "x\0y": offset 2 is not NUL-terminated */
	a.strings[2] = 'y';
	a.slen = 3;
	act_close(&a, 1);
	act_dup2(&a, 1, 2, 0);
	memcpy(act_raw(&a, 0, 0, 0, 0), w, 8 * sizeof(*w));
	r = check_acts(&a, &bad);
	CHECK_AT(r == -EINVAL && bad == 2, "%s: r=%d bad=%d", what, r,
		 (int)bad);
}

static void test_check_rejects_what_the_kernel_rejects(void)
{
	enum { CL, DUP, FCH, OPEN, CR, MASK, DFL };
	static const struct {
		const char *what;
		int64_t w[8];
	} bad[] = {
		{ "close fd<0", { CL, 0, -1, 0 } },
		{ "close flags", { CL, 1, 3, 0 } },
		{ "close newfd", { CL, 0, 3, 4 } },
		{ "close arg", { CL, 0, 3, 0, 1 } },
		{ "close word7", { CL, 0, 3, 0, 0, 0, 0, 1 } },
		{ "dup2 fd<0", { DUP, 0, -1, 1 } },
		{ "dup2 newfd<0", { DUP, 0, 1, -1 } },
		{ "dup2 flags", { DUP, O_NONBLOCK, 1, 2 } },
		{ "dup2 arg", { DUP, 0, 1, 2, 1 } },
		{ "fchdir fd<0", { FCH, 0, -1, 0 } },
		{ "fchdir newfd", { FCH, 0, 3, 1 } },
		{ "fchdir flags", { FCH, 1, 3, 0 } },
		{ "open dirfd<AT_FDCWD", { OPEN, 0, AT_FDCWD - 1, 0, 0 } },
		{ "open newfd<0", { OPEN, 0, AT_FDCWD, -1, 0 } },
		{ "open flags", { OPEN, 1, AT_FDCWD, 0, 0 } },
		{ "open path<0", { OPEN, 0, AT_FDCWD, 0, -1 } },
		{ "open path=len", { OPEN, 0, AT_FDCWD, 0, 3 } },
		{ "open path unterminated", { OPEN, 0, AT_FDCWD, 0, 2 } },
		{ "close_range fd<0", { CR, 0, -1, 5 } },
		{ "close_range newfd<-1", { CR, 0, 3, -2 } },
		{ "close_range fd>newfd", { CR, 0, 5, 4 } },
		{ "close_range flags", { CR, 1, 3, 4 } },
		{ "close_range arg", { CR, 0, 3, 4, 1 } },
		{ "sigmask fd", { MASK, 0, 1, 0, 1 } },
		{ "sigmask newfd", { MASK, 0, 0, 1, 1 } },
		{ "sigmask flags", { MASK, 1, 0, 0, 1 } },
		{ "sigmask word5", { MASK, 0, 0, 0, 1, 1 } },
		{ "sigdefault fd", { DFL, 0, 1, 0, 1 } },
		{ "sigdefault word7", { DFL, 0, 0, 0, 1, 0, 0, 1 } },
		{ "type 7", { 7 } },
		{ "type -1", { -1 } },
		{ "type 2^32", { 1LL << 32 } },
		{ "fd beyond s32", { CL, 0, 1LL << 31, 0 } },
		{ "flags beyond u32", { DUP, 1LL << 32, 1, 2 } },
		{ "flags negative", { DUP, -1, 1, 2 } },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(bad[i].what, bad[i].w);
}

static void test_check_open_path_bounds(void)
{
	struct acts a;
	int32_t bad;

	acts_init(&a);
	act_open(&a, AT_FDCWD, "/dev/null", 0, O_RDONLY, 0);
	CHECK_INT(check_acts(&a, &bad), 0);
	/* the terminating NUL must be inside strings_len */
	CHECK_INT(spawn_actions_check(a.w, a.n, a.strings, a.slen - 1, &bad),
		  -EINVAL);
	CHECK_INT(bad, 0);
	CHECK_INT(spawn_actions_check(a.w, a.n, NULL, 0, &bad), -EINVAL);
	CHECK_INT(spawn_actions_check(a.w, a.n, a.strings, -1, &bad), -EINVAL);
}

static void test_check_counts(void)
{
	static struct acts a;
	int32_t bad;

	acts_init(&a);
	for (int i = 0; i < SPAWN_MAX_ACTIONS; i++)
		act_close(&a, i);
	CHECK_INT(check_acts(&a, &bad), 0);
	act_close(&a, 1);
	CHECK_INT(check_acts(&a, &bad), -E2BIG);
	/* E2BIG wins over a malformed action, as in the kernel */
	a.w[0] = 99;
	CHECK_INT(check_acts(&a, &bad), -E2BIG);
	CHECK_INT(spawn_actions_check(a.w, -1, NULL, 0, &bad), -EINVAL);
	CHECK_INT(spawn_actions_check(NULL, 1, NULL, 0, &bad), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Kernel entry points                                                 */
/* ------------------------------------------------------------------ */

static void test_kernel_entry_points(void)
{
	int32_t out[4] = { 0 };
	int probe = spawn_kernel_probe(NR_CREATE, probe_path);

	CHECK_INT(spawn_kernel_create(NR_CREATE, NULL, -1), -EINVAL);
	CHECK_INT(spawn_kernel_create(NR_CREATE, probe_path, 0), -EINVAL);
	CHECK_INT(spawn_kernel_spawn(NR_SPAWN, 0, SPAWN_FLAG_EXEC_BY_PATH, "",
				     1, 0, "", 1, 0, NULL, 0, NULL, 0, out),
		  -EINVAL);
	if (getenv("SPAWN_TEMPLATE_VM")) {
		CHECK_INT(probe, 0);
		return;
	}
	CHECK_INT(probe, -ENOSYS);
	CHECK_INT(spawn_kernel_create(NR_CREATE, probe_path, -1), -ENOSYS);
	CHECK_INT(spawn_kernel_spawn(NR_SPAWN, 0, 0, "x", 2, 1, "", 1, 0, NULL,
				     0, NULL, 0, out),
		  -ENOSYS);
}

static void test_kernel_template_is_recognisable(void)
{
	struct tmpl t;
	char proc[64], link[64];
	ssize_t n;

	if (!kernel_available)
		return;
	CHECK(tmpl_open(&t, true, probe_path) >= 0);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", t.fd);
	n = readlink(proc, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CHECK_STR(link, "anon_inode:spawn_template");
	CHECK_INT(fcntl(t.fd, F_GETFD), FD_CLOEXEC);
	tmpl_close(&t);
}

/* ------------------------------------------------------------------ */
/* Userspace templates                                                 */
/* ------------------------------------------------------------------ */

static void test_user_create(void)
{
	struct tmpl t;
	struct stat st;
	char p[PATH_MAX];
	int64_t id[SPAWN_IDENTITY_WORDS];
	int32_t kind = -1;

	CHECK(tmpl_open(&t, false, probe_path) >= 0);
	CHECK_INT(t.kind, SPAWN_KIND_ELF);
	CHECK(stat(probe_path, &st) == 0);
	CHECK_INT(t.id[0], st.st_dev);
	CHECK_INT(t.id[1], st.st_ino);
	CHECK_INT(t.id[2], st.st_size);
	CHECK_INT(t.id[3], st.st_mode);
	CHECK_INT(t.id[9], st.st_mtim.tv_nsec);
	CHECK_INT(fcntl(t.fd, F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(t.fd, F_GETFL) & O_PATH, O_PATH);
	CHECK_INT(spawn_user_check(probe_path, t.fd, t.id), 0);
	CHECK_INT(spawn_user_check(NULL, t.fd, t.id), 0);

	/* from an execfd: a new fd, same identity */
	int fd = spawn_user_create(NULL, t.fd, id, &kind);
	CHECK(fd >= 0 && fd != t.fd);
	CHECK(!memcmp(id, t.id, sizeof(id)));
	CHECK_INT(kind, SPAWN_KIND_ELF);
	spawn_close(fd);
	tmpl_close(&t);

	CHECK_INT(spawn_user_create("true", -1, id, &kind), -EINVAL);
	CHECK_INT(spawn_user_create(NULL, -1, id, &kind), -EINVAL);
	CHECK_INT(spawn_user_create(probe_path, 0, id, &kind), -EINVAL);
	CHECK_INT(spawn_user_create(NULL, 999, id, &kind), -EBADF);
	CHECK_INT(spawn_user_create(tmp_path(p, "missing"), -1, id, &kind),
		  -ENOENT);
	write_file(tmp_path(p, "noexec"), "#!/bin/sh\n", 0644);
	CHECK_INT(spawn_user_create(p, -1, id, &kind), -EACCES);
	CHECK_INT(kind, SPAWN_DENIED_NOT_EXECUTABLE);
	CHECK_INT(spawn_user_create(tmpdir, -1, id, &kind), -EACCES);
	CHECK_INT(kind, SPAWN_DENIED_NOT_REGULAR);
	CHECK_INT(spawn_user_create("/dev/null", -1, id, &kind), -EACCES);
	CHECK_INT(kind, SPAWN_DENIED_NOT_REGULAR);
}

/* *kind says which check refused the file on -EACCES only, and only a check
 * that ran: with the fstat itself refused there is no stat to judge (once
 * denied_why read the uninitialised one, and named a check at random). */
static void test_user_create_denied_only_from_a_stat(void)
{
	char p[PATH_MAX];
	int64_t id[SPAWN_IDENTITY_WORDS];
	int32_t kind;

	fstat_errno = EACCES;
	kind = -1;
	CHECK_INT(spawn_user_create(probe_path, -1, id, &kind), -EACCES);
	CHECK_INT(kind, SPAWN_DENIED_UNKNOWN);
	fstat_errno = EIO;
	kind = -1;
	CHECK_INT(spawn_user_create(probe_path, -1, id, &kind), -EIO);
	CHECK_INT(kind, -1);
	fstat_errno = 0;

	/* an open that fails but for EACCES says no check either */
	kind = -1;
	CHECK_INT(spawn_user_create(tmp_path(p, "missing"), -1, id, &kind),
		  -ENOENT);
	CHECK_INT(kind, -1);
	kind = -1;
	CHECK_INT(spawn_user_create(NULL, 999, id, &kind), -EBADF);
	CHECK_INT(kind, -1);
}

static void test_user_create_kinds(void)
{
	char p[PATH_MAX];
	int64_t id[SPAWN_IDENTITY_WORDS];
	int32_t kind = -1;
	int fd;

	write_file(tmp_path(p, "script"), "#!/bin/sh\nexit 0\n", 0755);
	fd = spawn_user_create(p, -1, id, &kind);
	CHECK(fd >= 0);
	CHECK_INT(kind, SPAWN_KIND_SCRIPT);
	spawn_close(fd);

	write_file(tmp_path(p, "garbage"), "garbage\n", 0755);
	fd = spawn_user_create(p, -1, id, &kind);
	CHECK(fd >= 0);
	CHECK_INT(kind, SPAWN_KIND_OTHER);
	spawn_close(fd);

	write_file(tmp_path(p, "empty"), "", 0755);
	fd = spawn_user_create(p, -1, id, &kind);
	CHECK(fd >= 0);
	CHECK_INT(kind, SPAWN_KIND_OTHER);
	spawn_close(fd);
}

/* Where /proc is not mounted (a chroot, a sandbox) a script is still known
 * for one: read through its path, or through a readable execfd. Had it been
 * taken for ELF, each spawn would execveat a close-on-exec fd and fail with
 * ENOENT. Runs in a child with a mount namespace of its own whose /proc is
 * an empty directory; that needs root (CAP_SYS_ADMIN), which CI has. */
static void test_user_create_kinds_without_proc(void)
{
	char script[PATH_MAX], empty[PATH_MAX];
	int st = 0;
	pid_t pid;

	write_file(tmp_path(script, "script-noproc"), "#!/bin/sh\nexit 0\n",
		   0755);
	CHECK(mkdir(tmp_path(empty, "no-proc"), 0755) == 0);
	pid = fork();
	if (pid == 0) {
		int64_t id[SPAWN_IDENTITY_WORDS];
		int32_t kind = -1;
		int fd, readable;

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(empty, "/proc", NULL, MS_BIND, NULL))
			_exit(10);
		if (access("/proc/self/fd", F_OK) == 0)
			_exit(11);
		fd = spawn_user_create(script, -1, id, &kind);
		if (fd < 0 || kind != SPAWN_KIND_SCRIPT)
			_exit(12);
		readable = open(script, O_RDONLY | O_CLOEXEC);
		fd = spawn_user_create(NULL, readable, id, &kind);
		if (fd < 0 || kind != SPAWN_KIND_SCRIPT)
			_exit(13);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK_AT(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "status %#x: 10 = no private mount namespace (not root?), "
		 "11 = /proc still there, 12 = path template, 13 = execfd "
		 "template not seen as a script", st);
	rmdir(empty);
}

static void copy_probe(const char *to)
{
	char cmd[2 * PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", probe_path, to);
	if (system(cmd))
		abort();
}

static void test_user_identity_stale(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	struct tmpl t;
	struct result r;

	copy_probe(tmp_path(p, "probe-copy"));
	CHECK(tmpl_open(&t, false, p) >= 0);
	run_probe(&t, 0, NULL, &r, "exit", "4", NULL);
	check_exited(&r, 4);

	/* chmod: same inode, new mode and ctime */
	CHECK(chmod(p, 0700) == 0);
	CHECK_INT(spawn_user_check(p, t.fd, t.id), -ESTALE);
	CHECK_INT(spawn_user_check(NULL, t.fd, t.id), -ESTALE);
	run_probe(&t, 0, NULL, &r, "exit", "4", NULL);
	CHECK_INT(r.rc, -ESTALE);
	tmpl_close(&t);

	/* rename over: the path names another inode */
	CHECK(tmpl_open(&t, false, p) >= 0);
	copy_probe(tmp_path(q, "probe-new"));
	CHECK(rename(q, p) == 0);
	CHECK_INT(spawn_user_check(p, t.fd, t.id), -ESTALE);
	run_probe(&t, 0, NULL, &r, "exit", "4", NULL);
	CHECK_INT(r.rc, -ESTALE);
	tmpl_close(&t);

	/* unlinked */
	CHECK(tmpl_open(&t, false, p) >= 0);
	CHECK(unlink(p) == 0);
	CHECK_INT(spawn_user_check(p, t.fd, t.id), -ESTALE);
	tmpl_close(&t);

	CHECK_INT(spawn_user_check(NULL, 999, t.id), -EBADF);
}

/* The path is relative to the caller's cwd at the check, the child's after
 * an FCHDIR: exec'ing by path, it would run another file than the one
 * checked. So the check and the spawn want the absolute path, as
 * spawn_user_create does; here a relative one that names the probe. */
static void test_user_relative_path_refused(void)
{
	struct tmpl t, rel;
	struct acts a;
	struct result r;
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int dir = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	CHECK(tmpl_open(&t, false, probe_path) >= 0);
	rel = t;
	rel.path = probe_path + 1;
	CHECK(chdir("/") == 0);
	CHECK_INT(spawn_user_check(rel.path, t.fd, t.id), -EINVAL);
	CHECK_INT(spawn_user_check("", t.fd, t.id), -EINVAL);
	run_probe(&rel, 0, NULL, &r, "exit", "0", NULL);
	CHECK_INT(r.rc, -EINVAL);
	CHECK_INT(r.how, 0);
	acts_init(&a);
	act_fchdir(&a, dir);
	run_probe(&rel, SPAWN_FLAG_EXEC_BY_PATH, &a, &r, "exit", "0", NULL);
	CHECK_INT(r.rc, -EINVAL);
	CHECK_INT(r.how, 0);
	CHECK(fchdir(cwd) == 0);
	close(cwd);
	close(dir);
	tmpl_close(&t);
}

/* ------------------------------------------------------------------ */
/* Spawning: behaviour both backends share                             */
/* ------------------------------------------------------------------ */

static void test_spawn_true(void)
{
	static const char *const argv[] = { "true", NULL };
	struct tmpl t;
	struct result r;

	CHECK(tmpl_open(&t, false, "/bin/true") >= 0);
	run_argv(&t, 0, NULL, argv, default_env, sizeof(default_env), 2, &r);
	check_exited(&r, 0);
	CHECK(r.out[0] > 0);
	tmpl_close(&t);
}

static void test_spawn_exit_codes(void)
{
	FOR_EACH_BACKEND(t)
	{
		static const char *const codes[] = { "0", "3", "42", "255" };
		for (int i = 0; i < 4; i++) {
			struct result r;
			run_probe(t, 0, NULL, &r, "exit", codes[i], NULL);
			check_exited(&r, atoi(codes[i]));
		}
	}
}

static void test_spawn_echo_argv_env(void)
{
	FOR_EACH_BACKEND(t)
	{
		static const char *const argv0[] = { "custom-name", "argv0", NULL };
		static const char env[] = "A=1\0B=two words\0";
		const char *const env_argv[] = { probe_path, "env", NULL };
		struct result r;

		run_probe(t, 0, NULL, &r, "echo", "a", "b c", "", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "a b c \n");

		run_argv(t, 0, NULL, argv0, default_env, sizeof(default_env), 2, &r);
		check_exited(&r, 0);
		CHECK_STR(r.text, "custom-name\n");

		run_argv(t, 0, NULL, env_argv, env, sizeof(env), 2, &r);
		check_exited(&r, 0);
		CHECK_STR(r.text, "A=1\nB=two words\n");
	}
}

/* SPAWN_ENV_INHERIT: the child sees environ as it is at the spawn, with
 * what setenv changed since the process started. */
static void test_spawn_env_inherit_is_live(void)
{
	FOR_EACH_BACKEND(t)
	{
		const char *const env_argv[] = { probe_path, "env", NULL };
		struct result r;

		CHECK_INT(setenv("SPAWN_TEST_LIVE", "set after start", 1), 0);
		run_argv(t, 0, NULL, env_argv, NULL, 0, SPAWN_ENV_INHERIT, &r);
		check_exited(&r, 0);
		CHECK(strstr(r.text, "SPAWN_TEST_LIVE=set after start\n") != NULL);
		CHECK_INT(unsetenv("SPAWN_TEST_LIVE"), 0);
		run_argv(t, 0, NULL, env_argv, NULL, 0, SPAWN_ENV_INHERIT, &r);
		check_exited(&r, 0);
		CHECK(strstr(r.text, "SPAWN_TEST_LIVE") == NULL);
		CHECK(strstr(r.text, "PATH=") != NULL);

		run_argv(t, 0, NULL, env_argv, "A=1", 4, SPAWN_ENV_INHERIT, &r);
		CHECK_INT(r.rc, -EINVAL);
		run_argv(t, 0, NULL, env_argv, NULL, 4, SPAWN_ENV_INHERIT, &r);
		CHECK_INT(r.rc, -EINVAL);
		run_argv(t, 0, NULL, env_argv, NULL, 0, -2, &r);
		CHECK_INT(r.rc, -EINVAL);
	}
}

/* In a forked child: a seccomp filter answering syscall nr with `action`,
 * then the probe; the exit status carries what it named (or 98: not the
 * EPERM expected, 99: no filter), so the caller of the probe must outlive
 * a filter that kills. */
static int probe_under_filter(long nr, uint32_t action)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = insns };
	int32_t refused = -1;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(99);
		if (spawn_user_probe(&refused) != -EPERM)
			_exit(98);
		_exit(refused & SPAWN_PROBE_KILLED ?
			      200 + (refused & ~SPAWN_PROBE_KILLED) : refused);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The calls every userspace spawn makes in its child are probed up front,
 * so a seccomp filter that refuses them moves the caller to a fallback
 * instead of failing every spawn. */
static void test_user_probe(void)
{
	int32_t refused = -1;

	CHECK_INT(spawn_user_probe(&refused), 0);
	CHECK_INT(refused, 0);
	CHECK_INT(spawn_user_probe(NULL), -EINVAL);
	CHECK_INT(probe_under_filter(SYS_close_range,
				     SECCOMP_RET_ERRNO | EPERM),
		  SPAWN_PROBE_CLOSE_RANGE);
	CHECK_INT(probe_under_filter(SYS_openat2, SECCOMP_RET_ERRNO | EPERM),
		  SPAWN_PROBE_OPENAT2);
	/* a filter that kills takes the probe's child, not its caller */
	CHECK_INT(probe_under_filter(SYS_close_range,
				     SECCOMP_RET_KILL_PROCESS),
		  200 + SPAWN_PROBE_CLOSE_RANGE);
	CHECK_INT(probe_under_filter(SYS_openat2, SECCOMP_RET_TRAP),
		  200 + SPAWN_PROBE_OPENAT2);
}

static void test_spawn_signal_and_nohang(void)
{
	FOR_EACH_BACKEND(t)
	{
		static const char *const argv[] = { "probe", "sleep", "10000", NULL };
		char packed[64];
		int32_t out[4], st[2] = { -1, -1 };
		int argc = pack(packed, sizeof(packed), argv);
		int rc = t->kernel ?
			spawn_kernel_spawn(NR_SPAWN, t->fd, 0, packed,
					   sizeof(packed), argc, default_env,
					   sizeof(default_env), 2, NULL, 0,
					   NULL, 0, out) :
			spawn_user_spawn(t->fd, t->path, t->id, 0, packed,
					 sizeof(packed), argc, default_env,
					 sizeof(default_env), 2, NULL, 0, NULL,
					 0, out);
		CHECK_INT(rc, 0);
		if (rc)
			continue;
		CHECK_INT(spawn_wait(out[1], SPAWN_WAIT_NOHANG, st), 0);
		CHECK_INT(st[0], 0);
		CHECK_INT(spawn_signal(out[1], SIGKILL), 0);
		CHECK_INT(spawn_wait(out[1], 0, st), 1);
		CHECK_INT(st[0], SPAWN_SIGNALED);
		CHECK_INT(st[1], SIGKILL);
		CHECK_INT(spawn_wait(out[1], 0, st), -ECHILD);
		CHECK_INT(spawn_signal(out[1], SIGKILL), -ESRCH);
		spawn_close(out[1]);
	}
}

static void test_spawn_stdio_dup2(void)
{
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		acts_init(&a);
		act_dup2(&a, 1, 2, 0); /* stderr into the same pipe */
		run_probe(t, 0, &a, &r, "stdio", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "stdout-token\nstderr-token\n");
	}
}

static void test_spawn_open_stdin(void)
{
	char p[PATH_MAX];

	write_file(tmp_path(p, "input"), "hello from a file\n", 0644);
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		acts_init(&a);
		act_open(&a, AT_FDCWD, p, 0, O_RDONLY, 0);
		run_probe(t, 0, &a, &r, "cat", "0", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "hello from a file\n");

		/* O_CLOEXEC in open_how decides the installed fd's flag */
		acts_init(&a);
		act_open(&a, AT_FDCWD, p, 7, O_RDONLY | O_CLOEXEC, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", "7", NULL);
		check_exited(&r, 3);
		acts_init(&a);
		act_open(&a, AT_FDCWD, p, 7, O_RDONLY, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "cat", "7", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "hello from a file\n");

		/* relative to a dirfd, creating a file */
		int dir = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		char created[PATH_MAX];
		acts_init(&a);
		act_open(&a, dir, "created", 1, O_WRONLY | O_CREAT | O_TRUNC,
			 0600);
		run_probe(t, 0, &a, &r, "echo", "written", NULL);
		check_exited(&r, 0);
		int fd = spawn_open(tmp_path(created, "created"), O_RDONLY, 0);
		read_all(fd, r.text, sizeof(r.text));
		spawn_close(fd);
		CHECK_STR(r.text, "written\n");
		unlink(created);
		close(dir);

		/* a failing open: ENOENT, index 1 (after the capture dup2) */
		acts_init(&a);
		act_open(&a, AT_FDCWD, "/nonexistent/x", 0, O_RDONLY, 0);
		run_probe(t, 0, &a, &r, "exit", "0", NULL);
		check_failed(t, &r, 1, ENOENT);
	}
}

static void test_spawn_fchdir(void)
{
	char real[PATH_MAX];

	CHECK(realpath(tmpdir, real) != NULL);
	FOR_EACH_BACKEND(t)
	{
		int dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct acts a;
		struct result r;
		char expect[PATH_MAX + 2];

		acts_init(&a);
		act_fchdir(&a, dir);
		run_probe(t, 0, &a, &r, "cwd", NULL);
		check_exited(&r, 0);
		snprintf(expect, sizeof(expect), "%s\n", real);
		CHECK_STR(r.text, expect);

		/* fchdir to a file: ENOTDIR */
		acts_init(&a);
		act_fchdir(&a, t->fd);
		run_probe(t, 0, &a, &r, "cwd", NULL);
		check_failed(t, &r, 1, ENOTDIR);
		close(dir);

		/* an O_PATH fd, all a caller gets for a directory it may search
		 * but not read: the userspace child's fchdir takes it (Java relies
		 * on that), the RFC kernel's FCHDIR (fdget) does not */
		dir = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		acts_init(&a);
		act_fchdir(&a, dir);
		run_probe(t, 0, &a, &r, "cwd", NULL);
		if (t->kernel) {
			check_failed(t, &r, 1, EBADF);
		} else {
			check_exited(&r, 0);
			CHECK_STR(r.text, expect);
		}
		close(dir);
	}
}

static uint64_t parse_hex(const char *s)
{
	return strtoull(s, NULL, 16);
}

static uint64_t thread_mask(void)
{
	sigset_t s;
	uint64_t m = 0;

	pthread_sigmask(SIG_BLOCK, NULL, &s);
	for (int sig = 1; sig <= 64; sig++)
		if (sigismember(&s, sig) == 1)
			m |= SIGBIT(sig);
	return m;
}

static void test_spawn_sigmask(void)
{
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;
		sigset_t usr2, old;
		uint64_t before;

		/* the caller's mask is what the child starts with */
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &usr2, &old);
		before = thread_mask();
		run_probe(t, 0, NULL, &r, "sigmask", NULL);
		check_exited(&r, 0);
		CHECK_INT(parse_hex(r.text), before);
		CHECK_INT(thread_mask(), before); /* and the caller's is back */
		pthread_sigmask(SIG_SETMASK, &old, NULL);

		/* SIGMASK replaces it; SIGKILL and SIGSTOP cannot be blocked */
		acts_init(&a);
		act_sig(&a, SPAWN_TEMPLATE_ACTION_SIGMASK,
			SIGBIT(SIGUSR1) | SIGBIT(SIGKILL) | SIGBIT(SIGSTOP) |
				SIGBIT(40));
		run_probe(t, 0, &a, &r, "sigmask", NULL);
		check_exited(&r, 0);
		CHECK_INT(parse_hex(r.text), SIGBIT(SIGUSR1) | SIGBIT(40));
	}
}

static void on_signal(int sig)
{
	(void)sig;
}

/* "ign=1,2 caught=3" -> is `sig` in the named list? */
static bool in_list(const char *text, const char *name, int sig)
{
	char key[16];
	const char *p = strstr(text, name);

	if (!p)
		return false;
	p += strlen(name);
	snprintf(key, sizeof(key), "%d", sig);
	while (*p && *p != ' ' && *p != '\n') {
		size_t len = strcspn(p, ", \n");
		if (len == strlen(key) && !strncmp(p, key, len))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static void test_spawn_signal_dispositions(void)
{
	struct sigaction handler = { .sa_handler = on_signal };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct sigaction old1, old2;

	sigaction(SIGUSR1, &handler, &old1);
	sigaction(SIGUSR2, &ignore, &old2);
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		run_probe(t, 0, NULL, &r, "sigdisp", NULL);
		check_exited(&r, 0);
		CHECK_AT(in_list(r.text, "ign=", SIGUSR2), "%s", r.text);
		CHECK_AT(strstr(r.text, "caught=\n") != NULL, "%s", r.text);

		acts_init(&a);
		act_sig(&a, SPAWN_TEMPLATE_ACTION_SIGDEFAULT,
			SIGBIT(SIGUSR2) | SIGBIT(SIGKILL));
		run_probe(t, 0, &a, &r, "sigdisp", NULL);
		check_exited(&r, 0);
		CHECK_AT(!in_list(r.text, "ign=", SIGUSR2), "%s", r.text);
	}
	sigaction(SIGUSR1, &old1, NULL);
	sigaction(SIGUSR2, &old2, NULL);
}

/* Where a caught signal's handler ran: 0 while it never did. */
static volatile sig_atomic_t usr1_ran_in;

static void record_pid(int sig)
{
	(void)sig;
	usr1_ran_in = (sig_atomic_t)syscall(SYS_getpid);
}

struct held_child {
	const char *fifo;
	pid_t child;   /* 0: never found */
	bool done;     /* the spawn has returned (atomic) */
};

/* A live child of this process, from /proc/N/stat (not /proc/.../children,
 * which needs CONFIG_PROC_CHILDREN); 0 when there is none. */
static pid_t find_child(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	while (proc && !found && (e = readdir(proc)) != NULL) {
		char path[300], stat[512];
		const char *after_comm;
		char state;
		int fd, ppid;
		ssize_t n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		if (n <= 0)
			continue;
		stat[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and parens;
		 * a zombie left by another test is not the child held here */
		after_comm = strrchr(stat, ')');
		if (after_comm &&
		    sscanf(after_comm, ") %c %d", &state, &ppid) == 2 &&
		    ppid == getpid() && state != 'Z')
			found = (pid_t)atoi(e->d_name);
	}
	if (proc)
		closedir(proc);
	return found;
}

/* Signals the child while it waits in the FIFO's open, then lets it go on.
 * The open is retried until the spawn is done: a child that ran a handler
 * restarts its open and waits for another writer. */
static void *signal_held_child(void *arg)
{
	struct held_child *h = arg;

	for (int i = 0; i < 500 && !h->child; i++) {
		h->child = find_child();
		if (!h->child)
			usleep(10000);
	}
	if (h->child)
		kill(h->child, SIGUSR1);
	while (!__atomic_load_n(&h->done, __ATOMIC_ACQUIRE)) {
		int w = open(h->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

		if (w >= 0)
			close(w);
		usleep(10000);
	}
	return NULL;
}

/* Userspace only: the child runs on the caller's memory with a copy of its
 * handler table, so a caught signal that reaches it before exec must take
 * the default action, not run the caller's handler there. Exec resets
 * caught handlers by itself, so the child is held before exec: its first
 * action opens a FIFO for reading, and the signal comes while it waits. */
static void test_user_caught_signal_before_exec(void)
{
	struct sigaction handler = { .sa_handler = record_pid,
				     .sa_flags = SA_RESTART };
	struct sigaction old;
	struct held_child h = { .fifo = NULL };
	sigset_t usr1, mask;
	char fifo[PATH_MAX];
	struct tmpl t;
	struct acts a;
	struct result r;
	pthread_t th;
	int err;

	if (!backend_open(&t, 0))
		return;
	h.fifo = tmp_path(fifo, "held-child.fifo");
	CHECK(mkfifo(fifo, 0600) == 0);
	usr1_ran_in = 0;
	sigaction(SIGUSR1, &handler, &old);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, &mask);
	acts_init(&a);
	act_open(&a, AT_FDCWD, fifo, 0, O_RDONLY, 0);
	CHECK_INT(err = pthread_create(&th, NULL, signal_held_child, &h), 0);
	if (!err) {
		run_probe(&t, 0, &a, &r, "exit", "0", NULL);
		__atomic_store_n(&h.done, true, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		CHECK_AT(h.child > 0 && h.child == r.out[0],
			 "child %d not found (spawned %d)", (int)h.child,
			 (int)r.out[0]);
		CHECK_INT(r.rc, 0);
		CHECK_INT(r.how, SPAWN_SIGNALED);
		CHECK_INT(r.code, SIGUSR1);
		CHECK_INT(usr1_ran_in, 0);
	}
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGUSR1, &old, NULL);
	tmpl_close(&t);
	unlink(fifo);
}

/* Is fd in the probe's "0 1 2 ..." output? */
static bool has_fd(const char *text, int fd)
{
	for (const char *p = text; *p;) {
		char *end;
		long n = strtol(p, &end, 10);
		if (end == p)
			return false;
		if (n == fd)
			return true;
		p = end + strspn(end, " \n");
	}
	return false;
}

static void test_spawn_closes_fds_unless_inherit(void)
{
	int leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	char num[16];

	snprintf(num, sizeof(num), "%d", leak);
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		acts_init(&a);
		act_open(&a, AT_FDCWD, "/dev/null", 0, O_RDONLY, 0);
		act_open(&a, AT_FDCWD, "/dev/null", 2, O_WRONLY, 0);
		run_probe(t, 0, &a, &r, "fds", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "0 1 2\n");

		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", num,
			  NULL);
		check_exited(&r, 0);

		/* close_range to the max, and the exec still works */
		act_close_range(&a, 3, -1, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fds", NULL);
		check_exited(&r, 0);
		CHECK_STR(r.text, "0 1 2\n");

		/* CLOSE_RANGE_CLOEXEC closes at exec time only */
		acts_init(&a);
		act_close_range(&a, leak, leak, SPAWN_CLOSE_RANGE_CLOEXEC);
		act_dup2(&a, leak, 9, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", "9",
			  NULL);
		check_exited(&r, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", num,
			  NULL);
		check_exited(&r, 3);
	}
	close(leak);
}

static void test_spawn_dup2_same_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char num[16];

	snprintf(num, sizeof(num), "%d", fd);
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		/* fd == newfd only checks it is open: FD_CLOEXEC stays */
		acts_init(&a);
		act_dup2(&a, fd, fd, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", num,
			  NULL);
		check_exited(&r, 3);

		acts_init(&a);
		act_dup2(&a, fd, fd, O_CLOEXEC);
		run_probe(t, 0, &a, &r, "exit", "0", NULL);
		check_failed(t, &r, 1, EINVAL);

		acts_init(&a);
		act_dup2(&a, 900, 900, 0);
		run_probe(t, 0, &a, &r, "exit", "0", NULL);
		check_failed(t, &r, 1, EBADF);
	}
	close(fd);
}

static void test_spawn_failing_action_is_reaped(void)
{
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		acts_init(&a);
		act_close(&a, 1);
		act_close(&a, 900); /* not open: EBADF at index 2 */
		act_close(&a, 2);
		run_probe(t, 0, &a, &r, "exit", "0", NULL);
		check_failed(t, &r, 2, EBADF);
	}
}

static void test_spawn_invalid_actions_make_no_child(void)
{
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;

		acts_init(&a);
		act_close(&a, -1);
		run_probe(t, 0, &a, &r, "exit", "0", NULL);
		CHECK_INT(r.rc, -EINVAL);
		CHECK_INT(r.how, 0);
	}
}

/* argc/envc strings that do not all end inside the buffers given are
 * refused before anything is allocated or spawned: a wrong count from Java
 * must never read past the bytes it handed over. */
static void test_spawn_counts_beyond_buffers(void)
{
	static const char two[] = { 'a', '\0', 'b', '\0' };
	static const char open_end[] = { 'a', '\0', 'b' };

	FOR_EACH_BACKEND(t)
	{
		int32_t out[SPAWN_RESULT_WORDS] = { 0, 0, 0, 0 };
		const struct {
			const char *argv;
			int argv_len, argc;
			const char *envp;
			int envp_len, envc;
		} bad[] = {
			{ two, sizeof(two), 3, default_env, sizeof(default_env), 2 },
			{ open_end, sizeof(open_end), 2, default_env, sizeof(default_env), 2 },
			/* the literal's own NUL ends a third, empty string */
			{ two, sizeof(two), 2, default_env, sizeof(default_env), 4 },
			{ two, sizeof(two), 2, two, 3, 2 },
			{ two, -1, 0, default_env, sizeof(default_env), 2 },
			{ two, sizeof(two), -1, default_env, sizeof(default_env), 2 },
			{ NULL, 4, 0, default_env, sizeof(default_env), 2 },
			{ two, sizeof(two), INT32_MAX, default_env, sizeof(default_env), 2 },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = t->kernel ?
				spawn_kernel_spawn(NR_SPAWN, t->fd, 0,
					bad[i].argv, bad[i].argv_len, bad[i].argc,
					bad[i].envp, bad[i].envp_len, bad[i].envc,
					NULL, 0, NULL, 0, out) :
				spawn_user_spawn(t->fd, t->path, t->id, 0,
					bad[i].argv, bad[i].argv_len, bad[i].argc,
					bad[i].envp, bad[i].envp_len, bad[i].envc,
					NULL, 0, NULL, 0, out);
			CHECK_AT(rc == -EINVAL, "case %zu: rc %d", i, rc);
		}
		CHECK_INT(out[0], 0);
	}
}

static void test_spawn_exec_failure(void)
{
	char p[PATH_MAX];
	struct tmpl t;
	struct result r;

	write_file(tmp_path(p, "not-a-program"), "garbage\n", 0755);
	CHECK(tmpl_open(&t, false, p) >= 0);
	CHECK_INT(t.kind, SPAWN_KIND_OTHER);
	run_probe(&t, 0, NULL, &r, NULL);
	check_failed(&t, &r, -1, ENOEXEC);
	tmpl_close(&t);
}

static void test_spawn_script_by_path(void)
{
	static const char *const argv[] = { "script", "arg1", NULL };
	char p[PATH_MAX];
	struct tmpl t;
	struct result r;

	write_file(tmp_path(p, "script.sh"),
		   "#!/bin/sh\necho \"script-ok $1\"\nexit 7\n", 0755);
	CHECK(tmpl_open(&t, false, p) >= 0);
	CHECK_INT(t.kind, SPAWN_KIND_SCRIPT);
	run_argv(&t, SPAWN_FLAG_EXEC_BY_PATH, NULL, argv, default_env,
		 sizeof(default_env), 2, &r);
	check_exited(&r, 7);
	CHECK_STR(r.text, "script-ok arg1\n");

	/* by fd, the interpreter cannot reopen a close-on-exec fd */
	run_argv(&t, 0, NULL, argv, default_env, sizeof(default_env), 2, &r);
	check_failed(&t, &r, -1, ENOENT);

	CHECK_INT(spawn_user_spawn(t.fd, NULL, t.id, SPAWN_FLAG_EXEC_BY_PATH,
				   "x", 2, 1, "", 1, 0, NULL, 0, NULL, 0,
				   r.out),
		  -EINVAL);
	tmpl_close(&t);

	/* kernel templates are for ELF only */
	if (kernel_available)
		CHECK_INT(spawn_kernel_create(NR_CREATE, p, -1), -ENOEXEC);
}

/* Our exec fd (the template fd on the kernel path) must survive whatever
 * the caller's actions do to its number. */
static void test_spawn_held_fd_survives(void)
{
	FOR_EACH_BACKEND(t)
	{
		struct acts a;
		struct result r;
		char held[16];
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		snprintf(held, sizeof(held), "%d", t->fd);

		/* dup2 onto its number: the number is now the caller's */
		acts_init(&a);
		act_dup2(&a, devnull, t->fd, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", held,
			  NULL);
		check_exited(&r, 0);

		/* and again onto where it probably moved to */
		act_dup2(&a, devnull, 10, 0);
		act_dup2(&a, devnull, 11, 0);
		act_open(&a, AT_FDCWD, "/dev/null", 12, O_RDONLY, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fds", NULL);
		check_exited(&r, 0);
		CHECK_AT(has_fd(r.text, t->fd) && has_fd(r.text, 10) &&
				 has_fd(r.text, 11) && has_fd(r.text, 12),
			 "fds: %s", r.text);

		/* close: for the caller the number is closed */
		acts_init(&a);
		act_close(&a, t->fd);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", held,
			  NULL);
		check_exited(&r, 3);

		/* close_range over it */
		acts_init(&a);
		act_close_range(&a, 3, t->fd, 0);
		run_probe(t, 0, &a, &r, "exit", "5", NULL);
		check_exited(&r, 5);
		act_close_range(&a, 0, -1, 0); /* even stdout */
		run_probe(t, 0, &a, &r, "exit", "6", NULL);
		check_exited(&r, 6);

		/* open onto its number */
		acts_init(&a);
		act_open(&a, AT_FDCWD, "/dev/null", t->fd, O_RDONLY, 0);
		run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", held,
			  NULL);
		check_exited(&r, 0);

		close(devnull);
	}
}

/* Userspace only: after a close the number behaves as closed. Exec'ing by
 * path (`mode`) the child keeps no fd of its own, and the caller must see
 * no difference. */
static void held_fd_hidden_after_close(int mode)
{
	struct tmpl t;
	struct acts a;
	struct result r;

	CHECK(tmpl_open(&t, false, probe_path) >= 0);
	acts_init(&a);
	act_close(&a, t.fd);
	act_close(&a, t.fd);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	acts_init(&a);
	act_close(&a, t.fd);
	act_dup2(&a, t.fd, 5, 0);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	/* a closed number is no directory either: EBADF, not ENOTDIR */
	acts_init(&a);
	act_close(&a, t.fd);
	act_open(&a, t.fd, "x", 9, O_RDONLY, 0);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	acts_init(&a);
	act_close(&a, t.fd);
	act_fchdir(&a, t.fd);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	/* a close_range over it closes it for the caller as well */
	acts_init(&a);
	act_close_range(&a, t.fd, t.fd, 0);
	act_dup2(&a, t.fd, 5, 0);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);
	tmpl_close(&t);
}

static void test_user_held_fd_hidden_after_close(void)
{
	held_fd_hidden_after_close(0);
}

static void test_user_held_fd_hidden_after_close_by_path(void)
{
	held_fd_hidden_after_close(SPAWN_FLAG_EXEC_BY_PATH);
}

/* Where run_probe's child moves our exec fd when an action takes its
 * number: the lowest free number from 10 (HELD_FD_BASE), once the capture
 * pipe that run_probe opens before the clone is counted. */
static int held_moves_to(void)
{
	int32_t p[2];
	int fd;

	if (spawn_pipe(p))
		return -1;
	fd = fcntl(p[0], F_DUPFD_CLOEXEC, 10);
	close(fd);
	close(p[0]);
	close(p[1]);
	return fd;
}

/* Userspace only: the caller never opened the number our exec fd moved
 * to, so for it that number is closed, as it is under the kernel; and the
 * number it left is the caller's. Exec'ing by path (`mode`) nothing moves,
 * and the caller must see no difference. */
static void held_fd_hidden_after_move(int mode)
{
	struct tmpl t;
	struct acts a;
	struct result r;
	char held[16];
	int devnull, moved;

	CHECK(tmpl_open(&t, false, probe_path) >= 0);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	moved = held_moves_to();
	CHECK(moved >= 10);
	snprintf(held, sizeof(held), "%d", t.fd);

	acts_init(&a);
	act_dup2(&a, devnull, t.fd, 0);
	act_dup2(&a, moved, 9, 0);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	acts_init(&a);
	act_close(&a, t.fd);
	act_dup2(&a, devnull, t.fd, 0);
	act_dup2(&a, moved, 9, 0);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 3, EBADF);

	acts_init(&a);
	act_open(&a, AT_FDCWD, "/dev/null", t.fd, O_RDONLY, 0);
	act_close(&a, moved);
	run_probe(&t, mode, &a, &r, "exit", "0", NULL);
	check_failed(&t, &r, 2, EBADF);

	acts_init(&a);
	act_dup2(&a, devnull, t.fd, 0);
	act_close(&a, t.fd);
	run_probe(&t, mode | SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", held,
		  NULL);
	check_exited(&r, 3);
	close(devnull);
	tmpl_close(&t);
}

static void test_user_held_fd_hidden_after_move(void)
{
	held_fd_hidden_after_move(0);
}

static void test_user_held_fd_hidden_after_move_by_path(void)
{
	held_fd_hidden_after_move(SPAWN_FLAG_EXEC_BY_PATH);
}

/* Runs fn in a child of the test, free to lower its fd limit and fill its
 * fd table; fn's result (0: passed) or -1 when it did not exit. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Only stdio, a probe template and /dev/null open: a known fd table. */
static int fresh_fd_table(struct tmpl *t, int *devnull)
{
	if (close_range(3, ~0U, 0) || tmpl_open(t, false, probe_path) < 0)
		return -1;
	*devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return *devnull < 0 ? -1 : 0;
}

static int set_fd_limit(rlim_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = n;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

/* DUP2 onto our exec fd's number: true when the program found it open. */
static bool dup2_onto_held(const struct tmpl *t, int devnull)
{
	struct acts a;
	struct result r;
	char held[16];

	snprintf(held, sizeof(held), "%d", t->fd);
	acts_init(&a);
	act_dup2(&a, devnull, t->fd, 0);
	run_probe(t, SPAWN_FLAG_INHERIT_FDS, &a, &r, "fdopen", held, NULL);
	if (r.rc || r.how != SPAWN_EXITED || r.code) {
		fprintf(stderr, "rc %d (action %d, errno %d), how %d, code %d\n",
			r.rc, (int)r.out[2], (int)r.out[3], r.how, r.code);
		return false;
	}
	return true;
}

static int dup2_onto_held_without_fds_from_10(void)
{
	struct tmpl t;
	int devnull;

	if (fresh_fd_table(&t, &devnull))
		return 10;
	/* nothing can be at 10 or above: F_DUPFD from 10 is EINVAL */
	if (set_fd_limit(10))
		return 11;
	if (!dup2_onto_held(&t, devnull))
		return 12;
	/* every number from 10 taken: F_DUPFD from 10 is EMFILE */
	if (set_fd_limit(32))
		return 13;
	while (fcntl(devnull, F_DUPFD_CLOEXEC, 10) >= 0)
		;
	if (errno != EMFILE || fcntl(31, F_GETFD) < 0)
		return 14;
	if (!dup2_onto_held(&t, devnull))
		return 15;
	return 0;
}

/* Userspace only: our exec fd moves to any free number when none is free
 * from 10, as the kernel's dup2 onto that number would still succeed. */
static void test_user_held_fd_moves_under_low_fd_limit(void)
{
	int code = in_child(dup2_onto_held_without_fds_from_10);

	CHECK_AT(code == 0,
		 "exit %d: 10 = fd table, 11/13 = setrlimit, 14 = filling "
		 "10..31, 12 = limit 10 and 15 = 10..31 taken: the DUP2 failed",
		 code);
}

/* With one free number, which the caller's pidfd takes: DUP2 onto our exec
 * fd's number, then onto that free number, exec'ing by path. */
static int by_path_with_one_free_fd(void)
{
	const char *const argv[] = { probe_path, "exit", "0", NULL };
	char packed[PATH_MAX + 16];
	int argc = pack(packed, sizeof(packed), argv);
	int32_t out[SPAWN_RESULT_WORDS], st[2] = { 0, 0 };
	struct tmpl t;
	struct acts a;
	int devnull, fd, last = -1, rc;

	if (fresh_fd_table(&t, &devnull))
		return 10;
	if (set_fd_limit(16))
		return 11;
	while ((fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) >= 0)
		last = fd;
	if (last < 0 || close(last))
		return 12;
	acts_init(&a);
	act_dup2(&a, devnull, t.fd, 0);
	act_dup2(&a, devnull, last, 0);
	rc = spawn_user_spawn(t.fd, t.path, t.id, SPAWN_FLAG_EXEC_BY_PATH,
			      packed, sizeof(packed), argc, default_env,
			      sizeof(default_env), 2, a.w, a.n, a.strings,
			      a.slen, out);
	if (rc) {
		fprintf(stderr, "rc %d (action %d, errno %d)\n", rc,
			(int)out[2], (int)out[3]);
		return 13;
	}
	if (spawn_wait(out[1], 0, st) != 1 || st[0] != SPAWN_EXITED || st[1])
		return 14;
	return 0;
}

/* Userspace only: exec'ing by path, the child never uses our exec fd, so
 * its number is the actions' like any of the caller's fds and nothing
 * moves: a full fd table fails no DUP2 that the kernel's would run. */
static void test_user_by_path_leaves_held_fd_to_the_actions(void)
{
	int code = in_child(by_path_with_one_free_fd);

	CHECK_AT(code == 0,
		 "exit %d: 10 = fd table, 11 = setrlimit, 12 = filling, "
		 "13 = the spawn failed, 14 = the program did not exit 0",
		 code);
}

static void *spawn_many(void *arg)
{
	struct tmpl *t = arg;
	intptr_t bad = 0;

	for (int i = 0; i < 40; i++) {
		struct result r;
		run_probe(t, 0, NULL, &r, "echo", "x", NULL);
		bad += r.rc != 0 || r.how != SPAWN_EXITED || r.code != 0 ||
		       strcmp(r.text, "x\n");
	}
	return (void *)bad;
}

static void test_spawn_from_threads(void)
{
	FOR_EACH_BACKEND(t)
	{
		pthread_t th[4];
		void *bad;

		for (int i = 0; i < 4; i++)
			pthread_create(&th[i], NULL, spawn_many, t);
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], &bad);
			CHECK_INT((intptr_t)bad, 0);
		}
	}
}

/* ------------------------------------------------------------------ */
/* fd and reaper helpers                                               */
/* ------------------------------------------------------------------ */

/* With this process's stdin and stdout closed, the pipes and files it makes
 * for children still never take 0 or 1 (see above_stdio in io.c). */
static void test_fds_stay_off_stdio(void)
{
	int saved[2] = { fcntl(0, F_DUPFD_CLOEXEC, 3), fcntl(1, F_DUPFD_CLOEXEC, 3) };
	int32_t p[2] = { -1, -1 };
	int fd, r;

	CHECK(saved[0] >= 0 && saved[1] >= 0);
	close(0);
	close(1);
	r = spawn_pipe2(p, SPAWN_PIPE_NONBLOCK_READ);
	fd = spawn_open("/dev/null", O_RDONLY, 0);
	CHECK(fcntl(0, F_GETFD) < 0 && fcntl(1, F_GETFD) < 0);
	dup2(saved[0], 0);
	dup2(saved[1], 1);
	close(saved[0]);
	close(saved[1]);
	CHECK_INT(r, 0);
	CHECK_AT(p[0] > 2 && p[1] > 2, "pipe at %d, %d", p[0], p[1]);
	CHECK_INT(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_AT(fd > 2, "open at %d", fd);
	CHECK_INT(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_fd_helpers(void)
{
	int32_t p[2];
	char buf[16];
	int64_t tokens[4];

	CHECK_INT(spawn_pipe(p), 0);
	CHECK_INT(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(p[1], F_GETFD), FD_CLOEXEC);

	int ep = spawn_epoll_create();
	CHECK(ep >= 0);
	CHECK_INT(fcntl(ep, F_GETFD), FD_CLOEXEC);
	CHECK_INT(spawn_epoll_add(ep, p[0], 0x123456789LL), 0);
	CHECK_INT(spawn_epoll_add(ep, p[0], 1), -EEXIST);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 0);
	CHECK_INT(spawn_write(p[1], "hi", 2), 2);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 1000), 1);
	CHECK_INT(tokens[0], 0x123456789LL);
	/* level-triggered: still readable, still reported */
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 1);
	CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), 2);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 0);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 0, 0), -EINVAL);

	CHECK_INT(spawn_available(p[0]), 0);
	CHECK_INT(spawn_poll_in(p[0], 0), 0);
	CHECK_INT(spawn_write(p[1], "abc", 3), 3);
	CHECK_INT(spawn_available(p[0]), 3);
	CHECK_INT(spawn_poll_in(p[0], 1000), 1);
	CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), 3);
	CHECK_INT(spawn_available(-1), -EBADF);
	CHECK_INT(spawn_poll_in(-1, 0), 0);
	CHECK_INT(spawn_poll_in(ep + 100, 0), -EBADF);

	CHECK_INT(spawn_poll_out(p[1], 0), 1);
	CHECK_INT(spawn_poll_out(-1, 0), 0);
	CHECK_INT(spawn_poll_out(ep + 100, 0), -EBADF);
	spawn_close(p[1]);
	/* the writer gone: readable (EOF), not a timeout */
	CHECK_INT(spawn_poll_in(p[0], 1000), 1);
	CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), 0);
	CHECK_INT(spawn_read(p[0], buf, -1), -EINVAL);
	spawn_close(p[0]);
	spawn_close(ep);
	CHECK_INT(spawn_close(ep), -EBADF);
	CHECK_INT(spawn_read(ep, buf, 1), -EBADF);

	int fd = spawn_open("/dev/null", O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_INT(fcntl(fd, F_GETFD), FD_CLOEXEC);
	spawn_close(fd);
	CHECK_INT(spawn_open("/nonexistent", O_RDONLY, 0), -ENOENT);
	CHECK_INT(spawn_open("/tmp", O_RDONLY, 0), -EISDIR);
	fd = spawn_open("/tmp", O_RDONLY | O_DIRECTORY, 0);
	CHECK(fd >= 0);
	spawn_close(fd);

	/* a broken pipe is an error, not a signal (SIGPIPE is blocked here) */
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	CHECK_INT(spawn_pipe(p), 0);
	spawn_close(p[0]);
	CHECK_INT(spawn_write(p[1], "x", 1), -EPIPE);
	spawn_close(p[1]);
	struct timespec zero = { 0, 0 };
	sigtimedwait(&s, NULL, &zero); /* drop the pending SIGPIPE */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void test_pidfd_open(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	int pidfd = spawn_pidfd_open(pid);
	int32_t st[2];

	CHECK(pidfd >= 0);
	CHECK_INT(spawn_signal(pidfd, SIGTERM), 0);
	CHECK_INT(spawn_wait(pidfd, 0, st), 1);
	CHECK_INT(st[0], SPAWN_SIGNALED);
	CHECK_INT(st[1], SIGTERM);
	spawn_close(pidfd);
	CHECK_INT(spawn_pidfd_open(pid), -ESRCH);
	CHECK_INT(spawn_wait(999, 0, st), -EBADF);
	CHECK_INT(spawn_wait(0, 0x100, st), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Child options: setsid, setpgid, pdeathsig (userspace only)          */
/* ------------------------------------------------------------------ */

/* Spawns `probe sleep MS` from a userspace template with child options and
 * no actions; returns the rc, fills pid and pidfd. */
static int spawn_sleeper(const struct tmpl *t, const int32_t *opts,
			 const char *ms, int32_t *out)
{
	const char *argv[] = { probe_path, "sleep", ms, NULL };
	char packed[PATH_MAX + 64];
	int argc = pack(packed, sizeof(packed), argv);

	return spawn_user_spawn_opts(t->fd, t->path, t->id, 0, packed,
				     sizeof(packed), argc, default_env,
				     sizeof(default_env), 2, NULL, 0, NULL, 0,
				     opts, out);
}

/* pgrp and session of a live process, from /proc/PID/stat. */
static bool proc_ids(int pid, int *pgrp, int *session)
{
	char path[64], buf[512];
	char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && sscanf(p + 2, "%*c %*d %d %d", pgrp, session) == 2;
}

/* Kills through the pidfd and reaps; returns the signal that ended it. */
static int kill_and_reap(int pidfd)
{
	int32_t st[2] = { 0, 0 };

	spawn_signal(pidfd, SIGKILL);
	spawn_wait(pidfd, 0, st);
	spawn_close(pidfd);
	return st[0] == SPAWN_SIGNALED ? st[1] : -1;
}

static void test_opts_setsid_and_setpgid(void)
{
	struct tmpl t;
	int32_t out[SPAWN_RESULT_WORDS];
	int pgrp = 0, sid = 0;
	int32_t setsid_opts[SPAWN_OPT_WORDS] = { SPAWN_OPT_SETSID, 0, 0, 0 };
	int32_t pgid_opts[SPAWN_OPT_WORDS] = { SPAWN_OPT_SETPGID, 0, 0, 0 };

	if (!backend_open(&t, 0))
		return;
	CHECK_INT(spawn_sleeper(&t, setsid_opts, "5000", out), 0);
	CHECK(proc_ids(out[0], &pgrp, &sid));
	CHECK_INT(pgrp, out[0]);
	CHECK_INT(sid, out[0]);
	CHECK_INT(kill_and_reap(out[1]), SIGKILL);

	CHECK_INT(spawn_sleeper(&t, pgid_opts, "5000", out), 0);
	CHECK(proc_ids(out[0], &pgrp, &sid));
	CHECK_INT(pgrp, out[0]);
	CHECK_INT(sid, getsid(0));
	CHECK_INT(kill_and_reap(out[1]), SIGKILL);

	/* no option: the caller's group and session */
	CHECK_INT(spawn_sleeper(&t, NULL, "5000", out), 0);
	CHECK(proc_ids(out[0], &pgrp, &sid));
	CHECK_INT(pgrp, getpgid(0));
	CHECK_INT(kill_and_reap(out[1]), SIGKILL);
	tmpl_close(&t);
}

/* A second child joins the first one's group; one kill(-pgid) ends both,
 * sent while the leader is a zombie that WNOWAIT left unreaped. */
static void test_opts_join_group_and_kill_group(void)
{
	struct tmpl t;
	int32_t leader[SPAWN_RESULT_WORDS], member[SPAWN_RESULT_WORDS];
	int32_t st[2];
	int pgrp = 0, sid = 0;
	int32_t opts[SPAWN_OPT_WORDS] = { SPAWN_OPT_SETPGID, 0, 0, 0 };

	if (!backend_open(&t, 0))
		return;
	CHECK_INT(spawn_sleeper(&t, opts, "0", leader), 0);
	opts[1] = leader[0];
	/* the leader exits at once; its zombie keeps the group id reserved */
	CHECK_INT(spawn_wait(leader[1], SPAWN_WAIT_NOWAIT, st), 1);
	CHECK_INT(st[0], SPAWN_EXITED);
	CHECK_INT(spawn_sleeper(&t, opts, "5000", member), 0);
	CHECK(proc_ids(member[0], &pgrp, &sid));
	CHECK_INT(pgrp, leader[0]);
	CHECK_INT(spawn_kill_group(leader[0], SIGTERM), 0);
	CHECK_INT(spawn_wait(member[1], 0, st), 1);
	CHECK_INT(st[0], SPAWN_SIGNALED);
	CHECK_INT(st[1], SIGTERM);
	spawn_close(member[1]);
	/* WNOWAIT left it: this wait reaps */
	CHECK_INT(spawn_wait(leader[1], SPAWN_WAIT_NOHANG, st), 1);
	CHECK_INT(spawn_wait(leader[1], SPAWN_WAIT_NOHANG, st), -ECHILD);
	spawn_close(leader[1]);

	/* joining a group that does not exist fails in the child, reported */
	opts[1] = leader[0];
	CHECK_INT(spawn_sleeper(&t, opts, "0", member), -EPERM);
	CHECK_INT(member[2], SPAWN_FAIL_SETPGID);
	CHECK_INT(member[3], EPERM);
	CHECK_INT(member[1], -1);
	tmpl_close(&t);
}

static void test_opts_invalid(void)
{
	struct tmpl t;
	int32_t out[SPAWN_RESULT_WORDS];
	static const int32_t bad[][SPAWN_OPT_WORDS] = {
		{ SPAWN_OPT_SETSID | SPAWN_OPT_SETPGID, 0, 0, 0 },
		{ 0x100, 0, 0, 0 },
		{ SPAWN_OPT_PDEATHSIG, 0, 0, 0 },
		{ SPAWN_OPT_PDEATHSIG, 0, 65, 0 },
		{ 0, 0, 9, 0 },
		{ 0, 5, 0, 0 },
		{ SPAWN_OPT_SETPGID, -1, 0, 0 },
		{ 0, 0, 0, 1 },
	};

	if (!backend_open(&t, 0))
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_AT(spawn_sleeper(&t, bad[i], "0", out) == -EINVAL,
			 "options #%zu accepted", i);
	CHECK_INT(spawn_kill_group(0, SIGKILL), -EINVAL);
	CHECK_INT(spawn_kill_group(1, SIGKILL), -EINVAL);
	CHECK_INT(spawn_kill_group(-5, SIGKILL), -EINVAL);
	CHECK_INT(spawn_kill_group(getpid(), 65), -EINVAL);
	tmpl_close(&t);
}

struct pdeath_arg {
	const struct tmpl *t;
	int32_t out[SPAWN_RESULT_WORDS];
	int rc;
};

static void *spawn_pdeath_and_exit(void *arg)
{
	struct pdeath_arg *a = arg;
	int32_t opts[SPAWN_OPT_WORDS] = { SPAWN_OPT_PDEATHSIG, 0, SIGKILL, 0 };

	a->rc = spawn_sleeper(a->t, opts, "10000", a->out);
	return NULL;
}

/* PR_SET_PDEATHSIG follows the spawning *thread*: when it exits the child
 * gets the signal although this process lives on (prctl(2)). The control:
 * the same child spawned without the option survives its thread. */
static void test_opts_pdeathsig_follows_the_thread(void)
{
	struct tmpl t;
	struct pdeath_arg a;
	pthread_t th;
	int32_t st[2] = { 0, 0 };
	int32_t plain[SPAWN_RESULT_WORDS];

	if (!backend_open(&t, 0))
		return;
	a.t = &t;
	pthread_create(&th, NULL, spawn_pdeath_and_exit, &a);
	pthread_join(th, NULL);
	CHECK_INT(a.rc, 0);
	if (a.rc == 0) {
		/* bounded: without the signal the sleeper ends in 10 s */
		CHECK_INT(spawn_wait(a.out[1], 0, st), 1);
		CHECK_INT(st[0], SPAWN_SIGNALED);
		CHECK_INT(st[1], SIGKILL);
		spawn_close(a.out[1]);
	}

	CHECK_INT(spawn_sleeper(&t, NULL, "200", plain), 0);
	CHECK_INT(spawn_wait(plain[1], 0, st), 1);
	CHECK_INT(st[0], SPAWN_EXITED);
	CHECK_INT(st[1], 0);
	spawn_close(plain[1]);
	tmpl_close(&t);
}

static void test_pipe2_eventfd_epoll_events(void)
{
	int32_t p[2];
	int64_t tokens[4];
	char buf[8];
	int ep, ev;

	CHECK_INT(spawn_pipe2(p, 0x4), -EINVAL);
	CHECK_INT(spawn_pipe2(p, SPAWN_PIPE_NONBLOCK_READ), 0);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK(!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	CHECK_INT(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), -EAGAIN);

	ep = spawn_epoll_create();
	CHECK_INT(spawn_epoll_add_events(ep, p[0], 0, 1), -EINVAL);
	CHECK_INT(spawn_epoll_add_events(ep, p[0], SPAWN_EPOLL_IN, 7), 0);
	CHECK_INT(spawn_epoll_add_events(ep, p[1], SPAWN_EPOLL_OUT, 8), 0);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 1);
	CHECK_INT(tokens[0], 8);
	/* the write end closed: the read end reports (EPOLLHUP), read says EOF */
	spawn_epoll_del(ep, p[1]);
	spawn_close(p[1]);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 1);
	CHECK_INT(tokens[0], 7);
	CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), 0);
	spawn_close(p[0]);

	CHECK_INT(spawn_pipe2(p, SPAWN_PIPE_NONBLOCK_WRITE), 0);
	CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	/* full: not writable; a page read: writable again */
	while (spawn_write(p[1], buf, sizeof(buf)) > 0)
		;
	CHECK_INT(spawn_poll_out(p[1], 0), 0);
	for (int got = 0; got < 4096; got += (int)sizeof(buf))
		CHECK_INT(spawn_read(p[0], buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_INT(spawn_poll_out(p[1], 1000), 1);
	CHECK_INT(spawn_write(p[1], buf, sizeof(buf)), (long)sizeof(buf));
	spawn_close(p[0]);
	/* the reader gone: writable (EPIPE), not a timeout */
	CHECK_INT(spawn_poll_out(p[1], 1000), 1);
	spawn_close(p[1]);

	ev = spawn_eventfd();
	CHECK(ev >= 0);
	CHECK_INT(fcntl(ev, F_GETFD), FD_CLOEXEC);
	CHECK_INT(spawn_epoll_add(ep, ev, 9), 0);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 0);
	CHECK_INT(spawn_eventfd_signal(ev), 0);
	CHECK_INT(spawn_eventfd_signal(ev), 0);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 1);
	CHECK_INT(tokens[0], 9);
	CHECK_INT(spawn_eventfd_drain(ev), 0);
	CHECK_INT(spawn_epoll_wait(ep, tokens, 4, 0), 0);
	CHECK_INT(spawn_eventfd_drain(ev), 0);
	spawn_close(ev);
	spawn_close(ep);
}

int main(int argc, char **argv)
{
	if (argc != 2 || !realpath(argv[1], probe_path)) {
		fprintf(stderr, "usage: test_spawn /path/to/spawn-probe\n");
		return 2;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/spawn-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	kernel_available = spawn_kernel_probe(NR_CREATE, probe_path) == 0;
	printf("# kernel spawn templates: %s\n",
	       kernel_available ? "available" : "not available");
	fds_before = count_fds();

	TEST_RUN(test_uapi_layout);
	TEST_RUN(test_check_accepts_every_type);
	TEST_RUN(test_check_rejects_what_the_kernel_rejects);
	TEST_RUN(test_check_open_path_bounds);
	TEST_RUN(test_check_counts);
	TEST_RUN(test_kernel_entry_points);
	TEST_RUN(test_kernel_template_is_recognisable);
	TEST_RUN(test_user_create);
	TEST_RUN(test_user_create_denied_only_from_a_stat);
	TEST_RUN(test_user_create_kinds);
	TEST_RUN(test_user_create_kinds_without_proc);
	TEST_RUN(test_user_identity_stale);
	TEST_RUN(test_user_relative_path_refused);
	TEST_RUN(test_spawn_true);
	TEST_RUN(test_spawn_exit_codes);
	TEST_RUN(test_spawn_echo_argv_env);
	TEST_RUN(test_spawn_env_inherit_is_live);
	TEST_RUN(test_user_probe);
	TEST_RUN(test_spawn_signal_and_nohang);
	TEST_RUN(test_spawn_stdio_dup2);
	TEST_RUN(test_spawn_open_stdin);
	TEST_RUN(test_spawn_fchdir);
	TEST_RUN(test_spawn_sigmask);
	TEST_RUN(test_spawn_signal_dispositions);
	TEST_RUN(test_user_caught_signal_before_exec);
	TEST_RUN(test_spawn_closes_fds_unless_inherit);
	TEST_RUN(test_spawn_dup2_same_fd);
	TEST_RUN(test_spawn_failing_action_is_reaped);
	TEST_RUN(test_spawn_invalid_actions_make_no_child);
	TEST_RUN(test_spawn_counts_beyond_buffers);
	TEST_RUN(test_spawn_exec_failure);
	TEST_RUN(test_spawn_script_by_path);
	TEST_RUN(test_spawn_held_fd_survives);
	TEST_RUN(test_user_held_fd_hidden_after_close);
	TEST_RUN(test_user_held_fd_hidden_after_close_by_path);
	TEST_RUN(test_user_held_fd_hidden_after_move);
	TEST_RUN(test_user_held_fd_hidden_after_move_by_path);
	TEST_RUN(test_user_held_fd_moves_under_low_fd_limit);
	TEST_RUN(test_user_by_path_leaves_held_fd_to_the_actions);
	TEST_RUN(test_spawn_from_threads);
	TEST_RUN(test_fd_helpers);
	TEST_RUN(test_fds_stay_off_stdio);
	TEST_RUN(test_pidfd_open);
	TEST_RUN(test_opts_setsid_and_setpgid);
	TEST_RUN(test_opts_join_group_and_kill_group);
	TEST_RUN(test_opts_invalid);
	TEST_RUN(test_opts_pdeathsig_follows_the_thread);
	TEST_RUN(test_pipe2_eventfd_epoll_events);

	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return TEST_SUMMARY();
}
