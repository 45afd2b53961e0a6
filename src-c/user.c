/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract,
 * internal.h for how the shim is split, and child.c for why the
 * userspace child is written the way it is.
 *
 * This file: userspace templates (spawn_user_*): the held O_PATH fd, the
 * identity and exec checks that stand in for the kernel's, and the caller
 * side of the userspace spawn. The child itself is in child.c.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "uapi.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Userspace templates: the held fd, its identity and its checks.      */
/* ------------------------------------------------------------------ */

/* What the kernel's spawn_template_file_exec_allowed() asks, from
 * userspace: a regular file, on an exec mount, that we may execute. One
 * call answers both of the last: faccessat(X_OK) fails with EACCES for a
 * regular file on a noexec mount. path is "" with AT_EMPTY_PATH for an fd.
 * Any other error passes through: for X_OK, EPERM (or ENOSYS) comes only
 * from a seccomp filter or an LSM refusing faccessat2 itself, and calling
 * that EACCES would blame a file the caller may well execute. */
static int exec_allowed(int dirfd, const char *path, int flags,
			const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	if (faccessat(dirfd, path, X_OK, flags | AT_EACCESS))
		return -errno;
	return 0;
}

/* Which of exec_allowed()'s checks said EACCES for the file held by fd, for
 * the caller's message. The fd pins the file and its mount, so this asks
 * about the very file that was refused; it runs only on that failure. */
static int32_t denied_why(int fd, const struct stat *st)
{
	struct statvfs vfs;

	if (!S_ISREG(st->st_mode))
		return SPAWN_DENIED_NOT_REGULAR;
	if (!fstatvfs(fd, &vfs) && (vfs.f_flag & ST_NOEXEC))
		return SPAWN_DENIED_NOEXEC_MOUNT;
	return SPAWN_DENIED_NOT_EXECUTABLE;
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

/* pread of the first bytes, -errno on failure. */
static ssize_t read_magic(int fd, unsigned char *magic, size_t len)
{
	ssize_t n;

	do
		n = pread(fd, magic, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* The held file opened for reading: through /proc/self/fd (its very inode,
 * never the path, which may already name another file) or, where /proc is
 * not mounted (a chroot, a sandbox), through the path once it is shown to be
 * the same inode. -errno when neither opens. */
static int open_held_for_reading(int held_fd, const char *path,
				 const struct stat *held)
{
	char proc[32];
	struct stat st;
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", held_fd);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT || !path)
		return fd >= 0 ? fd : -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_dev != held->st_dev ||
	    st.st_ino != held->st_ino) {
		close(fd);
		/* replaced meanwhile: the next check finds the path stale */
		return -ENOENT;
	}
	return fd;
}

/* The SPAWN_KIND_* of the held file from its first bytes, or -errno. A
 * readable execfd is read directly. An execute-only file cannot be read;
 * calling it ELF lets the caller try the kernel or execveat, which can run
 * it, while a script could not run unreadable anyway. ENOENT is taken for
 * ELF too: either the path no longer names the held file (the next check
 * finds it stale and the template is made again) or an execfd has no
 * /proc to be read through. Any other failure (EMFILE, say) fails the
 * create: calling a script ELF would make its every spawn fail with a
 * false ENOENT, as execveat cannot run a script from a close-on-exec fd. */
static int32_t sniff_kind(int held_fd, const char *path,
			  const struct stat *held)
{
	unsigned char magic[4];
	ssize_t n;
	int fd;

	n = read_magic(held_fd, magic, sizeof(magic));
	if (n == -EBADF) {
		/* an O_PATH fd: read it through another open file */
		fd = open_held_for_reading(held_fd, path, held);
		n = fd < 0 ? fd : read_magic(fd, magic, sizeof(magic));
		if (fd >= 0)
			close(fd);
	}
	if (n == -EACCES || n == -EPERM || n == -ENOENT)
		return SPAWN_KIND_ELF;
	if (n < 0)
		return (int32_t)n;
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
	if (fd < 0) {
		/* O_PATH checks no permission of the file itself: an EACCES
		 * is the lookup's, refused a directory on the way (or, rarely,
		 * a symlink by fs.protected_symlinks) */
		r = -errno;
		if (r == -EACCES)
			*kind = path ? SPAWN_DENIED_SEARCH : SPAWN_DENIED_UNKNOWN;
		return r;
	}
	if (fstat(fd, &st)) {
		/* an LSM may refuse even the getattr of an O_PATH fd: with no
		 * stat there is no check to name, and st is not to be read */
		r = -errno;
		if (r == -EACCES)
			*kind = SPAWN_DENIED_UNKNOWN;
		close(fd);
		return r;
	}
	r = exec_allowed(fd, "", AT_EMPTY_PATH, &st);
	if (r) {
		if (r == -EACCES)
			*kind = denied_why(fd, &st);
		close(fd);
		return r;
	}
	r = sniff_kind(fd, path, &st);
	if (r < 0) {
		close(fd);
		return r;
	}
	identity_fill(&st, identity);
	*kind = r;
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
 * says EBADF. A relative path is refused as spawn_user_create refuses it:
 * the child's FCHDIR would make an exec by path run another file than the
 * one checked here.
 */
SPAWN_EXPORT int spawn_user_check(const char *path, int32_t held_fd,
				  const int64_t *identity)
{
	struct stat st;
	int r;

	if (!identity || (path && path[0] != '/'))
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
/* The userspace spawn, caller side.                                   */
/* ------------------------------------------------------------------ */

static void reap(int pidfd)
{
	siginfo_t info;

	while (waitid(SPAWN_P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0 &&
	       errno == EINTR)
		;
}

SPAWN_EXPORT int spawn_user_spawn(int32_t held_fd, const char *path,
				  const int64_t *identity, int32_t flags,
				  const char *argv, int32_t argv_len,
				  int32_t argc, const char *envp,
				  int32_t envp_len, int32_t envc,
				  const int64_t *actions, int32_t nactions,
				  const char *strings, int32_t strings_len,
				  int32_t *out)
{
	return spawn_user_spawn_opts(held_fd, path, identity, flags, argv,
				     argv_len, argc, envp, envp_len, envc,
				     actions, nactions,
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
				       const char *argv, int32_t argv_len,
				       int32_t argc, const char *envp,
				       int32_t envp_len, int32_t envc,
				       const int64_t *actions,
				       int32_t nactions, const char *strings,
				       int32_t strings_len,
				       const int32_t *opts, int32_t *out)
{
	struct spawn_actions decoded;
	struct child c;
	int32_t bad;
	char **vec;
	char *const *env;
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
	r = unpack_vectors(argv, argv_len, argc, envp, envp_len, envc, &vec,
			   &env);
	if (r)
		return r;

	c = (struct child){
		.act = decoded.act,
		.nactions = nactions,
		.flags = flags,
		.path = path,
		.argv = vec,
		.envp = env,
		.held = flags & SPAWN_FLAG_EXEC_BY_PATH ? -1 : held_fd,
		.opts = opts ? opts[0] : 0,
		.pgid = opts ? opts[1] : 0,
		.pdeathsig = opts ? opts[2] : 0,
		/* only the parent-death check reads it: one getpid less a spawn */
		.caller = opts && (opts[0] & SPAWN_OPT_PDEATHSIG) ?
			(int32_t)getpid() : 0,
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
/* Whether this process may make the calls a userspace spawn needs.    */
/* ------------------------------------------------------------------ */

/*
 * A kernel new enough for them can still refuse them: a seccomp filter
 * older than the calls (container runtimes' default profiles answered
 * close_range and openat2 with EPERM or ENOSYS for years) fails every
 * spawn in the child, where no fallback can see why. probe_calls (child.c)
 * makes both, as no-ops, in a child of their own.
 */
SPAWN_EXPORT int spawn_user_probe(int32_t *refused)
{
	if (!refused)
		return -EINVAL;
	*refused = 0;
	return probe_calls(refused);
}
