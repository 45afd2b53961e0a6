/*
 * libFuzzer harness for the spawn argument marshalling: the action decoding
 * plus the argv/envp unpacking (packed NUL-terminated strings -> char *[])
 * that spawn_kernel_spawn() does before its syscall. The syscall number is
 * -1, so the call ends in ENOSYS and nothing is ever spawned; everything
 * before it (decode_actions, unpack_vectors, the allocation, the free) runs
 * on fuzzed input under ASan/UBSan and LeakSanitizer.
 *
 * Input: byte 0 argc (0..63), byte 1 envc (0..63, or SPAWN_ENV_INHERIT
 * when its top bit is set, where envp is passed only when empty: the
 * inherited environ is not the fuzzer's to vary), byte 2 nactions
 * (0..15), byte 3 flags; then nactions * 8 int64 action words; the rest is
 * split in half: argv bytes and envp bytes. Each is copied, as it is, to a
 * heap buffer of exactly its length, which is passed with it: counts that
 * the bytes do not hold (too few NULs) must be refused with EINVAL, and any
 * read past a buffer is caught by ASan.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"

/* A heap copy of exactly len bytes (one byte allocated for len 0). */
static char *copy(const uint8_t *data, size_t len)
{
	char *buf = malloc(len ? len : 1);

	if (buf && len)
		memcpy(buf, data, len);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int32_t out[SPAWN_RESULT_WORDS] = { 0, 0, 0, 0 };
	int argc, envc, nactions, flags;
	size_t nwords, half, argv_len, envp_len;
	int64_t *words;
	char *argv, *envp;
	int r;

	if (size < 4)
		return 0;
	argc = data[0] & 63;
	envc = data[1] & 0x80 ? SPAWN_ENV_INHERIT : data[1] & 63;
	nactions = data[2] & 15;
	flags = data[3] & 3;
	data += 4;
	size -= 4;
	nwords = (size_t)nactions * SPAWN_ACTION_WORDS;
	if (nwords * 8 > size)
		return 0;
	words = malloc(nwords ? nwords * 8 : 1);
	if (!words)
		return 0;
	memcpy(words, data, nwords * 8);
	data += nwords * 8;
	size -= nwords * 8;
	half = size / 2;
	argv_len = half;
	envp_len = size - half;
	argv = copy(data, argv_len);
	envp = copy(data + half, envp_len);
	if (argv && envp) {
		/* the strings pool of the actions is the argv buffer: any bytes */
		r = spawn_kernel_spawn(-1, -1, flags, argv, (int32_t)argv_len,
				       argc, envp_len ? envp : NULL,
				       (int32_t)envp_len, envc,
				       words, nactions, argv, (int32_t)argv_len,
				       out);
		if (r != -ENOSYS && r != -EINVAL && r != -E2BIG)
			abort();
		if (r == -ENOSYS && (out[0] || out[1]))
			abort(); /* nothing spawned, nothing reported */
	}
	free(argv);
	free(envp);
	free(words);
	return 0;
}
