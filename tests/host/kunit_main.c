// SPDX-License-Identifier: GPL-2.0
/*
 * Runs one KUnit suite on the host through the shim in shim/kunit, and
 * prints TAP: one test point per case.
 */
#include <kunit/test.h>

extern struct kunit_suite *host_kunit_suite;

/* One case; returns nonzero when it failed. */
static int run_case(struct kunit_case *c)
{
	struct kunit test = { .name = c->name };
	int i;

	if (!setjmp(test.abort))
		c->run_case(&test);
	for (i = 0; i < test.nr_allocs; i++)
		free(test.allocs[i]);
	return test.failed;
}

int main(void)
{
	struct kunit_case *c;
	int n = 0, failed = 0, f;

	printf("# suite %s\n", host_kunit_suite->name);
	for (c = host_kunit_suite->test_cases; c->run_case; c++) {
		f = run_case(c);
		n++;
		failed += f;
		printf("%s %d - %s\n", f ? "not ok" : "ok", n, c->name);
	}
	printf("1..%d\n", n);
	return failed || !n;
}
