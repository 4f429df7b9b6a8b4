/*
 * Host shim: the part of KUnit the range-table tests use, reporting TAP.
 * A failed expectation marks the case failed; a failed assertion also
 * ends it (longjmp).
 */
#ifndef _HOST_SHIM_KUNIT_TEST_H
#define _HOST_SHIM_KUNIT_TEST_H
#include <linux/types.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kunit {
	const char *name;
	int failed;
	jmp_buf abort;
	void *allocs[256];
	int nr_allocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define GFP_KERNEL		0
#define MODULE_DESCRIPTION(x)
#define MODULE_LICENSE(x)
#define kunit_test_suite(s)	struct kunit_suite *host_kunit_suite = &(s)

static inline void *kunit_kzalloc(struct kunit *test, size_t size, int gfp)
{
	void *p = calloc(1, size);

	(void)gfp;
	if (p && test->nr_allocs < 256)
		test->allocs[test->nr_allocs++] = p;
	return p;
}

#define KUNIT_HOST_CHECK(test, cond, fatal, fmt, ...) do {		\
	if (!(cond)) {							\
		printf("    # %s:%d: expected %s" fmt "\n", __FILE__,	\
		       __LINE__, #cond, ##__VA_ARGS__);			\
		(test)->failed = 1;					\
		if (fatal)						\
			longjmp((test)->abort, 1);			\
	}								\
} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)					\
	KUNIT_HOST_CHECK(t, (a) == (b), 0, " (%lld vs %lld)",		\
			 (long long)(a), (long long)(b))
#define KUNIT_ASSERT_EQ(t, a, b)					\
	KUNIT_HOST_CHECK(t, (a) == (b), 1, " (%lld vs %lld)",		\
			 (long long)(a), (long long)(b))
#define KUNIT_EXPECT_LT(t, a, b)					\
	KUNIT_HOST_CHECK(t, (a) < (b), 0, " (%lld vs %lld)",		\
			 (long long)(a), (long long)(b))
#define KUNIT_EXPECT_STREQ(t, a, b)					\
	KUNIT_HOST_CHECK(t, !strcmp((a), (b)), 0, " (\"%s\" vs \"%s\")", (a), (b))
#define KUNIT_EXPECT_PTR_EQ(t, a, b)	KUNIT_HOST_CHECK(t, (a) == (b), 0, "")
#define KUNIT_EXPECT_NULL(t, a)		KUNIT_HOST_CHECK(t, (a) == NULL, 0, "")
#define KUNIT_ASSERT_NOT_NULL(t, a)	KUNIT_HOST_CHECK(t, (a) != NULL, 1, "")
#define KUNIT_EXPECT_TRUE(t, a)		KUNIT_HOST_CHECK(t, (a), 0, "")
#define KUNIT_EXPECT_FALSE(t, a)	KUNIT_HOST_CHECK(t, !(a), 0, "")
#endif
