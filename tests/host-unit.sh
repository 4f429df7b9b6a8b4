#!/bin/bash
# host-unit.sh - run the host unit tests (each prints TAP) as one TAP
# stream: the kernel's range-table rules (its KUnit suite, through a
# host shim) and the kexec-tools series' efi-ranges.c and mem_regions.c;
# then fuzz the table parsers for FUZZ_SECONDS (60), kexec-tools' checks
# against the kernel's, with a corpus kept in FUZZ_CORPUS.
#
# Usage: tests/host-unit.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   HOST_BIN: where mk/host-tests.mk put the test programs
#   SKIP_UNIT=1: fuzz only (make fuzz)
set -eu

mkdir -p "$1"
RUN_DIR=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
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

# fuzz_clean RC RUNS: libFuzzer exited 0 after running some inputs
fuzz_clean()
{
	[ "$1" = 0 ] || { echo "fuzz_table exited $1"; return 1; }
	tap_int "stat::number_of_executed_units" "$2" 1
}

fuzz()
{
	local secs=${FUZZ_SECONDS:-60} corpus=${FUZZ_CORPUS:-$RUN_DIR/fuzz-corpus}
	local log=$RUN_DIR/fuzz_table.log rc=0 runs

	mkdir -p "$corpus"
	(cd "$RUN_DIR" && "${HOST_BIN:?}/fuzz_table" -max_total_time="$secs" -max_len=8192 \
		-print_final_stats=1 "$corpus" "$here/host/fuzz-seeds") >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	tap_check "fuzz_table: ${runs:-no} inputs in ${secs}s, $( [ $rc = 0 ] && echo 0 || echo 'a') crash or disagreement between kexec-tools and the kernel (log: $log)" \
		fuzz_clean "$rc" "$runs"
}

if [ -z "${SKIP_UNIT:-}" ]; then
	run_unit bs_ranges_test
	run_unit efi_ranges_test
fi
fuzz
tap_done
