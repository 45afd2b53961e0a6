/*
 * libspawn's private interface between its translation units; none of it is
 * ABI. The library is built with -fvisibility=hidden and libspawn.map
 * exports only spawn_*, so these names never leave the .so, and they stay
 * off the spawn_ prefix so that nothing here looks like an entry point.
 *
 *   actions.c  flat action words -> the RFC's structs, argv/envp vectors
 *   kernel.c   spawn_kernel_*: the RFC kernel's templates
 *   user.c     spawn_user_*: userspace templates, the caller side
 *   child.c    the userspace child (async-signal-safe; read its top comment)
 *   io.c       processes, fds, pipes, epoll and eventfd helpers
 */
#ifndef SPAWN_INTERNAL_H
#define SPAWN_INTERNAL_H

#include "spawn.h"
#include "uapi.h"

#include <stdbool.h>
#include <stdint.h>

/* glibc 2.36's idtype_t has no P_PIDFD yet (Linux 5.4). */
#define SPAWN_P_PIDFD ((idtype_t)3)

/* actions.c */

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

int decode_actions(const int64_t *actions, int32_t nactions,
		   const char *strings, int32_t strings_len,
		   struct spawn_actions *out, int32_t *bad_index);
int unpack_vectors(const char *argv, int32_t argv_len, int32_t argc,
		   const char *envp, int32_t envp_len, int32_t envc,
		   char ***vec_out, char *const **envp_out);

/* SPAWN_ENV_INHERIT's environment, read at the exec as the JDK's child reads
 * it: a setenv that moved the array while a userspace child waited in its
 * actions must not leave that child a stale pointer. clearenv() leaves
 * environ NULL, which execve takes as empty but the RFC's spawn may not.
 * The userspace child calls it too, so no sanitizer instruments it. */
extern char **environ;
__attribute__((no_sanitize("address", "undefined"))) static inline char *const *
inherited_environ(void)
{
	static char *const empty[] = { NULL };

	return environ ? environ : empty;
}

/* child.c */

struct child {
	const struct spawn_template_action *act;
	int32_t nactions;
	int32_t flags;
	const char *path;
	char *const *argv;
	char *const *envp; /* NULL: inherited_environ() at the exec */
	uint64_t mask;    /* the caller's signal mask */
	int32_t opts;     /* SPAWN_OPT_* */
	int32_t pgid;     /* for SPAWN_OPT_SETPGID */
	int32_t pdeathsig;
	int32_t caller;   /* the caller's pid (tgid), read before the clone
			     (only with SPAWN_OPT_PDEATHSIG) */
	int held;         /* the exec fd's current number in the child; -1
			     exec'ing by path, which needs no fd of ours */
	bool held_hidden; /* the caller's view of that number is "closed" */
	volatile int32_t fail_index;
	volatile int32_t fail_errno;
};

int clone_child(struct child *c, int *pidfd);
int probe_calls(int32_t *refused);

#endif
