/*
 * libFuzzer harness for spawn_actions_check(): the decoder/validator that
 * every spawn runs on the flat int64 action words Java sends. The input is
 * split into a header, the action words and the strings pool:
 *
 *   byte 0..3   nactions (int32; any value, negative and > 256 included)
 *   byte 4..7   strings_len as claimed by the caller, clamped to the real
 *               pool size (the contract: strings_len is the buffer's length)
 *   then        up to 257 * 8 int64 words, arbitrary
 *   the rest    the strings pool, arbitrary bytes (maybe no NUL at all)
 *
 * The words are copied into a heap buffer of exactly the length given, and
 * the pool into one of exactly strings_len bytes, so ASan sees any read past
 * either. Properties checked beyond "no crash, no UB":
 *   - the result is 0, -EINVAL or -E2BIG;
 *   - *bad_index is -1 unless the result is -EINVAL for one action, and then
 *     it is in [0, nactions);
 *   - -E2BIG only when nactions > 256, and always then unless strings_len
 *     is negative (-EINVAL comes first);
 *   - decoding is deterministic (a second call agrees).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"

#define WORDS_MAX ((SPAWN_MAX_ACTIONS + 1) * SPAWN_ACTION_WORDS)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int32_t nactions, claimed, bad = 12345, bad2 = 54321;
	size_t nwords, pool_len;
	int64_t *words;
	char *pool;
	int r, r2;

	if (size < 8)
		return 0;
	memcpy(&nactions, data, 4);
	memcpy(&claimed, data + 4, 4);
	data += 8;
	size -= 8;

	/* the words the caller really passes: as many as nactions says, when
	 * that fits the input (the contract); fewer words than nactions would
	 * be a caller bug the C API cannot detect (it gets no length) */
	nwords = nactions > 0 ? (size_t)nactions * SPAWN_ACTION_WORDS : 0;
	if (nactions > SPAWN_MAX_ACTIONS + 1 || nwords * 8 > size) {
		if (nactions <= SPAWN_MAX_ACTIONS)
			return 0;
		nwords = 0; /* > 256 must be refused before any word is read */
	}
	words = malloc(nwords ? nwords * 8 : 1);
	if (!words)
		return 0;
	memcpy(words, data, nwords * 8);
	data += nwords * 8;
	size -= nwords * 8;

	pool_len = size;
	pool = malloc(pool_len ? pool_len : 1);
	if (!pool) {
		free(words);
		return 0;
	}
	memcpy(pool, data, pool_len);
	if (claimed < 0 || (size_t)claimed > pool_len)
		claimed = claimed < 0 ? claimed : (int32_t)pool_len;

	r = spawn_actions_check(words,
				nactions, pool_len ? pool : NULL, claimed, &bad);
	r2 = spawn_actions_check(words, nactions, pool_len ? pool : NULL,
				 claimed, &bad2);

	if (r != 0 && r != -EINVAL && r != -E2BIG)
		abort();
	if (r != r2 || bad != bad2)
		abort();
	if (r == -E2BIG && nactions <= SPAWN_MAX_ACTIONS)
		abort();
	if (nactions > SPAWN_MAX_ACTIONS && claimed >= 0 && r != -E2BIG)
		abort();
	if (r == -EINVAL && bad != -1 && (bad < 0 || bad >= nactions))
		abort();
	if (r != -EINVAL && bad != -1)
		abort();
	/* NULL bad_index is allowed */
	(void)spawn_actions_check(words, nactions, pool_len ? pool : NULL,
				  claimed, NULL);
	free(words);
	free(pool);
	return 0;
}
