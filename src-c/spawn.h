/*
 * libspawn: the native shim behind dev.spawn (Java, through JNA direct mapping).
 *
 * Contract for every entry point: it returns a value >= 0 on success or
 * -errno on failure. errno is never read across the JNA boundary. Only
 * primitives, flat arrays and NUL-terminated byte strings cross it, so one
 * spawn is one native call whatever the number of actions.
 *
 * Flat encodings shared with Java (dev.spawn.linux.NativeSpawn):
 *  - strings: "argv/envp" are `count` NUL-terminated strings packed back to
 *    back in one buffer of `len` bytes (bytes after the last are ignored).
 *    A string that does not end inside the buffer is -EINVAL, so a wrong
 *    count can never make the shim read past what Java handed over.
 *  - actions: SPAWN_ACTION_WORDS int64 words per action:
 *      [0] type   (SPAWN_TEMPLATE_ACTION_*)
 *      [1] flags  (u32)
 *      [2] fd     (s32)
 *      [3] newfd  (s32)
 *      [4] OPEN: byte offset of the NUL-terminated path in `strings`;
 *          SIGMASK/SIGDEFAULT: the 64-bit kernel sigset (signal n = bit n-1)
 *      [5] OPEN: open_how.flags   [6] OPEN: open_how.mode
 *      [7] OPEN: open_how.resolve
 *    Words that an action type does not use must be 0.
 *  - result: int32 out[SPAWN_RESULT_WORDS] = { pid, pidfd, failed action
 *    index (-1: the exec itself, SPAWN_FAIL_*: a child option), errno of
 *    the failure in the child }.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <stdint.h>

#define SPAWN_EXPORT __attribute__((visibility("default")))

#define SPAWN_ACTION_WORDS 8
#define SPAWN_MAX_ACTIONS 256
#define SPAWN_RESULT_WORDS 4
#define SPAWN_IDENTITY_WORDS 10
/* envc for "the caller's environment as it is" (environ, with envp NULL
 * and envp_len 0), read at the exec (userspace) or the spawn call (kernel):
 * what the JDK's child gives the program, including what native code
 * changed with setenv. */
#define SPAWN_ENV_INHERIT (-1)

/* spawn flags (both backends) */
#define SPAWN_FLAG_INHERIT_FDS 0x1
/* userspace only: exec by path instead of execveat on the held fd (scripts,
 * and ELFs whose child must be named after the path) */
#define SPAWN_FLAG_EXEC_BY_PATH 0x2

/* spawn_user_create: what it found out about the executable */
#define SPAWN_KIND_ELF 0
#define SPAWN_KIND_SCRIPT 1
#define SPAWN_KIND_OTHER 2

/* spawn_user_create: on -EACCES, which check refused the file, in *kind:
 * the open (a directory on the path may not be searched), or the file is
 * not regular, is on a noexec mount, or is not the caller's to execute;
 * SPAWN_DENIED_UNKNOWN when no check can say (the fstat of the file was
 * itself refused, by an LSM say). On any other error *kind is left as it
 * was. */
#define SPAWN_DENIED_UNKNOWN 0
#define SPAWN_DENIED_SEARCH 1
#define SPAWN_DENIED_NOT_REGULAR 2
#define SPAWN_DENIED_NOEXEC_MOUNT 3
#define SPAWN_DENIED_NOT_EXECUTABLE 4

/* spawn_wait: wait flags and results */
#define SPAWN_WAIT_NOHANG 0x1
/* WNOWAIT: report the status but leave the child a zombie, so its pid (and
 * the process group it leads) stays reserved until a later wait reaps it. */
#define SPAWN_WAIT_NOWAIT 0x2
#define SPAWN_EXITED 1
#define SPAWN_SIGNALED 2

/*
 * Decodes `nactions` flat actions into the kernel's structs, checking each
 * exactly as spawn_template_spawn() does. Exposed so Java and the C tests can
 * validate without spawning. Returns 0, -EINVAL (with *bad_index set) or
 * -E2BIG (*bad_index = -1; bad_index may be NULL). Like the kernel, it
 * accepts DUP2 with fd == newfd and O_CLOEXEC: that fails in the child
 * (EINVAL), not here.
 */
SPAWN_EXPORT int spawn_actions_check(const int64_t *actions, int32_t nactions,
				     const char *strings, int32_t strings_len,
				     int32_t *bad_index);

/* ---- kernel templates (RFC syscalls; numbers are parameters) ---- */

/*
 * Proves the kernel path: creates a template for `elf_path` (an absolute path
 * to an ELF executable) and checks that /proc/self/fd/N reads
 * "anon_inode:spawn_template". Returns 0 when proven, -ENOSYS when the
 * syscall is missing, -EPROTO when the call succeeded but did not create a
 * spawn template, or the create errno. After -EPROTO the returned value is
 * not closed: it is not proven to be an fd we own.
 */
SPAWN_EXPORT int spawn_kernel_probe(int64_t nr_create, const char *elf_path);

/* Exactly one of `path` (absolute) or `execfd` (>= 0) is given. Returns a
 * CLOEXEC template fd. */
SPAWN_EXPORT int spawn_kernel_create(int64_t nr_create, const char *path,
				     int32_t execfd);

/* Spawns from a template: fills out[0..1] (pid, pidfd) and returns 0.
 * Failures after the child exists only show in its exit status (127, 126,
 * 1). SPAWN_FLAG_EXEC_BY_PATH is -EINVAL here. */
SPAWN_EXPORT int spawn_kernel_spawn(int64_t nr_spawn, int32_t template_fd,
				    int32_t flags, const char *argv,
				    int32_t argv_len, int32_t argc,
				    const char *envp, int32_t envp_len,
				    int32_t envc, const int64_t *actions,
				    int32_t nactions, const char *strings,
				    int32_t strings_len, int32_t *out);

/* ---- userspace templates (clone(CLONE_VM|CLONE_VFORK|CLONE_PIDFD)) ---- */

/*
 * Opens `path` (absolute) or `execfd` (>= 0, then `path` is NULL) as an
 * O_PATH|O_CLOEXEC fd, checks it is a regular file on an exec mount that the
 * caller may execute (else -EACCES, with the SPAWN_DENIED_* that says which
 * check refused it in *kind), records its identity in
 * identity[SPAWN_IDENTITY_WORDS] = { dev, ino, size, mode, uid, gid,
 * ctime_sec, ctime_nsec, mtime_sec, mtime_nsec } and its SPAWN_KIND_* in
 * *kind. Returns the held fd.
 */
SPAWN_EXPORT int spawn_user_create(const char *path, int32_t execfd,
				   int64_t *identity, int32_t *kind);

/*
 * -ESTALE unless `path` (when not NULL; absolute, else -EINVAL) and
 * `held_fd` both still match `identity` and are still executable, as the
 * kernel checks before a spawn.
 * A held_fd that is not open at all is -EBADF (a caller bug, not a stale
 * file). With a path, held_fd must still be the fd spawn_user_create
 * returned: the path's full identity proves the held inode unchanged only
 * while that fd pins it, so a closed and reused number is not detected.
 */
SPAWN_EXPORT int spawn_user_check(const char *path, int32_t held_fd,
				  const int64_t *identity);

/*
 * 0 when this process may make the system calls a userspace spawn makes in
 * its child (close_range with CLOSE_RANGE_CLOEXEC, openat2), each made in
 * a forked child of its own, as a filter may kill; else -errno of the first
 * one refused, named in *refused (SPAWN_PROBE_*).
 */
#define SPAWN_PROBE_CLOSE_RANGE 1
#define SPAWN_PROBE_OPENAT2 2
/* the probing child could not be waited for (SIGCHLD ignored) */
#define SPAWN_PROBE_WAIT 3
/* added to *refused (with -EPERM) when a filter killed the probing child */
#define SPAWN_PROBE_KILLED 0x100
SPAWN_EXPORT int spawn_user_probe(int32_t *refused);

/*
 * Checks identity (spawn_user_check), then clones a child that resets caught
 * signals to SIG_DFL, restores the caller's signal mask, runs the actions,
 * marks every fd above 2 close-on-exec unless SPAWN_FLAG_INHERIT_FDS, and
 * execs. Fills out[0..1] and returns 0; when the child failed before exec
 * it has been reaped, out[1] is -1, out[2..3] say where and why (index
 * nactions: the implicit close of fds above 2), and the call returns -errno.
 * The child's exit status mirrors the kernel's (127, 126, 1).
 */
SPAWN_EXPORT int spawn_user_spawn(int32_t held_fd, const char *path,
				  const int64_t *identity, int32_t flags,
				  const char *argv, int32_t argv_len,
				  int32_t argc, const char *envp,
				  int32_t envp_len, int32_t envc,
				  const int64_t *actions, int32_t nactions,
				  const char *strings, int32_t strings_len,
				  int32_t *out);

/*
 * Child options beyond the RFC's actions, userspace only (the kernel's
 * spawn_template_spawn has no setsid, setpgid or pdeathsig, so the Java side
 * moves a request that needs one to USERSPACE). opts[SPAWN_OPT_WORDS]:
 *   [0] SPAWN_OPT_* bits      [1] SETPGID: the group to join (0: a new
 *   group led by the child)   [2] PDEATHSIG: the signal (1..64)
 *   [3] reserved, 0
 * They run in the child right after the signal reset and before the
 * caller's mask is restored and the actions run, in this order: setsid or
 * setpgid, then pdeathsig. SETSID and SETPGID together are -EINVAL.
 *
 * PDEATHSIG is prctl(PR_SET_PDEATHSIG): the kernel sends the signal when
 * the *thread* that called spawn exits (not the process: see prctl(2)), and
 * it is cleared by an exec of a set-user-ID/set-group-ID or file-capability
 * program. A parent that died before the prctl took effect is caught the
 * classic way: the child compares getppid() with the caller's pid read before
 * the clone and, if it changed, exits with status 1 before exec.
 *
 * A failed option is reported like a failed action, with the index
 * SPAWN_FAIL_SETSID, SPAWN_FAIL_SETPGID or SPAWN_FAIL_PDEATHSIG.
 */
#define SPAWN_OPT_WORDS 4
#define SPAWN_OPT_SETSID 0x1
#define SPAWN_OPT_SETPGID 0x2
#define SPAWN_OPT_PDEATHSIG 0x4
#define SPAWN_FAIL_SETSID (-2)
#define SPAWN_FAIL_SETPGID (-3)
#define SPAWN_FAIL_PDEATHSIG (-4)

/* spawn_user_spawn with child options; opts may be NULL (no option). */
SPAWN_EXPORT int spawn_user_spawn_opts(int32_t held_fd, const char *path,
				       const int64_t *identity, int32_t flags,
				       const char *argv, int32_t argv_len,
				       int32_t argc, const char *envp,
				       int32_t envp_len, int32_t envc,
				       const int64_t *actions,
				       int32_t nactions, const char *strings,
				       int32_t strings_len,
				       const int32_t *opts, int32_t *out);

/* ---- processes, fds and the reaper ---- */

/* waitid(P_PIDFD). out[0] = SPAWN_EXITED or SPAWN_SIGNALED, out[1] = status
 * or signal. With SPAWN_WAIT_NOHANG returns 0 and out[0] = 0 when still
 * running. Returns 1 when a status was collected. */
SPAWN_EXPORT int spawn_wait(int32_t pidfd, int32_t flags, int32_t *out);
SPAWN_EXPORT int spawn_signal(int32_t pidfd, int32_t sig);
/*
 * kill(-pgid, sig): signals a whole process group by number. pgid must be
 * > 1 (-EINVAL otherwise: kill(0) and kill(-1) would hit our own group or
 * every process we may signal). A pgid is a pid number, so the caller must
 * know the group still exists: the safe way is to signal only while the
 * group's leader is not yet reaped (a zombie still holds its pid, and with
 * it the group id); see SPAWN_WAIT_NOWAIT.
 */
SPAWN_EXPORT int spawn_kill_group(int32_t pgid, int32_t sig);
/* pidfd_open(pid, 0), for tests and handles. */
SPAWN_EXPORT int spawn_pidfd_open(int32_t pid);

/* pipe2(O_CLOEXEC): fds[0] read end, fds[1] write end. Like every fd
 * spawn_pipe2 and spawn_open return, never 0, 1 or 2, so DUP2 can hand it to
 * a child's standard stream even where this process has one closed. */
SPAWN_EXPORT int spawn_pipe(int32_t *fds);
/* pipe2(O_CLOEXEC), then O_NONBLOCK on the ends named by `nonblock`:
 * SPAWN_PIPE_NONBLOCK_READ and/or SPAWN_PIPE_NONBLOCK_WRITE. O_NONBLOCK is
 * per open file, so the child's end stays blocking. */
#define SPAWN_PIPE_NONBLOCK_READ 0x1
#define SPAWN_PIPE_NONBLOCK_WRITE 0x2
SPAWN_EXPORT int spawn_pipe2(int32_t *fds, int32_t nonblock);
/* open(path, flags | O_CLOEXEC, mode); a directory opened read-only without
 * O_DIRECTORY is refused with -EISDIR, as the JDK's FileInputStream refuses
 * it (a child's stdin is never meant to be one). */
SPAWN_EXPORT int spawn_open(const char *path, int32_t flags, int32_t mode);
SPAWN_EXPORT int spawn_close(int32_t fd);
/* read/write, retried on EINTR; returns bytes moved (0 = EOF for read). */
SPAWN_EXPORT int64_t spawn_read(int32_t fd, void *buf, int64_t len);
SPAWN_EXPORT int64_t spawn_write(int32_t fd, const void *buf, int64_t len);

/* epoll for the reaper thread: level-triggered EPOLLIN with a 64-bit token. */
SPAWN_EXPORT int spawn_epoll_create(void);
SPAWN_EXPORT int spawn_epoll_add(int32_t epfd, int32_t fd, int64_t token);
SPAWN_EXPORT int spawn_epoll_del(int32_t epfd, int32_t fd);
/* Level-triggered epoll_ctl(ADD) for the given events (SPAWN_EPOLL_*). A
 * pipe's EPOLLHUP/EPOLLERR are always reported too: the token comes back
 * and the next read says 0 (EOF) or the next write EPIPE. */
#define SPAWN_EPOLL_IN 0x1
#define SPAWN_EPOLL_OUT 0x4
SPAWN_EXPORT int spawn_epoll_add_events(int32_t epfd, int32_t fd,
					int32_t events, int64_t token);
/* Returns the number of tokens written (EINTR returns 0). */
SPAWN_EXPORT int spawn_epoll_wait(int32_t epfd, int64_t *tokens, int32_t max,
				  int32_t timeout_ms);
/* eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), to wake an epoll loop. */
SPAWN_EXPORT int spawn_eventfd(void);
/* Adds 1 to the counter (wakes the loop); EAGAIN (counter full) is 0. */
SPAWN_EXPORT int spawn_eventfd_signal(int32_t fd);
/* Resets the counter; returns 0 whether or not it was set. */
SPAWN_EXPORT int spawn_eventfd_drain(int32_t fd);
/* ioctl(FIONREAD): bytes that a read would return now without blocking. */
SPAWN_EXPORT int spawn_available(int32_t fd);
/* poll(fd, POLLIN, timeout_ms): 1 when readable (or hung up), 0 after the
 * timeout, -errno on failure. EINTR is 0: the caller decides whether to go on.
 * A negative timeout waits without end, as poll(2) does: keep it bounded on a
 * thread that must stay responsive. */
SPAWN_EXPORT int spawn_poll_in(int32_t fd, int32_t timeout_ms);
/* spawn_poll_in for POLLOUT: 1 when writable (or the readers are gone). A
 * pipe is writable when a page of it is free, so a write of up to PIPE_BUF
 * bytes by its only writer then returns without blocking. */
SPAWN_EXPORT int spawn_poll_out(int32_t fd, int32_t timeout_ms);

#endif
