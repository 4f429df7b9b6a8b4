#!/bin/bash
# patches.sh - the kernel and kexec-tools series as a maintainer would
# take them: every patch signed off and clean under the kernel's
# checkpatch (--strict for the kernel; kexec-tools keeps its own spacing
# of option numbers, which only --strict minds), and the wire format in
# include/ identical to the header the kernel series adds.  And the
# series' KUnit suite cannot be configured as a module: it exports
# nothing, so a module would not link.
#
# The kernel series of the base LINUX (6.12, the default, or 7.3: each
# checked under its own patched tree's checkpatch, MAINTAINERS and
# Kconfig); the kexec-tools series with 6.12's.
#
# Usage: tests/patches.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   KERNEL_SRC, KERNEL_SRC_73: the patched `ours' trees of 6.12 and 7.3
set -eu

LINUX=${LINUX:-6.12}

here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
. "$here/lib/tap.sh"

series()
{
	sed -e 's/#.*//' -e '/^ *$/d' "$1/series"
}

# checkpatch_clean DIR LEVEL PATCH: checkpatch ran (it ends with its
# "total: N errors, ..." line) and found nothing (it exits 0 only then);
# prints the first findings.  A Fixes: tag names an upstream commit that
# checkpatch looks up in the git history it runs in; Debian's tarball has
# none, so it can only say it does not know it (UNKNOWN_COMMIT_ID): that
# one is ignored, the tag's form is still checked.  So is
# FILE_PATH_CHANGES, which asks of every patch that adds a file whether
# it also touches MAINTAINERS, not whether the file has a maintainer:
# maintained() asks that instead.
checkpatch_clean()
{
	local out rc=0

	out=$(cd "$1" && "${TREE:?}/scripts/checkpatch.pl" ${2:+"$2"} --no-tree \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$3" 2>&1) || rc=$?
	printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK)' | head -n 3
	printf '%s\n' "$out" | grep -q '^total: [0-9]* errors' ||
		{ echo "checkpatch did not run: $(printf '%s\n' "$out" | tail -n 1)"; return 1; }
	[ "$rc" = 0 ] || { echo "checkpatch exited $rc"; return 1; }
}

# added_files PATCH: the files PATCH creates
added_files()
{
	awk '/^diff --git / { path = substr($4, 3) } /^new file mode / { print path }' "$1"
}

# maintained PATCH: every file PATCH creates lies under an F: entry of the
# EFI section of the patched tree's MAINTAINERS, a directory (ending in /)
# or the file itself, so that its patches reach the EFI maintainers.  (The
# x86 section's arch/x86/ covers everything under it, and proves nothing.)
maintained()
{
	local file

	for file in $(added_files "$1"); do
		awk -v file="$file" '
			/^EXTENSIBLE FIRMWARE INTERFACE \(EFI\)$/ { efi = 1 }
			efi && /^$/ { exit }
			efi && /^F:/ && (($2 ~ /\/$/ && index(file, $2) == 1) || $2 == file) { found = 1; exit }
			END { exit !found }' "${TREE:?}/MAINTAINERS" ||
			{ echo "$file: not in the EFI entry of MAINTAINERS"; return 1; }
	done
}

check_series()
{
	local dir=$1 level=$2 p

	for p in $(series "$dir"); do
		tap_check "$p: signed off" grep -q '^Signed-off-by: ' "$dir/$p"
		tap_check "$p: clean under checkpatch${level:+ $level}" checkpatch_clean "$dir" "$level" "$p"
	done
}

# kunit_as KUNIT: configure the patched tree with KUnit=KUNIT and the
# suite asked for as a module; print what the suite became
kunit_as()
{
	local out=$RUN_DIR/kconfig-kunit-$1

	rm -rf "$out"
	mkdir -p "$out"
	printf '%s\n' CONFIG_64BIT=y CONFIG_ACPI=y CONFIG_EFI=y CONFIG_MODULES=y \
		"CONFIG_KUNIT=$1" CONFIG_EFI_BS_RANGES_KUNIT_TEST=m >"$out/suite-m.config"
	make -s -C "$TREE" O="$out" ARCH=x86_64 tinyconfig >/dev/null 2>&1 &&
		(cd "$out" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$out/suite-m.config" >/dev/null 2>&1) &&
		make -s -C "$TREE" O="$out" ARCH=x86_64 olddefconfig </dev/null >/dev/null 2>&1 &&
		{ sed -n 's/^CONFIG_EFI_BS_RANGES_KUNIT_TEST=//p' "$out/.config" | grep . ||
			echo "not set"; }
}

# not_module VALUE: the suite became something, and not m
not_module()
{
	[ -n "$1" ] && [ "$1" != m ]
}

# absolute: the kernel's make runs in its own tree
RUN_DIR=$(realpath "${1:?usage: patches.sh RUN_DIR IMAGES_DIR}")
case $LINUX in
6.12)	TREE=${KERNEL_SRC:?} ;;
7.3)	TREE=${KERNEL_SRC_73:?} ;;
*)	echo "LINUX=$LINUX: 6.12 or 7.3" >&2; exit 2 ;;
esac
# a tree not built yet (make suites before make images): say so, not
# forty failed checks
if [ ! -f "$TREE/../.patched" ]; then
	tap_fail "the patched $LINUX tree $TREE exists (make images LINUX=$LINUX)"
	tap_done
	exit 1
fi
for kunit in m y; do
	became=$(kunit_as $kunit) || became=""
	tap_check "KUnit=$kunit, the efi_bs_ranges suite asked for as a module: it is not one (${became:-kconfig failed})" \
		not_module "$became"
done

check_series "$top/kernel/patches/$LINUX" --strict
for p in $(series "$top/kernel/patches/$LINUX"); do
	[ -z "$(added_files "$top/kernel/patches/$LINUX/$p")" ] ||
		tap_check "$LINUX/$p: the EFI entry of MAINTAINERS covers every file it adds" \
			maintained "$top/kernel/patches/$LINUX/$p"
done
tap_check "include/efi_bs_ranges.h is the header the $LINUX series adds, byte for byte" \
	cmp -s "$top/include/efi_bs_ranges.h" "$TREE/arch/x86/include/uapi/asm/efi_bs_ranges.h"
[ "$LINUX" != 6.12 ] || check_series "$top/kexec/patches" ""
tap_done
