/*
 * A minimal test harness: CHECK* count and report failures without
 * stopping, TEST_RUN runs one test function, TEST_SUMMARY prints
 * "N passed, M failed" and gives the exit status.
 */
#ifndef SPAWN_TEST_HARNESS_H
#define SPAWN_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed;
static const char *harness_current = "";

#define CHECK_AT(cond, fmt, ...)                                              \
	do {                                                                  \
		if (cond) {                                                   \
			harness_passed++;                                     \
		} else {                                                      \
			harness_failed++;                                     \
			fprintf(stderr, "FAIL %s (%s:%d): " fmt "\n",         \
				harness_current, __FILE__, __LINE__,          \
				__VA_ARGS__);                                 \
		}                                                             \
	} while (0)

#define CHECK(cond) CHECK_AT(cond, "%s", #cond)

#define CHECK_INT(actual, expected)                                           \
	do {                                                                  \
		long long a_ = (long long)(actual);                           \
		long long e_ = (long long)(expected);                         \
		CHECK_AT(a_ == e_, "%s == %lld, expected %s == %lld",         \
			 #actual, a_, #expected, e_);                         \
	} while (0)

#define CHECK_STR(actual, expected)                                           \
	do {                                                                  \
		const char *a_ = (actual);                                    \
		const char *e_ = (expected);                                  \
		CHECK_AT(a_ && !strcmp(a_, e_), "%s == \"%s\", expected \"%s\"", \
			 #actual, a_ ? a_ : "(null)", e_);                    \
	} while (0)

#define TEST_RUN(fn)                                                          \
	do {                                                                  \
		int failed_before_ = harness_failed;                          \
		harness_current = #fn;                                        \
		fn();                                                         \
		test_after_each();                                            \
		printf("%s %s\n", harness_failed == failed_before_ ? "ok" : "not ok", \
		       #fn);                                                  \
		fflush(stdout);                                               \
	} while (0)

#define TEST_SUMMARY()                                                        \
	(printf("%d passed, %d failed\n", harness_passed, harness_failed),    \
	 harness_failed ? 1 : 0)

#endif
