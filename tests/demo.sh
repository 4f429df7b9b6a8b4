#!/bin/bash
# demo.sh - boot the patched kernel under OVMF, kexec a few times (both
# syscalls), crash into a kdump kernel, save the dump, and print what
# happened to EFI boot-services memory at each step.
#
# Usage: tests/demo.sh RUN_DIR IMAGES_DIR [KERNEL]
set -eu

RUN_DIR=$1
IMAGES=$2
KERNEL=${3:-ours}
MEM=512M
HOPS=3

here=$(dirname "$0")
. "$here/lib/qemu.sh"

report_boot()
{
	qemu_markers "$1" | grep -E '^(INIT|MEMINFO|BSCOUNT|DMESG|CONSOLE|KEXEC|CRASH|CAPTURE|DUMP|DUMP-DMESG|DONE) ' |
		sed 's/^/  /'
}

mkdir -p "$RUN_DIR"
rc=0
echo "== $KERNEL: boot, then $HOPS kexec hops alternating kexec -l and kexec -s -l"
qemu_boot demo-kexec "$IMAGES/bzImage-$KERNEL" "$IMAGES/initramfs-$KERNEL.cpio.gz" $MEM \
	"console=ttyS0 memblock=debug log_buf_len=8M t.mode=kexec t.hops=$HOPS t.drop=memblock=debug" || rc=1
report_boot demo-kexec

echo "== $KERNEL: boot with crashkernel=, load a capture kernel (kexec -p), crash with sysrq-c"
qemu_boot demo-kdump "$IMAGES/bzImage-$KERNEL" "$IMAGES/initramfs-$KERNEL.cpio.gz" $MEM \
	"console=ttyS0 memblock=debug log_buf_len=8M t.mode=kdump crashkernel=128M" || rc=1
report_boot demo-kdump

echo "== serial logs in $RUN_DIR"
[ "$rc" = 0 ] && echo "demo: ok" || echo "demo: FAILED"
exit $rc
