#!/bin/bash
# demo.sh - what this project does, in one run: boot the patched kernel
# under OVMF, kexec a few times (kexec -l and kexec -s -l in turn), crash
# into a kdump kernel and save the dump, then report what became of EFI
# boot-services memory at each step.
#
# Usage: tests/demo.sh RUN_DIR IMAGES_DIR [KERNEL]
set -eu

RUN_DIR=$1
IMAGES=$2
KERNEL=${3:-ours}
HOPS=3

here=$(dirname "$0")
. "$here/lib/qemu.sh"

summary()
{
	qemu_markers "$1" | grep -E '^(BSTABLE|DMESG .*(Boot services memory|range table)|KEXEC|CRASH|DUMP|DUMP-DMESG|CAPTURE) ' |
		sed -E 's/ (own|pages|crc|firmware)=[^ ]*//g; s/^/  /'
}

mkdir -p "$RUN_DIR"
rc=0
echo "== $KERNEL: boot under OVMF, then $HOPS kexec hops (kexec -l, kexec -s -l, ...)"
"$here/kexec-loop.sh" -n $HOPS -k "$KERNEL" "$RUN_DIR" "$IMAGES" >"$RUN_DIR/kexec-loop.tap" 2>/dev/null || rc=1
summary kexec-loop
echo "  per hop: $RUN_DIR/kexec-loop.csv"
if command -v column >/dev/null; then
	column -s, -t <"$RUN_DIR/kexec-loop.csv"
else
	cat "$RUN_DIR/kexec-loop.csv"
fi | sed 's/^/    /'

echo "== $KERNEL: crashkernel=, kexec -p, sysrq-c, makedumpfile in the capture kernel"
"$here/kdump.sh" -k "$KERNEL" "$RUN_DIR" "$IMAGES" >"$RUN_DIR/kdump.tap" 2>/dev/null || rc=1
summary kdump-after-hop0-c

echo "== checks: $(cat "$RUN_DIR"/*.tap | grep -c '^ok ') passed, $(cat "$RUN_DIR"/*.tap | grep -c '^not ok ') failed; everything in $RUN_DIR"
[ "$rc" = 0 ] && echo "demo: ok" || echo "demo: FAILED"
exit $rc
