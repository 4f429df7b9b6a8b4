#!/bin/bash
# loop-can-fail.sh - the kexec loop's leak invariant must catch a leak:
# generation 1 booted with efi=debug, two hops without it.  On stock,
# whose kexec'd kernels keep every boot-services range they are handed,
# invariant 1 must fail at every hop; on ours it must pass.
#
# Usage: tests/loop-can-fail.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
HOPS=2

here=$(dirname "$0")
. "$here/lib/tap.sh"

leak_points()
{
	"$here/kexec-loop.sh" -n $HOPS -k "$1" -e "$RUN_DIR/$1" "$IMAGES" 2>/dev/null |
		grep -E '^(not )?ok .* no leak' || true
}

stock=$(leak_points stock)
ours=$(leak_points ours)
echo "$stock" | sed 's/^/# stock: /'
echo "$ours" | sed 's/^/# ours: /'
tap_ok "[ \"\$(echo \"\$stock\" | grep -c '^not ok')\" = $HOPS ]" \
	"stock after efi=debug: the leak invariant fails at all $HOPS hops"
tap_ok "[ \"\$(echo \"\$ours\" | grep -c '^ok')\" = $HOPS ]" \
	"ours after efi=debug: the leak invariant passes at all $HOPS hops"
tap_done
