#!/bin/bash
# loop-can-fail.sh - the kexec loop must be able to fail.
#  - Its leak invariant must catch a leak: generation 1 booted with
#    efi=debug, two hops without it.  On stock, whose kexec'd kernels keep
#    every boot-services range they are handed, invariant 1 must fail at
#    every hop; on ours it must pass.
#  - QEMU killed in the middle of a hop is a failure, with the last 30
#    console lines, and every invariant of the hops that did not happen
#    fails.
# The stock run also shows our kexec-tools on a kernel without the table:
# it must say nothing.
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

# Start a loop, kill QEMU once generation 1 has started its kexec.
killed_loop()
{
	local dir=$RUN_DIR/killed tap=$RUN_DIR/killed.tap pid i

	mkdir -p "$dir"
	"$here/kexec-loop.sh" -n $HOPS "$dir" "$IMAGES" >"$tap" 2>/dev/null &
	pid=$!
	for i in $(seq 240); do
		grep -q 'T: KEXEC gen=1 ' "$dir/kexec-loop.log" 2>/dev/null && break
		sleep 0.5
	done
	kill "$(cat "$dir/kexec-loop.pid" 2>/dev/null)" 2>/dev/null || true
	wait "$pid" || true
	cat "$tap"
}

stock=$(leak_points stock)
ours=$(leak_points ours)
echo "$stock" | sed 's/^/# stock: /'
echo "$ours" | sed 's/^/# ours: /'
tap_ok "[ \"\$(echo \"\$stock\" | grep -c '^not ok')\" = $HOPS ]" \
	"stock after efi=debug: the leak invariant fails at all $HOPS hops"
tap_ok "[ \"\$(echo \"\$ours\" | grep -c '^ok')\" = $HOPS ]" \
	"ours after efi=debug: the leak invariant passes at all $HOPS hops"
tap_ok "grep -q 'T: KEXEC gen=1 .*kexec=/sbin/kexec ' '$RUN_DIR/stock/kexec-loop.log' && ! grep -q 'T: KEXEC-OUT' '$RUN_DIR/stock/kexec-loop.log'" \
	"our kexec-tools on a kernel without the table loads as stock does and says nothing"
killed=$(killed_loop)
tap_ok "echo \"\$killed\" | grep -q '^not ok 1 - ' && echo \"\$killed\" | grep -q 'last 30 console lines' && [ \"\$(echo \"\$killed\" | grep -c '^ok ')\" -le 2 ]" \
	"QEMU killed during hop 1: reported as a failure with the last console lines ($(echo "$killed" | grep -c '^not ok') test points failed)"
tap_done
