/*
 * libFuzzer harness for the spawn argument marshalling: the action decoding
 * plus the argv/envp unpacking (packed NUL-terminated strings -> char *[])
 * that spawn_kernel_spawn() does before its syscall. The syscall number is
 * -1, so the call ends in ENOSYS and nothing is ever spawned; everything
 * before it (decode_actions, unpack_vectors, the allocation, the free) runs
 * on fuzzed input under ASan/UBSan and LeakSanitizer.
 *
 * Input: byte 0 argc (0..63), byte 1 envc (0..63), byte 2 nactions
 * (0..15), byte 3 flags; then nactions * 8 int64 action words; the rest is
 * split in half: argv bytes and envp bytes. Each string buffer is copied to
 * a heap buffer of exactly its length. The C API takes no buffer lengths for
 * argv/envp (argc/envc strings must be in the buffer: Java's CStrings.pack
 * guarantees it), so the harness keeps to that contract: it appends the NULs
 * needed for argc/envc strings to exist, and that is all it adds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"

static char *packed(const uint8_t *data, size_t len, int count, size_t *out_len)
{
	size_t nuls = 0;
	char *buf;

	for (size_t i = 0; i < len; i++)
		nuls += data[i] == 0;
	/* enough terminators for `count` strings, and the last one closed */
	size_t extra = nuls >= (size_t)count ? 1 : (size_t)count - nuls + 1;
	buf = malloc(len + extra);
	if (!buf)
		return NULL;
	memcpy(buf, data, len);
	memset(buf + len, 0, extra);
	*out_len = len + extra;
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
	envc = data[1] & 63;
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
	argv = packed(data, half, argc, &argv_len);
	envp = packed(data + half, size - half, envc, &envp_len);
	if (argv && envp) {
		/* the strings pool of the actions is the argv buffer: any bytes */
		r = spawn_kernel_spawn(-1, -1, flags, argv, argc, envp, envc,
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
