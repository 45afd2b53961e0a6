/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract,
 * internal.h for how the shim is split, and child.c for why the
 * userspace child is written the way it is.
 *
 * This file: the RFC kernel's templates (spawn_kernel_*), reached through
 * the syscall numbers the caller passes in.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "uapi.h"
#include "internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char TEMPLATE_LINK[] = "anon_inode:spawn_template";

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
				    int32_t argv_len, int32_t argc,
				    const char *envp, int32_t envp_len,
				    int32_t envc, const int64_t *actions,
				    int32_t nactions, const char *strings,
				    int32_t strings_len, int32_t *out)
{
	struct spawn_actions decoded;
	int32_t bad;
	char **vec;
	char *const *env;
	int pidfd = -1;
	long pid;
	int r, err;

	if (!out || (flags & ~SPAWN_FLAG_INHERIT_FDS))
		return -EINVAL;
	r = decode_actions(actions, nactions, strings, strings_len, &decoded,
			   &bad);
	if (r)
		return r;
	r = unpack_vectors(argv, argv_len, argc, envp, envp_len, envc, &vec,
			   &env);
	if (r)
		return r;

	struct spawn_template_spawn_args args = {
		.flags = (flags & SPAWN_FLAG_INHERIT_FDS) ?
				 SPAWN_TEMPLATE_SPAWN_INHERIT_FDS : 0,
		.pidfd = SPAWN_PTR(&pidfd),
		.argv = SPAWN_PTR(vec),
		.envp = SPAWN_PTR(env ? env : inherited_environ()),
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
