/*
 * The spawn_template RFC v1 user ABI, written from its documented layout
 * (shared/rfc/UAPI.md). No system header carries it, and a future kernel may
 * change it, so every size and offset is pinned below: a mistake here would
 * otherwise reach the kernel as silently garbled arguments.
 *
 * struct spawn_open_how is our own copy of openat2's struct open_how, so
 * this header does not depend on the build machine's <linux/openat2.h>.
 */
#ifndef SPAWN_UAPI_H
#define SPAWN_UAPI_H

#include <stddef.h>
#include <stdint.h>

#define SPAWN_TEMPLATE_CREATE_CLOEXEC 0x1ULL
#define SPAWN_TEMPLATE_SPAWN_INHERIT_FDS 0x1ULL

#define SPAWN_TEMPLATE_ACTION_CLOSE 0
#define SPAWN_TEMPLATE_ACTION_DUP2 1
#define SPAWN_TEMPLATE_ACTION_FCHDIR 2
#define SPAWN_TEMPLATE_ACTION_OPEN 3
#define SPAWN_TEMPLATE_ACTION_CLOSE_RANGE 4
#define SPAWN_TEMPLATE_ACTION_SIGMASK 5
#define SPAWN_TEMPLATE_ACTION_SIGDEFAULT 6

#define SPAWN_TEMPLATE_MAX_ACTIONS 256
#define SPAWN_TEMPLATE_CREATE_ARGS_SIZE_VER0 72
#define SPAWN_TEMPLATE_SPAWN_ARGS_SIZE_VER0 80

/* The kernel's sigset_t, not glibc's 128-byte one: signal n is bit n-1. */
#define SPAWN_KERNEL_SIGSET_SIZE 8

/* close_range(2) flags, also accepted by the CLOSE_RANGE action. */
#define SPAWN_CLOSE_RANGE_UNSHARE 0x2U
#define SPAWN_CLOSE_RANGE_CLOEXEC 0x4U

/* Pointers travel as u64 so the layout is the same for every ABI. */
#define SPAWN_PTR(p) ((uint64_t)(uintptr_t)(p))

struct spawn_template_action {
	uint32_t type;
	uint32_t flags;
	int32_t fd;
	int32_t newfd;
	uint64_t arg __attribute__((aligned(8)));
};

struct spawn_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

struct spawn_template_open {
	uint64_t path __attribute__((aligned(8)));
	struct spawn_open_how how;
};

struct spawn_template_sigset {
	uint64_t sigset __attribute__((aligned(8)));
	uint64_t sigsetsize;
};

struct spawn_template_create_args {
	uint64_t flags __attribute__((aligned(8)));
	int32_t execfd;
	uint32_t exec_flags;
	uint64_t filename __attribute__((aligned(8)));
	uint64_t actions __attribute__((aligned(8)));
	uint64_t actions_len __attribute__((aligned(8)));
	uint64_t reserved[4] __attribute__((aligned(8)));
};

struct spawn_template_spawn_args {
	uint64_t flags __attribute__((aligned(8)));
	uint64_t pidfd __attribute__((aligned(8)));
	uint64_t argv __attribute__((aligned(8)));
	uint64_t envp __attribute__((aligned(8)));
	uint64_t actions __attribute__((aligned(8)));
	uint64_t actions_len __attribute__((aligned(8)));
	uint64_t reserved[4] __attribute__((aligned(8)));
};

#define SPAWN_ASSERT_LAYOUT(type, field, off)                                 \
	_Static_assert(offsetof(struct type, field) == (off),                 \
		       #type "." #field " must be at offset " #off)

_Static_assert(sizeof(struct spawn_template_action) == 24,
	       "spawn_template_action is 24 bytes");
SPAWN_ASSERT_LAYOUT(spawn_template_action, type, 0);
SPAWN_ASSERT_LAYOUT(spawn_template_action, flags, 4);
SPAWN_ASSERT_LAYOUT(spawn_template_action, fd, 8);
SPAWN_ASSERT_LAYOUT(spawn_template_action, newfd, 12);
SPAWN_ASSERT_LAYOUT(spawn_template_action, arg, 16);

_Static_assert(sizeof(struct spawn_open_how) == 24, "open_how is 24 bytes");
SPAWN_ASSERT_LAYOUT(spawn_open_how, flags, 0);
SPAWN_ASSERT_LAYOUT(spawn_open_how, mode, 8);
SPAWN_ASSERT_LAYOUT(spawn_open_how, resolve, 16);

_Static_assert(sizeof(struct spawn_template_open) == 32,
	       "spawn_template_open is 32 bytes");
SPAWN_ASSERT_LAYOUT(spawn_template_open, path, 0);
SPAWN_ASSERT_LAYOUT(spawn_template_open, how, 8);

_Static_assert(sizeof(struct spawn_template_sigset) == 16,
	       "spawn_template_sigset is 16 bytes");
SPAWN_ASSERT_LAYOUT(spawn_template_sigset, sigset, 0);
SPAWN_ASSERT_LAYOUT(spawn_template_sigset, sigsetsize, 8);

_Static_assert(sizeof(struct spawn_template_create_args) ==
		       SPAWN_TEMPLATE_CREATE_ARGS_SIZE_VER0,
	       "spawn_template_create_args is 72 bytes");
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, flags, 0);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, execfd, 8);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, exec_flags, 12);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, filename, 16);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, actions, 24);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, actions_len, 32);
SPAWN_ASSERT_LAYOUT(spawn_template_create_args, reserved, 40);

_Static_assert(sizeof(struct spawn_template_spawn_args) ==
		       SPAWN_TEMPLATE_SPAWN_ARGS_SIZE_VER0,
	       "spawn_template_spawn_args is 80 bytes");
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, flags, 0);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, pidfd, 8);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, argv, 16);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, envp, 24);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, actions, 32);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, actions_len, 40);
SPAWN_ASSERT_LAYOUT(spawn_template_spawn_args, reserved, 48);

#endif
