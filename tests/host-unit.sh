#!/bin/bash
# host-unit.sh - run the host unit tests (each prints TAP) as one TAP
# stream: the kernel's range-table rules (its KUnit suite, through a
# host shim) and kexec-tools' efi-ranges.c.
#
# Usage: tests/host-unit.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   HOST_BIN: where mk/host-tests.mk put the test programs
set -eu

RUN_DIR=$1
here=$(dirname "$0")
. "$here/lib/tap.sh"

run_unit()
{
	local prog=$1 out=$RUN_DIR/$1.out rc=0

	"${HOST_BIN:?}/$prog" >"$out" 2>&1 || rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*)		tap_pass "$prog: ${line#* - }" ;;
		"not ok "*)	tap_fail "$prog: ${line#* - }" ;;
		"#"*|"    #"*) echo "$line" ;;
		esac
	done <"$out"
	[ "$rc" = 0 ] || tap_fail "$prog exited $rc (sanitizer report in $out)"
}

run_unit bs_ranges_test
run_unit efi_ranges_test
tap_done
