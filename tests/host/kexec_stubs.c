// SPDX-License-Identifier: GPL-2.0
/*
 * What kexec-tools' kexec/arch/i386/efi-ranges.c takes from the rest of
 * kexec-tools (kexec.c, x86-linux-setup.c), for the host programs that
 * link it alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kexec.h"
#include "x86-linux-setup.h"

int kexec_debug;

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		abort();
	return p;
}

void dbgprint_mem_range(const char *prefix, struct memory_range *mr, int nr_mr)
{
	(void)prefix;
	(void)mr;
	(void)nr_mr;
}

/* kexec.c's, without the block device and die() paths */
char *slurp_file_len(const char *filename, off_t size, off_t *nread)
{
	off_t progress = 0;
	ssize_t n;
	char *buf;
	int fd;

	fd = open(filename, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "Cannot open %s: %s\n", filename, strerror(errno));
		return NULL;
	}
	buf = xmalloc(size);
	while (progress < size) {
		n = read(fd, buf + progress, size - progress);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "Read on %s failed: %s\n", filename, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (!n)
			break;
		progress += n;
	}
	close(fd);
	*nread = progress;
	return buf;
}

/*
 * x86-linux-setup.c's: the runtime map a test put in stub_runtime_map,
 * a copy the caller frees; none, as without EFI, unless it did.
 */
const struct efi_mem_descriptor *stub_runtime_map;
int stub_runtime_map_nr;

int get_efi_runtime_map(struct efi_mem_descriptor **map)
{
	*map = NULL;
	if (!stub_runtime_map_nr)
		return 0;
	*map = xmalloc(stub_runtime_map_nr * sizeof(**map));
	memcpy(*map, stub_runtime_map, stub_runtime_map_nr * sizeof(**map));
	return stub_runtime_map_nr;
}
