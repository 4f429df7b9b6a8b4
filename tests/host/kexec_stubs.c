// SPDX-License-Identifier: GPL-2.0
/*
 * What kexec-tools' kexec/arch/i386/efi-ranges.c takes from the rest of
 * kexec-tools (kexec.c), for the host programs that link it alone.
 */
#include <stdlib.h>

#include "kexec.h"

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
