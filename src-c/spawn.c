/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract.
 *
 * Why the userspace child (spawn_user_spawn) is written the way it is
 * ===================================================================
 *
 * Speed. The child is created with clone(CLONE_VM | CLONE_VFORK |
 * CLONE_PIDFD): no page tables are copied, the caller sleeps until the
 * child has exec'd or died, and the pidfd comes back from the same call,
 * so nobody ever has to signal or wait by a raw (reusable) pid. This is
 * the shape of glibc's and musl's posix_spawn and of the RFC kernel's own
 * spawn_template_spawn(), whose semantics this path mirrors so that Java
 * sees one behaviour whichever backend ran.
 *
 * Shared memory. Until exec the child runs in the JVM's address space, on
 * a stack that is an array in the suspended caller's frame. Other JVM
 * threads keep running beside it, so the child must not take a lock, touch
 * the heap, or run anything a signal handler could not run: it only makes
 * raw syscall(2) calls on data the caller prepared (argv/envp vectors, the
 * decoded actions) and writes nothing but its own failure record. It shares
 * the caller's TLS too; its errno writes land in the caller's errno slot,
 * which the caller does not read after a successful clone. The child
 * functions are built without AddressSanitizer: ASan's shadow bookkeeping
 * for a frame on a borrowed stack in a second process is not something
 * to rely on, and raw syscalls are never intercepted.
 *
 * Signals, like glibc's posix_spawn. The caller blocks every signal (with
 * the raw rt_sigprocmask, because glibc's wrappers quietly leave its two
 * internal signals, SIGCANCEL and SIGSETXID, unblocked) so no JVM handler
 * can run in the child on the JVM's memory. The child gets its own copy of
 * the handler table (no CLONE_SIGHAND); it resets every caught signal to
 * SIG_DFL, leaves SIG_IGN alone (exec keeps ignored signals ignored, as
 * POSIX wants), then restores the caller's mask and runs the actions with
 * it, as the kernel's child runs them with the caller's mask.
 *
 * The held exec fd. A userspace "template" is an O_PATH fd for the
 * executable; the child execs it with execveat(fd, "", AT_EMPTY_PATH), so
 * the file that was checked is the file that runs. The kernel keeps its
 * file outside the fd table; ours is in it, at a number the caller's
 * actions may name. The rule: the caller's view of the fd table is the
 * parent's, and our fd must survive whatever the actions do to that view.
 *  - An action that would put something at our number (dup2 newfd, open
 *    newfd) first moves our fd to a fresh number (F_DUPFD_CLOEXEC).
 *  - close(number) of our fd only marks it "hidden": for the caller the
 *    number is closed (later uses of it as a source give EBADF, as they
 *    would after a real close), while our fd stays there until exec
 *    closes it.
 *  - close_range over our number is split around it, and it becomes hidden.
 * Every copy we hold is close-on-exec, so none reaches the new program.
 *
 * Closing fds. By default every fd above 2 must not reach the new program
 * (JDK 17.0.15/25.0.3 leak pipes without O_CLOEXEC, see DESIGN.md). The
 * kernel path closes them; we mark them close-on-exec with one
 * close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) instead, because a plain close
 * would also close the held fd we are about to exec. The program sees the
 * same fd table either way.
 *
 * Child options (setsid, setpgid, pdeathsig). The RFC has no action for
 * them, so only this path offers them; they run right after the signal
 * reset, before the actions, so an action that fails can rely on them
 * and a dying caller is noticed before any real work. PR_SET_PDEATHSIG
 * fires when the child's parent *thread* exits: with CLONE_VM|CLONE_VFORK
 * and no CLONE_PARENT, the parent is the calling thread, not the JVM as a
 * whole, so the Java side spawns such children from threads that live as
 * long as the JVM. Between clone and prctl the caller may already be gone
 * (the whole JVM killed while we were being created: the vforked caller
 * cannot die alone); then the child has been re-parented, getppid() no
 * longer names the caller's process, and the child exits before exec, the
 * check glibc-free code has always done after PR_SET_PDEATHSIG.
 *
 * Failures. The child writes {action index, errno} into a record in the
 * caller's memory (shared by CLONE_VM) and exits. CLONE_VFORK guarantees
 * the record is final when clone() returns, so the caller reaps the child
 * through its pidfd and returns -errno: Java throws a real IOException
 * naming the action instead of seeing exit status 127. Index -1 is the
 * exec itself, index nactions the implicit close of fds above 2. The exit
 * status mirrors the kernel's (127 ENOENT, 126 EACCES/ENOEXEC, 1 else).
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "uapi.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* glibc 2.36's idtype_t has no P_PIDFD yet (Linux 5.4). */
#define SPAWN_P_PIDFD ((idtype_t)3)

#define CHILD_STACK_SIZE (32 * 1024)
/* Where a displaced held fd goes: above stdio and the fds callers usually
 * dup2 into, so it rarely has to move twice. */
#define HELD_FD_BASE 10
#define EPOLL_BATCH 64
#define SIG_BIT(sig) (1ULL << ((sig) - 1))

#ifdef __SANITIZE_ADDRESS__
#define CHILD_FN __attribute__((no_sanitize_address))
#else
#define CHILD_FN
#endif

static const char TEMPLATE_LINK[] = "anon_inode:spawn_template";

/* ------------------------------------------------------------------ */
/* Action decoding: flat int64 words -> the kernel's structs.          */
/* ------------------------------------------------------------------ */

/* What an action's `arg` points at; one slot per action, so the decoded
 * actions need no allocation. */
union spawn_action_arg {
	struct spawn_template_open open;
	struct {
		struct spawn_template_sigset set;
		uint64_t mask;
	} sig;
};

struct spawn_actions {
	struct spawn_template_action act[SPAWN_MAX_ACTIONS];
	union spawn_action_arg arg[SPAWN_MAX_ACTIONS];
};

static bool fits_u32(int64_t v)
{
	return v >= 0 && v <= (int64_t)UINT32_MAX;
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static bool words_zero(const int64_t *w, int from)
{
	for (int i = from; i < SPAWN_ACTION_WORDS; i++)
		if (w[i])
			return false;
	return true;
}

/* The kernel copies the path from user memory itself; we must prove it is
 * a NUL-terminated string inside the caller's buffer before anyone reads
 * it. */
static bool decode_open(const int64_t *w, const char *strings,
			int32_t strings_len, struct spawn_template_open *open)
{
	int64_t off = w[4];

	if (!strings || off < 0 || off >= strings_len ||
	    !memchr(strings + off, '\0', (size_t)(strings_len - off)))
		return false;
	open->path = SPAWN_PTR(strings + off);
	open->how.flags = (uint64_t)w[5];
	open->how.mode = (uint64_t)w[6];
	open->how.resolve = (uint64_t)w[7];
	return true;
}

static void decode_sigset(uint64_t mask, union spawn_action_arg *arg)
{
	arg->sig.mask = mask;
	arg->sig.set.sigset = SPAWN_PTR(&arg->sig.mask);
	arg->sig.set.sigsetsize = SPAWN_KERNEL_SIGSET_SIZE;
}

/* The checks of the kernel's spawn_template_copy_actions(), plus ours for
 * the flat encoding (ranges of the words, unused words zero). */
static int decode_action(const int64_t *w, const char *strings,
			 int32_t strings_len, struct spawn_template_action *a,
			 union spawn_action_arg *arg)
{
	bool ok;

	if (!fits_u32(w[0]) || !fits_u32(w[1]) || !fits_s32(w[2]) ||
	    !fits_s32(w[3]))
		return -EINVAL;
	*a = (struct spawn_template_action){
		.type = (uint32_t)w[0],
		.flags = (uint32_t)w[1],
		.fd = (int32_t)w[2],
		.newfd = (int32_t)w[3],
	};

	switch (a->type) {
	case SPAWN_TEMPLATE_ACTION_CLOSE:
	case SPAWN_TEMPLATE_ACTION_FCHDIR:
		ok = a->fd >= 0 && !a->flags && !a->newfd && words_zero(w, 4);
		break;
	case SPAWN_TEMPLATE_ACTION_DUP2:
		ok = a->fd >= 0 && a->newfd >= 0 &&
		     !(a->flags & ~(uint32_t)O_CLOEXEC) && words_zero(w, 4);
		break;
	case SPAWN_TEMPLATE_ACTION_OPEN:
		ok = a->fd >= AT_FDCWD && a->newfd >= 0 && !a->flags &&
		     decode_open(w, strings, strings_len, &arg->open);
		a->arg = SPAWN_PTR(&arg->open);
		break;
	case SPAWN_TEMPLATE_ACTION_CLOSE_RANGE:
		ok = a->fd >= 0 && a->newfd >= -1 &&
		     (a->newfd < 0 || a->fd <= a->newfd) &&
		     !(a->flags & ~(SPAWN_CLOSE_RANGE_UNSHARE |
				    SPAWN_CLOSE_RANGE_CLOEXEC)) &&
		     words_zero(w, 4);
		break;
	case SPAWN_TEMPLATE_ACTION_SIGMASK:
	case SPAWN_TEMPLATE_ACTION_SIGDEFAULT:
		ok = !a->fd && !a->newfd && !a->flags && words_zero(w, 5);
		decode_sigset((uint64_t)w[4], arg);
		a->arg = SPAWN_PTR(&arg->sig.set);
		break;
	default:
		ok = false;
		break;
	}
	return ok ? 0 : -EINVAL;
}

static int decode_actions(const int64_t *actions, int32_t nactions,
			  const char *strings, int32_t strings_len,
			  struct spawn_actions *out, int32_t *bad_index)
{
	*bad_index = -1;
	if (nactions < 0 || strings_len < 0)
		return -EINVAL;
	if (nactions > SPAWN_MAX_ACTIONS)
		return -E2BIG;
	if (nactions > 0 && !actions)
		return -EINVAL;
	for (int32_t i = 0; i < nactions; i++) {
		int r = decode_action(actions + (size_t)i * SPAWN_ACTION_WORDS,
				      strings, strings_len, &out->act[i],
				      &out->arg[i]);
		if (r) {
			*bad_index = i;
			return r;
		}
	}
	return 0;
}

SPAWN_EXPORT int spawn_actions_check(const int64_t *actions, int32_t nactions,
				     const char *strings, int32_t strings_len,
				     int32_t *bad_index)
{
	struct spawn_actions decoded;
	int32_t bad;
	int r = decode_actions(actions, nactions, strings, strings_len,
			       &decoded, &bad);

	if (bad_index)
		*bad_index = bad;
	return r;
}

/* ------------------------------------------------------------------ */
/* argv/envp: packed NUL-terminated strings -> char *[] for execve.    */
/* ------------------------------------------------------------------ */

static void unpack_into(char **vec, const char *packed, int32_t count)
{
	for (int32_t i = 0; i < count; i++) {
		vec[i] = (char *)packed;
		packed += strlen(packed) + 1;
	}
	vec[count] = NULL;
}

/* One allocation holds argv then envp, so *envp_out = *vec_out + argc + 1.
 * It is built before the child exists: the child may not allocate. */
static int unpack_vectors(const char *argv, int32_t argc, const char *envp,
			  int32_t envc, char ***vec_out)
{
	char **vec;

	if (argc < 0 || envc < 0 || (argc && !argv) || (envc && !envp))
		return -EINVAL;
	vec = malloc(((size_t)argc + (size_t)envc + 2) * sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	unpack_into(vec, argv, argc);
	unpack_into(vec + argc + 1, envp, envc);
	*vec_out = vec;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Kernel templates.                                                   */
/* ------------------------------------------------------------------ */

SPAWN_EXPORT int spawn_kernel_create(int64_t nr_create, const char *path,
				     int32_t execfd)
{
	struct spawn_template_create_args args = {
		.flags = SPAWN_TEMPLATE_CREATE_CLOEXEC,
		.execfd = path ? -1 : execfd,
		.filename = SPAWN_PTR(path),
	};
	long fd;

	if ((path != NULL) == (execfd >= 0))
		return -EINVAL;
	fd = syscall(nr_create, &args, sizeof(args));
	return fd < 0 ? -errno : (int)fd;
}

static bool is_spawn_template(int fd)
{
	char proc[32], link[sizeof(TEMPLATE_LINK)];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link));
	return n == (ssize_t)sizeof(TEMPLATE_LINK) - 1 &&
	       !memcmp(link, TEMPLATE_LINK, (size_t)n);
}

/*
 * A syscall number is only a number: on a kernel where it means something
 * else, "success" proves nothing, hence the /proc check. When the check
 * fails the returned value is left alone: it may not be an fd we own, and
 * closing a JVM fd by accident is far worse than leaking one once.
 */
SPAWN_EXPORT int spawn_kernel_probe(int64_t nr_create, const char *elf_path)
{
	int fd = spawn_kernel_create(nr_create, elf_path, -1);

	if (fd < 0)
		return fd;
	if (!is_spawn_template(fd))
		return -EPROTO;
	close(fd);
	return 0;
}

SPAWN_EXPORT int spawn_kernel_spawn(int64_t nr_spawn, int32_t template_fd,
				    int32_t flags, const char *argv,
				    int32_t argc, const char *envp,
				    int32_t envc, const int64_t *actions,
				    int32_t nactions, const char *strings,
				    int32_t strings_len, int32_t *out)
{
	struct spawn_actions decoded;
	int32_t bad;
	char **vec;
	int pidfd = -1;
	long pid;
	int r, err;

	if (!out || (flags & ~SPAWN_FLAG_INHERIT_FDS))
		return -EINVAL;
	r = decode_actions(actions, nactions, strings, strings_len, &decoded,
			   &bad);
	if (r)
		return r;
	r = unpack_vectors(argv, argc, envp, envc, &vec);
	if (r)
		return r;

	struct spawn_template_spawn_args args = {
		.flags = (flags & SPAWN_FLAG_INHERIT_FDS) ?
				 SPAWN_TEMPLATE_SPAWN_INHERIT_FDS : 0,
		.pidfd = SPAWN_PTR(&pidfd),
		.argv = SPAWN_PTR(vec),
		.envp = SPAWN_PTR(vec + argc + 1),
		.actions = nactions ? SPAWN_PTR(decoded.act) : 0,
		.actions_len = (uint64_t)nactions,
	};
	pid = syscall(nr_spawn, template_fd, &args, sizeof(args));
	err = errno;
	free(vec);
	if (pid < 0)
		return -err;
	out[0] = (int32_t)pid;
	out[1] = pidfd;
	out[2] = -1;
	out[3] = 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Userspace templates: the held fd, its identity and its checks.      */
/* ------------------------------------------------------------------ */

/* What the kernel's spawn_template_file_exec_allowed() asks, from
 * userspace: a regular file, on an exec mount, that we may execute. One
 * call answers both of the last: faccessat(X_OK) fails with EACCES for a
 * regular file on a noexec mount. path is "" with AT_EMPTY_PATH for an fd. */
static int exec_allowed(int dirfd, const char *path, int flags,
			const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	if (faccessat(dirfd, path, X_OK, flags | AT_EACCESS))
		return errno == EACCES || errno == EPERM ? -EACCES : -errno;
	return 0;
}

static void identity_fill(const struct stat *st, int64_t *id)
{
	id[0] = (int64_t)st->st_dev;
	id[1] = (int64_t)st->st_ino;
	id[2] = (int64_t)st->st_size;
	id[3] = (int64_t)st->st_mode;
	id[4] = (int64_t)st->st_uid;
	id[5] = (int64_t)st->st_gid;
	id[6] = (int64_t)st->st_ctim.tv_sec;
	id[7] = (int64_t)st->st_ctim.tv_nsec;
	id[8] = (int64_t)st->st_mtim.tv_sec;
	id[9] = (int64_t)st->st_mtim.tv_nsec;
}

static bool identity_matches(const struct stat *st, const int64_t *id)
{
	int64_t cur[SPAWN_IDENTITY_WORDS];

	identity_fill(st, cur);
	return !memcmp(cur, id, sizeof(cur));
}

/* The kernel's key check for the held file: 0 when it is still the
 * recorded, executable file, -ESTALE when not, -errno when fstat fails. */
static int still_matches(int fd, const int64_t *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	return identity_matches(&st, id) &&
			       !exec_allowed(fd, "", AT_EMPTY_PATH, &st)
		       ? 0
		       : -ESTALE;
}

/* Reads the magic through the held fd's inode (never the path again, which
 * may already name another file). An execute-only file cannot be read;
 * calling it ELF lets the caller try the kernel or execveat, which can run
 * it, while a script could not run unreadable anyway. */
static int32_t sniff_kind(int held_fd)
{
	char proc[32];
	unsigned char magic[4];
	ssize_t n;
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", held_fd);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SPAWN_KIND_ELF;
	do
		n = pread(fd, magic, sizeof(magic), 0);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return SPAWN_KIND_ELF;
	if (n == 4 && !memcmp(magic, "\x7f" "ELF", 4))
		return SPAWN_KIND_ELF;
	if (n >= 2 && magic[0] == '#' && magic[1] == '!')
		return SPAWN_KIND_SCRIPT;
	return SPAWN_KIND_OTHER;
}

/*
 * An execfd is duplicated rather than reopened through /proc/self/fd: the
 * kernel template also pins the caller's very file (get_file), a dup needs
 * no /proc, and it keeps working for an execute-only file.
 */
SPAWN_EXPORT int spawn_user_create(const char *path, int32_t execfd,
				   int64_t *identity, int32_t *kind)
{
	struct stat st;
	int fd, r;

	if ((path != NULL) == (execfd >= 0) || !identity || !kind)
		return -EINVAL;
	if (path && path[0] != '/')
		return -EINVAL;
	fd = path ? open(path, O_PATH | O_CLOEXEC)
		  : fcntl(execfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = fstat(fd, &st) ? -errno : exec_allowed(fd, "", AT_EMPTY_PATH, &st);
	if (r) {
		close(fd);
		return r;
	}
	identity_fill(&st, identity);
	*kind = sniff_kind(fd);
	return fd;
}

/*
 * Mirrors the kernel's spawn_template_key_matches(): the path (followed like
 * open_exec follows it) and the held fd must both still be the recorded,
 * executable file. It runs before every spawn, so it makes three calls, not
 * eight: when the path's stat matches the recorded dev and ino, the held fd
 * is that very inode (the fd pins it, so the number cannot be reused) and
 * its stat would say the same; only its mount may differ, which faccessat
 * on the fd asks. A closed held fd is a caller bug, not a stale file, so it
 * says EBADF.
 */
SPAWN_EXPORT int spawn_user_check(const char *path, int32_t held_fd,
				  const int64_t *identity)
{
	struct stat st;
	int r;

	if (!identity)
		return -EINVAL;
	if (!path) {
		r = still_matches(held_fd, identity);
		return r == -EBADF || !r ? r : -ESTALE;
	}
	if (stat(path, &st) || !identity_matches(&st, identity) ||
	    exec_allowed(AT_FDCWD, path, 0, &st))
		return -ESTALE;
	r = exec_allowed(held_fd, "", AT_EMPTY_PATH, &st);
	return r == -EBADF || !r ? r : -ESTALE;
}

/* ------------------------------------------------------------------ */
/* The userspace child. Raw syscalls only, nothing allocated: see top. */
/* ------------------------------------------------------------------ */

/* The kernel's struct sigaction for rt_sigaction on x86_64. */
struct kernel_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	uint64_t mask;
};

struct child {
	const struct spawn_template_action *act;
	int32_t nactions;
	int32_t flags;
	const char *path;
	char *const *argv;
	char *const *envp;
	uint64_t mask;    /* the caller's signal mask */
	int32_t opts;     /* SPAWN_OPT_* */
	int32_t pgid;     /* for SPAWN_OPT_SETPGID */
	int32_t pdeathsig;
	int32_t caller;   /* the caller's pid (tgid), read before the clone */
	int held;         /* the exec fd's current number in the child */
	bool held_hidden; /* the caller's view of that number is "closed" */
	volatile int32_t fail_index;
	volatile int32_t fail_errno;
};

CHILD_FN static long sys_result(long r)
{
	return r == -1 ? -errno : r;
}

CHILD_FN static int exit_status_for(long err)
{
	switch (err) {
	case -ENOENT:
		return 127;
	case -EACCES:
	case -ENOEXEC:
		return 126;
	default:
		return 1;
	}
}

CHILD_FN static void child_fail(struct child *c, int32_t index, long err)
{
	c->fail_index = index;
	c->fail_errno = (int32_t)-err;
	syscall(SYS_exit, exit_status_for(err));
	__builtin_unreachable();
}

CHILD_FN static long set_default(int sig)
{
	struct kernel_sigaction dfl = { .handler = (unsigned long)SIG_DFL };

	return sys_result(syscall(SYS_rt_sigaction, sig, &dfl, NULL,
				  SPAWN_KERNEL_SIGSET_SIZE));
}

/* A caught signal would run a JVM handler on the JVM's memory. */
CHILD_FN static void reset_caught_signals(void)
{
	for (int sig = 1; sig <= 64; sig++) {
		struct kernel_sigaction old;

		if (syscall(SYS_rt_sigaction, sig, NULL, &old,
			    SPAWN_KERNEL_SIGSET_SIZE))
			continue;
		if (old.handler != (unsigned long)SIG_DFL &&
		    old.handler != (unsigned long)SIG_IGN)
			set_default(sig);
	}
}

CHILD_FN static long set_mask(uint64_t mask)
{
	return sys_result(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL,
				  SPAWN_KERNEL_SIGSET_SIZE));
}

CHILD_FN static bool is_hidden(const struct child *c, int fd)
{
	return c->held_hidden && fd == c->held;
}

/* Called before `target` gets a new file: if our exec fd sits there, it
 * moves out of the way first. */
CHILD_FN static long keep_held(struct child *c, int target)
{
	long fd;

	if (target != c->held)
		return 0;
	fd = sys_result(syscall(SYS_fcntl, c->held, F_DUPFD_CLOEXEC,
				HELD_FD_BASE));
	if (fd < 0)
		return fd;
	c->held = (int)fd;
	c->held_hidden = true;
	return 0;
}

CHILD_FN static long do_close(struct child *c, int fd)
{
	if (fd == c->held) {
		if (c->held_hidden)
			return -EBADF;
		c->held_hidden = true;
		return 0;
	}
	return sys_result(syscall(SYS_close, fd));
}

CHILD_FN static long do_dup2(struct child *c,
			     const struct spawn_template_action *a)
{
	long r;

	if (is_hidden(c, a->fd))
		return -EBADF;
	if (a->fd == a->newfd) {
		/* The kernel only checks the fd is open; FD_CLOEXEC stays. */
		if (a->flags)
			return -EINVAL;
		r = sys_result(syscall(SYS_fcntl, a->fd, F_GETFD));
		return r < 0 ? r : 0;
	}
	r = keep_held(c, a->newfd);
	if (r)
		return r;
	r = sys_result(syscall(SYS_dup3, a->fd, a->newfd, a->flags));
	return r < 0 ? r : 0;
}

CHILD_FN static long do_fchdir(struct child *c, int fd)
{
	if (is_hidden(c, fd))
		return -EBADF;
	return sys_result(syscall(SYS_fchdir, fd));
}

/* openat2, then install at newfd with O_CLOEXEC exactly when how.flags
 * asked for it, like the kernel's replace_fd(). */
CHILD_FN static long do_open(struct child *c,
			     const struct spawn_template_action *a)
{
	const struct spawn_template_open *o =
		(const struct spawn_template_open *)(uintptr_t)a->arg;
	long tmp, r;

	if (is_hidden(c, a->fd))
		return -EBADF;
	r = keep_held(c, a->newfd);
	if (r)
		return r;
	tmp = sys_result(syscall(SYS_openat2, a->fd,
				 (const char *)(uintptr_t)o->path, &o->how,
				 sizeof(o->how)));
	if (tmp < 0 || tmp == a->newfd)
		return tmp < 0 ? tmp : 0;
	r = sys_result(syscall(SYS_dup3, tmp, a->newfd,
			       (o->how.flags & O_CLOEXEC) ? O_CLOEXEC : 0));
	syscall(SYS_close, tmp);
	return r < 0 ? r : 0;
}

CHILD_FN static long close_range_raw(unsigned int lo, unsigned int hi,
				     unsigned int flags)
{
	return sys_result(syscall(SYS_close_range, lo, hi, flags));
}

/* Our exec fd is close-on-exec already, so only a real close must avoid
 * it; the range is split around it and, for the caller, it is now closed. */
CHILD_FN static long do_close_range(struct child *c,
				    const struct spawn_template_action *a)
{
	unsigned int lo = (unsigned int)a->fd;
	unsigned int hi = a->newfd == -1 ? ~0U : (unsigned int)a->newfd;
	unsigned int held = (unsigned int)c->held;
	long r = 0;

	if ((a->flags & SPAWN_CLOSE_RANGE_CLOEXEC) || held < lo || held > hi)
		return close_range_raw(lo, hi, a->flags);
	if (held > lo)
		r = close_range_raw(lo, held - 1, a->flags);
	if (!r && held < hi)
		r = close_range_raw(held + 1, hi, a->flags);
	c->held_hidden = true;
	return r;
}

CHILD_FN static long read_sigset(const struct spawn_template_action *a,
				 uint64_t *mask)
{
	const struct spawn_template_sigset *s =
		(const struct spawn_template_sigset *)(uintptr_t)a->arg;

	if (s->sigsetsize != SPAWN_KERNEL_SIGSET_SIZE)
		return -EINVAL;
	*mask = *(const uint64_t *)(uintptr_t)s->sigset &
		~(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP));
	return 0;
}

/* The kernel walks 1.._NSIG-1, so signal 64 is never reset; so do we. */
CHILD_FN static long do_sigdefault(uint64_t mask)
{
	for (int sig = 1; sig < 64; sig++) {
		long r;

		if (!(mask & SIG_BIT(sig)))
			continue;
		r = set_default(sig);
		if (r)
			return r;
	}
	return 0;
}

CHILD_FN static long apply_action(struct child *c,
				  const struct spawn_template_action *a)
{
	uint64_t mask;
	long r;

	switch (a->type) {
	case SPAWN_TEMPLATE_ACTION_CLOSE:
		return do_close(c, a->fd);
	case SPAWN_TEMPLATE_ACTION_DUP2:
		return do_dup2(c, a);
	case SPAWN_TEMPLATE_ACTION_FCHDIR:
		return do_fchdir(c, a->fd);
	case SPAWN_TEMPLATE_ACTION_OPEN:
		return do_open(c, a);
	case SPAWN_TEMPLATE_ACTION_CLOSE_RANGE:
		return do_close_range(c, a);
	case SPAWN_TEMPLATE_ACTION_SIGMASK:
	case SPAWN_TEMPLATE_ACTION_SIGDEFAULT:
		r = read_sigset(a, &mask);
		if (r)
			return r;
		if (a->type == SPAWN_TEMPLATE_ACTION_SIGMASK)
			return set_mask(mask);
		return do_sigdefault(mask);
	default:
		return -EINVAL;
	}
}

/* setsid/setpgid, then the parent-death signal with the check for a
 * caller that died before prctl could take effect. */
CHILD_FN static void apply_options(struct child *c)
{
	long r;

	if (c->opts & SPAWN_OPT_SETSID) {
		r = sys_result(syscall(SYS_setsid));
		if (r < 0)
			child_fail(c, SPAWN_FAIL_SETSID, r);
	}
	if (c->opts & SPAWN_OPT_SETPGID) {
		r = sys_result(syscall(SYS_setpgid, 0, c->pgid));
		if (r < 0)
			child_fail(c, SPAWN_FAIL_SETPGID, r);
	}
	if (c->opts & SPAWN_OPT_PDEATHSIG) {
		r = sys_result(syscall(SYS_prctl, PR_SET_PDEATHSIG,
				       (unsigned long)c->pdeathsig, 0UL, 0UL,
				       0UL));
		if (r < 0)
			child_fail(c, SPAWN_FAIL_PDEATHSIG, r);
		if (syscall(SYS_getppid) != c->caller)
			syscall(SYS_exit, 1);
	}
}

CHILD_FN static int child_main(void *arg)
{
	struct child *c = arg;
	long r;

	reset_caught_signals();
	apply_options(c);
	set_mask(c->mask);
	for (int32_t i = 0; i < c->nactions; i++) {
		r = apply_action(c, &c->act[i]);
		if (r)
			child_fail(c, i, r);
	}
	if (!(c->flags & SPAWN_FLAG_INHERIT_FDS)) {
		r = close_range_raw(3, ~0U, SPAWN_CLOSE_RANGE_CLOEXEC);
		if (r)
			child_fail(c, c->nactions, r);
	}
	if (c->flags & SPAWN_FLAG_EXEC_BY_PATH)
		r = syscall(SYS_execve, c->path, c->argv, c->envp);
	else
		r = syscall(SYS_execveat, c->held, "", c->argv, c->envp,
			    AT_EMPTY_PATH);
	child_fail(c, -1, sys_result(r));
	return 127;
}

/* ------------------------------------------------------------------ */
/* The userspace spawn, caller side.                                   */
/* ------------------------------------------------------------------ */

static void block_all_signals(uint64_t *old)
{
	uint64_t all = ~0ULL;

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old,
		SPAWN_KERNEL_SIGSET_SIZE);
}

static void restore_signals(uint64_t mask)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL,
		SPAWN_KERNEL_SIGSET_SIZE);
}

static void reap(int pidfd)
{
	siginfo_t info;

	while (waitid(SPAWN_P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0 &&
	       errno == EINTR)
		;
}

/* clone with the child's stack in this frame: the caller sleeps until the
 * child has exec'd or exited (CLONE_VFORK), so the frame outlives it. */
static int clone_child(struct child *c, int *pidfd)
{
	_Alignas(16) char stack[CHILD_STACK_SIZE];
	int pid, err;

	block_all_signals(&c->mask);
	pid = clone(child_main, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, c, pidfd);
	err = errno;
	restore_signals(c->mask);
	return pid < 0 ? -err : pid;
}

SPAWN_EXPORT int spawn_user_spawn(int32_t held_fd, const char *path,
				  const int64_t *identity, int32_t flags,
				  const char *argv, int32_t argc,
				  const char *envp, int32_t envc,
				  const int64_t *actions, int32_t nactions,
				  const char *strings, int32_t strings_len,
				  int32_t *out)
{
	return spawn_user_spawn_opts(held_fd, path, identity, flags, argv,
				     argc, envp, envc, actions, nactions,
				     strings, strings_len, NULL, out);
}

static bool options_valid(const int32_t *opts)
{
	const int32_t known = SPAWN_OPT_SETSID | SPAWN_OPT_SETPGID |
			      SPAWN_OPT_PDEATHSIG;

	if (!opts)
		return true;
	if ((opts[0] & ~known) || opts[3])
		return false;
	if ((opts[0] & SPAWN_OPT_SETSID) && (opts[0] & SPAWN_OPT_SETPGID))
		return false;
	if (opts[1] < 0 || (opts[1] && !(opts[0] & SPAWN_OPT_SETPGID)))
		return false;
	if (opts[0] & SPAWN_OPT_PDEATHSIG)
		return opts[2] >= 1 && opts[2] <= 64;
	return opts[2] == 0;
}

SPAWN_EXPORT int spawn_user_spawn_opts(int32_t held_fd, const char *path,
				       const int64_t *identity, int32_t flags,
				       const char *argv, int32_t argc,
				       const char *envp, int32_t envc,
				       const int64_t *actions,
				       int32_t nactions, const char *strings,
				       int32_t strings_len,
				       const int32_t *opts, int32_t *out)
{
	struct spawn_actions decoded;
	struct child c;
	int32_t bad;
	char **vec;
	int pidfd = -1;
	int pid, r;

	if (!out ||
	    (flags & ~(SPAWN_FLAG_INHERIT_FDS | SPAWN_FLAG_EXEC_BY_PATH)) ||
	    ((flags & SPAWN_FLAG_EXEC_BY_PATH) && !path) ||
	    !options_valid(opts))
		return -EINVAL;
	r = decode_actions(actions, nactions, strings, strings_len, &decoded,
			   &bad);
	if (r)
		return r;
	r = spawn_user_check(path, held_fd, identity);
	if (r)
		return r;
	r = unpack_vectors(argv, argc, envp, envc, &vec);
	if (r)
		return r;

	c = (struct child){
		.act = decoded.act,
		.nactions = nactions,
		.flags = flags,
		.path = path,
		.argv = vec,
		.envp = vec + argc + 1,
		.held = held_fd,
		.opts = opts ? opts[0] : 0,
		.pgid = opts ? opts[1] : 0,
		.pdeathsig = opts ? opts[2] : 0,
		.caller = (int32_t)getpid(),
	};
	pid = clone_child(&c, &pidfd);
	free(vec);
	if (pid < 0)
		return pid;

	out[0] = pid;
	out[1] = pidfd;
	out[2] = -1;
	out[3] = 0;
	if (!c.fail_errno)
		return 0;
	reap(pidfd);
	close(pidfd);
	out[1] = -1;
	out[2] = c.fail_index;
	out[3] = c.fail_errno;
	return -c.fail_errno;
}

/* ------------------------------------------------------------------ */
/* Processes, fds and the reaper.                                      */
/* ------------------------------------------------------------------ */

SPAWN_EXPORT int spawn_wait(int32_t pidfd, int32_t flags, int32_t *out)
{
	siginfo_t info;
	int r;

	if (!out || (flags & ~(SPAWN_WAIT_NOHANG | SPAWN_WAIT_NOWAIT)))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	do
		r = waitid(SPAWN_P_PIDFD, (id_t)pidfd, &info,
			   WEXITED |
				   ((flags & SPAWN_WAIT_NOHANG) ? WNOHANG : 0) |
				   ((flags & SPAWN_WAIT_NOWAIT) ? WNOWAIT : 0));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	out[0] = 0;
	out[1] = 0;
	if (info.si_pid == 0)
		return 0;
	switch (info.si_code) {
	case CLD_EXITED:
		out[0] = SPAWN_EXITED;
		break;
	case CLD_KILLED:
	case CLD_DUMPED:
		out[0] = SPAWN_SIGNALED;
		break;
	default:
		return -EPROTO;
	}
	out[1] = info.si_status;
	return 1;
}

SPAWN_EXPORT int spawn_signal(int32_t pidfd, int32_t sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno
								     : 0;
}

SPAWN_EXPORT int spawn_kill_group(int32_t pgid, int32_t sig)
{
	if (pgid <= 1 || sig < 0 || sig > 64)
		return -EINVAL;
	return kill(-(pid_t)pgid, sig) ? -errno : 0;
}

SPAWN_EXPORT int spawn_pidfd_open(int32_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : (int)fd;
}

SPAWN_EXPORT int spawn_pipe(int32_t *fds)
{
	int p[2];

	if (!fds)
		return -EINVAL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fds[0] = p[0];
	fds[1] = p[1];
	return 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	return 0;
}

SPAWN_EXPORT int spawn_pipe2(int32_t *fds, int32_t nonblock)
{
	int p[2], r = 0;

	if (!fds || (nonblock & ~(SPAWN_PIPE_NONBLOCK_READ |
				  SPAWN_PIPE_NONBLOCK_WRITE)))
		return -EINVAL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	if (nonblock & SPAWN_PIPE_NONBLOCK_READ)
		r = set_nonblock(p[0]);
	if (!r && (nonblock & SPAWN_PIPE_NONBLOCK_WRITE))
		r = set_nonblock(p[1]);
	if (r) {
		close(p[0]);
		close(p[1]);
		return r;
	}
	fds[0] = p[0];
	fds[1] = p[1];
	return 0;
}

SPAWN_EXPORT int spawn_open(const char *path, int32_t flags, int32_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, (mode_t)mode);

	return fd < 0 ? -errno : fd;
}

/* On Linux the fd is gone even when close() reports EINTR; retrying could
 * close an fd another thread just opened. */
SPAWN_EXPORT int spawn_close(int32_t fd)
{
	if (close(fd) && errno != EINTR)
		return -errno;
	return 0;
}

SPAWN_EXPORT int64_t spawn_read(int32_t fd, void *buf, int64_t len)
{
	ssize_t n;

	if (len < 0 || (len && !buf))
		return -EINVAL;
	do
		n = read(fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

SPAWN_EXPORT int64_t spawn_write(int32_t fd, const void *buf, int64_t len)
{
	ssize_t n;

	if (len < 0 || (len && !buf))
		return -EINVAL;
	do
		n = write(fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

SPAWN_EXPORT int spawn_epoll_create(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

SPAWN_EXPORT int spawn_epoll_add(int32_t epfd, int32_t fd, int64_t token)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = (uint64_t)token;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

SPAWN_EXPORT int spawn_epoll_add_events(int32_t epfd, int32_t fd,
					int32_t events, int64_t token)
{
	struct epoll_event ev = { 0 };

	if (!events || (events & ~(SPAWN_EPOLL_IN | SPAWN_EPOLL_OUT)))
		return -EINVAL;
	ev.events = ((events & SPAWN_EPOLL_IN) ? EPOLLIN : 0) |
		    ((events & SPAWN_EPOLL_OUT) ? EPOLLOUT : 0);
	ev.data.u64 = (uint64_t)token;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

SPAWN_EXPORT int spawn_epoll_del(int32_t epfd, int32_t fd)
{
	return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) ? -errno : 0;
}

/* At most EPOLL_BATCH tokens per call: level-triggered, so whatever is left
 * is reported again by the next call. */
SPAWN_EXPORT int spawn_epoll_wait(int32_t epfd, int64_t *tokens, int32_t max,
				  int32_t timeout_ms)
{
	struct epoll_event ev[EPOLL_BATCH];
	int n;

	if (!tokens || max <= 0)
		return -EINVAL;
	n = epoll_wait(epfd, ev, max < EPOLL_BATCH ? max : EPOLL_BATCH,
		       timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++)
		tokens[i] = (int64_t)ev[i].data.u64;
	return n;
}

SPAWN_EXPORT int spawn_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

SPAWN_EXPORT int spawn_eventfd_signal(int32_t fd)
{
	uint64_t one = 1;
	ssize_t n;

	do
		n = write(fd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

SPAWN_EXPORT int spawn_eventfd_drain(int32_t fd)
{
	uint64_t value;
	ssize_t n;

	do
		n = read(fd, &value, sizeof(value));
	while (n < 0 && errno == EINTR);
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

SPAWN_EXPORT int spawn_available(int32_t fd)
{
	int n;

	if (ioctl(fd, FIONREAD, &n))
		return -errno;
	return n;
}

SPAWN_EXPORT int spawn_poll_in(int32_t fd, int32_t timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r = poll(&pfd, 1, timeout_ms);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r > 0 && (pfd.revents & POLLNVAL))
		return -EBADF;
	return r;
}
