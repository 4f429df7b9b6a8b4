#!/bin/bash
# patches.sh - the kernel and kexec-tools series as a maintainer would
# take them: every patch signed off and clean under the kernel's
# checkpatch (--strict for the kernel; kexec-tools keeps its own spacing
# of option numbers, which only --strict minds), and the wire format in
# include/ identical to the header the kernel series adds.
#
# Usage: tests/patches.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   KERNEL_SRC: the patched `ours' kernel tree
set -eu

here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
. "$here/lib/tap.sh"

series()
{
	sed -e 's/#.*//' -e '/^ *$/d' "$1/series"
}

check_series()
{
	local dir=$1 level=$2 p out

	for p in $(series "$dir"); do
		tap_ok "grep -q '^Signed-off-by: ' '$dir/$p'" "$p: signed off"
		out=$(cd "$dir" && "${KERNEL_SRC:?}/scripts/checkpatch.pl" $level --no-tree \
			--quiet "$p" 2>&1 | grep -E '^(ERROR|WARNING|CHECK)' | head -n 3 || true)
		tap_ok "[ -z \"\$out\" ]" "$p: clean under checkpatch $level${out:+ ($out)}"
	done
}

check_series "$top/kernel/patches" --strict
check_series "$top/kexec/patches" ""
tap_ok "cmp -s '$top/include/efi_bs_ranges.h' '$KERNEL_SRC/arch/x86/include/uapi/asm/efi_bs_ranges.h'" \
	"include/efi_bs_ranges.h is the header the kernel series adds, byte for byte"
tap_done
