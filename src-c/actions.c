/*
 * libspawn: the native half of dev.spawn. See spawn.h for the contract,
 * internal.h for how the shim is split, and child.c for why the
 * userspace child is written the way it is.
 *
 * This file: the flat action words decoded and checked into the RFC's
 * structs (for both spawn paths and spawn_actions_check), and argv/envp
 * unpacked into the vectors execve takes.
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "uapi.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Action decoding: flat int64 words -> the kernel's structs.          */
/* ------------------------------------------------------------------ */

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

int decode_actions(const int64_t *actions, int32_t nactions,
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

/* Whether count strings and the length of their buffer can be unpacked:
 * each string takes at least its NUL, which also bounds the allocation. */
static bool packed_valid(const char *packed, int32_t len, int32_t count)
{
	return count >= 0 && len >= 0 && count <= len && (packed || !len);
}

/* false when a string does not end inside the len bytes at packed. */
static bool unpack_into(char **vec, const char *packed, int32_t len,
			int32_t count)
{
	size_t left = (size_t)len;

	for (int32_t i = 0; i < count; i++) {
		const char *nul = memchr(packed, '\0', left);

		if (!nul)
			return false;
		vec[i] = (char *)packed;
		left -= (size_t)(nul + 1 - packed);
		packed = nul + 1;
	}
	vec[count] = NULL;
	return true;
}

/* One allocation holds argv then envp, so *envp_out = *vec_out + argc + 1,
 * or argv alone when envc is SPAWN_ENV_INHERIT and *envp_out is NULL: the
 * exec takes environ as it is then (inherited_environ()). It is built
 * before the child exists: the child may not allocate. */
int unpack_vectors(const char *argv, int32_t argv_len, int32_t argc,
		   const char *envp, int32_t envp_len, int32_t envc,
		   char ***vec_out, char *const **envp_out)
{
	bool inherit = envc == SPAWN_ENV_INHERIT;
	char **vec;

	if (!packed_valid(argv, argv_len, argc) ||
	    (inherit ? envp || envp_len : !packed_valid(envp, envp_len, envc)))
		return -EINVAL;
	vec = malloc(((size_t)argc + (inherit ? 0 : (size_t)envc + 1) + 1) *
		     sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	if (!unpack_into(vec, argv, argv_len, argc) ||
	    (!inherit &&
	     !unpack_into(vec + argc + 1, envp, envp_len, envc))) {
		free(vec);
		return -EINVAL;
	}
	*vec_out = vec;
	*envp_out = inherit ? NULL : vec + argc + 1;
	return 0;
}
