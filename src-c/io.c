/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract,
 * internal.h for how the shim is split, and child.c for why the
 * userspace child is written the way it is.
 *
 * This file: processes (wait, signal, pidfd), pipes and other fds, and the
 * epoll and eventfd helpers.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define EPOLL_BATCH 64

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

/*
 * The fd moved off 0, 1 and 2, or -errno. The pipes and files made here are
 * handed to children with DUP2, and a JVM may run with a standard stream
 * closed: a pipe landing on its own target number would get DUP2 onto itself,
 * which (in the RFC and in our child, which mirrors it) keeps FD_CLOEXEC, so
 * the child would lose it at exec; and one landing on another stream's number
 * would be overwritten by that stream's DUP2 before its own.
 */
static int above_stdio(int fd)
{
	int moved, err;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	err = errno;
	close(fd);
	return moved < 0 ? -err : moved;
}

SPAWN_EXPORT int spawn_pipe(int32_t *fds)
{
	return spawn_pipe2(fds, 0);
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
	p[0] = above_stdio(p[0]);
	p[1] = above_stdio(p[1]);
	if (p[0] < 0 || p[1] < 0)
		r = p[0] < 0 ? p[0] : p[1];
	if (!r && (nonblock & SPAWN_PIPE_NONBLOCK_READ))
		r = set_nonblock(p[0]);
	if (!r && (nonblock & SPAWN_PIPE_NONBLOCK_WRITE))
		r = set_nonblock(p[1]);
	if (r) {
		if (p[0] >= 0)
			close(p[0]);
		if (p[1] >= 0)
			close(p[1]);
		return r;
	}
	fds[0] = p[0];
	fds[1] = p[1];
	return 0;
}

SPAWN_EXPORT int spawn_open(const char *path, int32_t flags, int32_t mode)
{
	struct stat st;
	int fd = open(path, flags | O_CLOEXEC, (mode_t)mode);

	if (fd < 0)
		return -errno;
	fd = above_stdio(fd);
	if (fd < 0)
		return fd;
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_DIRECTORY) &&
	    !fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	return fd;
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

static int poll_one(int32_t fd, short events, int32_t timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r = poll(&pfd, 1, timeout_ms);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r > 0 && (pfd.revents & POLLNVAL))
		return -EBADF;
	return r;
}

SPAWN_EXPORT int spawn_poll_in(int32_t fd, int32_t timeout_ms)
{
	return poll_one(fd, POLLIN, timeout_ms);
}

SPAWN_EXPORT int spawn_poll_out(int32_t fd, int32_t timeout_ms)
{
	return poll_one(fd, POLLOUT, timeout_ms);
}
