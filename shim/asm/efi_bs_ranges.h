/* Host shim: the wire format lives in the project's include/. */
#include <efi_bs_ranges.h>
