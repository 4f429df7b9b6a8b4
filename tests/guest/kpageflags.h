/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc/kpageflags says of the pages of a physical range, for the
 * guest checkers.  On 6.12 every page of a free block reports KPF_BUDDY
 * (fs/proc/page.c), so "buddy" counts free pages.
 */
#ifndef TESTS_GUEST_KPAGEFLAGS_H
#define TESTS_GUEST_KPAGEFLAGS_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KPF_BUDDY	10
#define KPF_NOPAGE	20
#define KPF_RESERVED	32
#define PAGE_SHIFT	12
#define FIRST_PFN	(0x100000 >> PAGE_SHIFT)	/* counts start at 1 MiB */

struct page_counts {
	uint64_t pages, reserved, buddy, other, nopage;
	uint64_t unexplained;	/* reserved, and not explained by the callback */
};

/* Does something this kernel owns explain the reserved page @pfn? */
typedef bool (*pfn_explained_t)(uint64_t pfn, void *arg);

static inline int kpf_open(void)
{
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (fd < 0)
		fprintf(stderr, "/proc/kpageflags: %s\n", strerror(errno));
	return fd;
}

/* Count the pages of [start, end) at or above 1 MiB; 0, or -1 on error. */
static inline int kpf_count(int fd, uint64_t start, uint64_t end,
			    struct page_counts *c, pfn_explained_t explained,
			    void *arg)
{
	uint64_t first = start >> PAGE_SHIFT, stop = end >> PAGE_SHIFT;
	uint64_t flags[512], pfn, n, i;
	ssize_t got;

	if (first < FIRST_PFN)
		first = FIRST_PFN;
	for (pfn = first; pfn < stop; pfn += n) {
		n = stop - pfn > 512 ? 512 : stop - pfn;
		got = pread(fd, flags, n * 8, pfn * 8);
		if (got != (ssize_t)(n * 8)) {
			fprintf(stderr, "/proc/kpageflags at pfn %#" PRIx64 ": %s\n",
				pfn, got < 0 ? strerror(errno) : "short read");
			return -1;
		}
		for (i = 0; i < n; i++) {
			c->pages++;
			if (flags[i] & (1ULL << KPF_NOPAGE)) {
				c->nopage++;
			} else if (flags[i] & (1ULL << KPF_RESERVED)) {
				c->reserved++;
				if (!explained || !explained(pfn + i, arg))
					c->unexplained++;
			} else if (flags[i] & (1ULL << KPF_BUDDY)) {
				c->buddy++;
			} else {
				c->other++;
			}
		}
	}
	return 0;
}

#endif /* TESTS_GUEST_KPAGEFLAGS_H */
