/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract and
 * internal.h for how the shim is split.
 *
 * This file: the userspace child and its start (clone_child); the caller
 * side of spawn_user_spawn is in user.c.
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
 * decoded actions) and, besides its stack, writes only its struct child:
 * the held fd's bookkeeping, which the caller never reads, and the failure
 * record. It shares the caller's TLS too; its errno writes land in the
 * caller's errno slot, which the caller heeds only when the clone itself
 * failed. The child functions are built without AddressSanitizer: ASan's
 * shadow bookkeeping for a frame on a borrowed stack in a second process
 * is not something to rely on, and raw syscalls are never intercepted.
 * Nor with UBSan's checks, whose reports take locks and use stdio, which
 * the child must not.
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
 * the file that was checked is the file that runs (with
 * SPAWN_FLAG_EXEC_BY_PATH the path is exec'd instead, after the same check,
 * where the child's name must come from it). The kernel keeps its
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
 * Exec'ing by path, the child never uses the fd (the identity check ran in
 * the caller, before the clone), so it keeps none: the number is left to
 * the actions like any of the caller's fds, nothing is moved or hidden, and
 * a full fd table cannot fail a move that the kernel would never make.
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
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHILD_STACK_SIZE (32 * 1024)
/* probe_main makes a few calls in one frame */
#define PROBE_STACK_SIZE (8 * 1024)
/* Where a displaced held fd goes: above stdio and the fds callers usually
 * dup2 into, so it rarely has to move twice. */
#define HELD_FD_BASE 10
#define SIG_BIT(sig) (1ULL << ((sig) - 1))

#define CHILD_FN __attribute__((no_sanitize("address", "undefined")))

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
 * moves out of the way first. Where no number from HELD_FD_BASE can be had
 * (RLIMIT_NOFILE at or below it, or all taken) any free one above stdio
 * will do, as the kernel's dup2 or open onto `target` would not fail there.
 * With no free number at all the move fails (EMFILE) where the kernel's
 * would not: the price of keeping our fd in the caller's table. */
CHILD_FN static long keep_held(struct child *c, int target)
{
	long fd;

	if (target != c->held)
		return 0;
	fd = sys_result(syscall(SYS_fcntl, c->held, F_DUPFD_CLOEXEC,
				HELD_FD_BASE));
	if (fd < 0)
		fd = sys_result(syscall(SYS_fcntl, c->held, F_DUPFD_CLOEXEC,
					3));
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

	if ((a->flags & SPAWN_CLOSE_RANGE_CLOEXEC) || c->held < 0 ||
	    held < lo || held > hi)
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
	char *const *envp;
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
	envp = c->envp ? c->envp : inherited_environ();
	if (c->flags & SPAWN_FLAG_EXEC_BY_PATH)
		r = syscall(SYS_execve, c->path, c->argv, envp);
	else
		r = syscall(SYS_execveat, c->held, "", c->argv, envp,
			    AT_EMPTY_PATH);
	child_fail(c, -1, sys_result(r));
	return 127;
}

/* ------------------------------------------------------------------ */
/* Starting the child, caller side.                                   */
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

/* clone with the child's stack in this frame: the caller sleeps until the
 * child has exec'd or exited (CLONE_VFORK), so the frame outlives it. */
int clone_child(struct child *c, int *pidfd)
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

/* ------------------------------------------------------------------ */
/* The probe children: the calls every userspace child makes, made once. */
/* ------------------------------------------------------------------ */

/* Exits with the errno of the call (0 when it passed). The fd openat2
 * returns is this child's own; its exit closes it. */
CHILD_FN static int probe_main(void *arg)
{
	int which = *(const int *)arg;
	struct spawn_open_how how = { .flags = O_PATH | O_CLOEXEC };
	long r;

	/* a filter that kills dumps core: not this copy of the caller's memory */
	syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* a trapping filter's SIGSYS must end this child, not run a handler */
	set_default(SIGSYS);
	if (which == SPAWN_PROBE_CLOSE_RANGE)
		r = close_range_raw(~0U, ~0U, SPAWN_CLOSE_RANGE_CLOEXEC);
	else
		r = sys_result(syscall(SYS_openat2, AT_FDCWD, "/", &how,
				       sizeof(how)));
	syscall(SYS_exit, r < 0 ? (int)(-r > 255 ? 255 : -r) : 0);
	return 0;
}

/*
 * One call in a child of its own, as a filter may kill rather than refuse
 * (SECCOMP_RET_KILL_PROCESS, TRAP: systemd's SystemCallFilter= kills by
 * default). Not CLONE_VM: a kill dumps core, and before Linux 5.16 the dump
 * first kills every process sharing the memory, the caller too. The copy
 * costs page tables once per JVM.
 */
static int probe_one(int which, int32_t *refused)
{
	_Alignas(16) char stack[PROBE_STACK_SIZE];
	int32_t status[2];
	uint64_t mask;
	int pid, pidfd = -1, err, r;

	block_all_signals(&mask);
	pid = clone(probe_main, stack + sizeof(stack), CLONE_PIDFD | SIGCHLD,
		    &which, &pidfd);
	err = errno;
	restore_signals(mask);
	if (pid < 0)
		return -err;
	r = spawn_wait(pidfd, 0, status);
	close(pidfd);
	if (r < 0) {
		*refused = SPAWN_PROBE_WAIT;
		return r;
	}
	if (status[0] != SPAWN_EXITED) {
		*refused = which | SPAWN_PROBE_KILLED;
		return -EPERM;
	}
	if (status[1])
		*refused = which;
	return -status[1];
}

/* 0 when both calls passed; else -errno with *refused saying which failed
 * (SPAWN_PROBE_*), or SPAWN_PROBE_WAIT when the child could not be waited
 * for (SIGCHLD ignored: nothing here could wait for a spawned child). */
int probe_calls(int32_t *refused)
{
	int r = probe_one(SPAWN_PROBE_CLOSE_RANGE, refused);

	return r ? r : probe_one(SPAWN_PROBE_OPENAT2, refused);
}
