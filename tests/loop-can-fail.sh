#!/bin/bash
# loop-can-fail.sh - the kexec loop must be able to fail.
#  - Its leak invariant must catch a leak: generation 1 booted with
#    efi=debug, two hops without it.  On stock, whose kexec'd kernels keep
#    every boot-services range they are handed, invariant 1 must fail at
#    every hop; on ours it must pass.
#  - QEMU killed in the middle of a hop is a failure, with the last 30
#    console lines, and every invariant of the hops that did not happen
#    fails.
#  - A kexec that fails in the guest fails the boot: the guest ends with
#    FAILED, not DONE, and qemu_boot refuses any *-FAIL marker.
# The stock run also shows our kexec-tools on a kernel without the table:
# it must say nothing.
#
# Usage: tests/loop-can-fail.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
HOPS=2

here=$(dirname "$0")
. "$here/lib/qemu.sh"
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

# t.bad naming no rule: bstable cannot make the table, kexec is never run
failed_kexec()
{
	if qemu_boot failed-kexec "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" \
		512M "console=ttyS0 t.mode=kexec t.hops=1 t.bad=no-such-rule" >"$RUN_DIR/failed-kexec.out"; then
		echo passed
	else
		echo failed
	fi
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
boot=$(failed_kexec)
tap_ok "[ '$boot' = failed ] && grep -q 'the guest reported KEXEC-FAIL gen=1' '$RUN_DIR/failed-kexec.out' && [ \"\$(qemu_markers failed-kexec | tail -n 1 | cut -d' ' -f1)\" = FAILED ]" \
	"a kexec that fails in the guest fails the boot, and the guest ends with FAILED (boot $boot: $(grep -o 'the guest [a-z]* [A-Z-]*' "$RUN_DIR/failed-kexec.out" | head -n 1))"
tap_done
