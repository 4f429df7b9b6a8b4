#ifndef KEXEC_EFI_RANGES_H
#define KEXEC_EFI_RANGES_H

#include <stdio.h>

struct memory_range;
struct memory_ranges;

#define EFI_RANGES_SYSFS	"/sys/firmware/efi/bs_ranges"

/* What the --efi-ranges* options asked for */
struct efi_ranges_options {
	const char *file;	/* --efi-ranges=FILE; NULL: the running kernel's */
	int unchecked;		/* --efi-ranges-unchecked: pass FILE as it is */
	int disabled;		/* --no-efi-ranges, or --noefi */
};

int efi_ranges_exclude(struct memory_ranges *ranges,
		       unsigned long long start, unsigned long long end);
int efi_ranges_exclude_kept(const void *table, struct memory_ranges *ranges);

int efi_ranges_load(const struct efi_ranges_options *opts,
		    const struct memory_range *ram, int nr_ram);
const void *efi_ranges_table(size_t *size);
int efi_ranges_print(const struct efi_ranges_options *opts, FILE *out);

int efi_ranges_keep_off(const struct efi_ranges_options *opts,
			struct memory_range **range, int *nr);
void efi_ranges_e820(struct memory_range **range, int *nr);

#endif /* KEXEC_EFI_RANGES_H */
