// SPDX-License-Identifier: GPL-2.0
/*
 * bscount - count what became of the pages of EFI boot-services ranges.
 *
 * Each page at or above 1 MiB of each range is classified through
 * /proc/kpageflags: PG_reserved (never handed to the page allocator),
 * buddy (free; on 6.12 every page of a free block reports KPF_BUDDY, see
 * fs/proc/page.c), nopage (no struct page) or other (in use).
 *
 * Ranges come from the kernel log of a boot with memblock=debug, from the
 * lines efi_reserve_boot_services() causes ("memblock_reserve: [a-b]
 * efi_reserve_boot_services+..."), or from a file of "start end" lines
 * (hex, inclusive) saved earlier with -S.
 *
 * Usage: bscount [-f RANGEFILE] [-S SAVEFILE] [-v]
 * Prints one line:
 *   T: BSCOUNT source=S ranges=N kib=K pages=P reserved=R buddy=B other=O nopage=X
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/klog.h>

#include "kpageflags.h"

#define MAX_RANGES	1024
#define SYSLOG_ACTION_READ_ALL	3
#define SYSLOG_ACTION_SIZE_BUFFER 10

struct range {
	uint64_t start;
	uint64_t end;	/* inclusive */
};

static struct range ranges[MAX_RANGES];
static int nr_ranges;

static void add_range(uint64_t start, uint64_t end)
{
	if (nr_ranges == MAX_RANGES) {
		fprintf(stderr, "bscount: more than %d ranges\n", MAX_RANGES);
		exit(2);
	}
	ranges[nr_ranges].start = start;
	ranges[nr_ranges].end = end;
	nr_ranges++;
}

static char *read_klog(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int len;

	if (size <= 0)
		size = 1 << 22;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (len < 0) {
		fprintf(stderr, "bscount: klogctl: %s\n", strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static void ranges_from_klog(char *log)
{
	char *save = NULL, *line;
	unsigned long long a, b;
	const char *p;

	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, "memblock_reserve: [");
		if (!p || !strstr(p, " efi_reserve_boot_services+"))
			continue;
		if (sscanf(p, "memblock_reserve: [%llx-%llx]", &a, &b) == 2)
			add_range(a, b);
	}
}

static int ranges_from_file(const char *path)
{
	unsigned long long a, b;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "bscount: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fscanf(f, "%llx %llx", &a, &b) == 2)
		add_range(a, b);
	fclose(f);
	return 0;
}

static int save_ranges(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		fprintf(stderr, "bscount: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < nr_ranges; i++)
		fprintf(f, "%" PRIx64 " %" PRIx64 "\n", ranges[i].start, ranges[i].end);
	return fclose(f);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *save = NULL, *source = "klog";
	struct page_counts total = { 0 };
	uint64_t bytes = 0;
	int opt, kpf, i, verbose = 0;
	char *log;

	while ((opt = getopt(argc, argv, "f:S:v")) != -1) {
		switch (opt) {
		case 'f': file = optarg; source = "file"; break;
		case 'S': save = optarg; break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: bscount [-f RANGEFILE] [-S SAVEFILE] [-v]\n");
			return 2;
		}
	}
	if (file) {
		if (ranges_from_file(file))
			return 2;
	} else {
		log = read_klog();
		if (!log)
			return 2;
		ranges_from_klog(log);
		free(log);
	}
	if (save && save_ranges(save))
		return 2;

	kpf = kpf_open();
	if (kpf < 0)
		return 2;
	for (i = 0; i < nr_ranges; i++) {
		struct page_counts c = { 0 };

		if (kpf_count(kpf, ranges[i].start, ranges[i].end + 1, &c, NULL, NULL))
			return 2;
		bytes += ranges[i].end - ranges[i].start + 1;
		if (verbose)
			printf("T: BSRANGE %#" PRIx64 "-%#" PRIx64 " pages=%" PRIu64
			       " reserved=%" PRIu64 " buddy=%" PRIu64 " other=%" PRIu64 "\n",
			       ranges[i].start, ranges[i].end, c.pages, c.reserved,
			       c.buddy, c.other);
		total.pages += c.pages;
		total.reserved += c.reserved;
		total.buddy += c.buddy;
		total.other += c.other;
		total.nopage += c.nopage;
	}
	printf("T: BSCOUNT source=%s ranges=%d kib=%" PRIu64 " pages=%" PRIu64
	       " reserved=%" PRIu64 " buddy=%" PRIu64 " other=%" PRIu64
	       " nopage=%" PRIu64 "\n", source, nr_ranges, bytes >> 10,
	       total.pages, total.reserved, total.buddy, total.other, total.nopage);
	return nr_ranges ? 0 : 1;
}
