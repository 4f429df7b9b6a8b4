#!/bin/bash
# patches.sh - the kernel and kexec-tools series as a maintainer would
# take them: every patch signed off and clean under the kernel's
# checkpatch (--strict for the kernel; kexec-tools keeps its own spacing
# of option numbers, which only --strict minds), and the wire format in
# include/ identical to the header the kernel series adds.  And the
# series' KUnit suite cannot be configured as a module: it exports
# nothing, so a module would not link.
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

# kunit_as KUNIT: configure the patched tree with KUnit=KUNIT and the
# suite asked for as a module; print what the suite became
kunit_as()
{
	local out=$RUN_DIR/kconfig-kunit-$1

	rm -rf "$out"
	mkdir -p "$out"
	printf '%s\n' CONFIG_64BIT=y CONFIG_ACPI=y CONFIG_EFI=y CONFIG_MODULES=y \
		"CONFIG_KUNIT=$1" CONFIG_EFI_BS_RANGES_KUNIT_TEST=m >"$out/suite-m.config"
	make -s -C "$KERNEL_SRC" O="$out" ARCH=x86_64 tinyconfig >/dev/null 2>&1 &&
		(cd "$out" && "$KERNEL_SRC/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$out/suite-m.config" >/dev/null 2>&1) &&
		make -s -C "$KERNEL_SRC" O="$out" ARCH=x86_64 olddefconfig </dev/null >/dev/null 2>&1 &&
		{ sed -n 's/^CONFIG_EFI_BS_RANGES_KUNIT_TEST=//p' "$out/.config" | grep . ||
			echo "not set"; }
}

# absolute: the kernel's make runs in its own tree
RUN_DIR=$(realpath "${1:?usage: patches.sh RUN_DIR IMAGES_DIR}")
for kunit in m y; do
	became=$(kunit_as $kunit) || became=""
	tap_ok "[ -n '$became' ] && [ '$became' != m ]" \
		"KUnit=$kunit, the efi_bs_ranges suite asked for as a module: it is not one (${became:-kconfig failed})"
done

check_series "$top/kernel/patches" --strict
check_series "$top/kexec/patches" ""
tap_ok "cmp -s '$top/include/efi_bs_ranges.h' '$KERNEL_SRC/arch/x86/include/uapi/asm/efi_bs_ranges.h'" \
	"include/efi_bs_ranges.h is the header the kernel series adds, byte for byte"
tap_done
