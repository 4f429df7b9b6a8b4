# tests/lib/steer.sh - one kexec -l hop whose segments kexec-tools must
# pack right below the end of a range, for the suites that check where
# segments land.  Sourced after qemu.sh and tap.sh; needs IMAGES and MEM.
#
# steered_hop WHAT BOOT KERNEL TOOLS STEER [WORDS]
#			boots KERNEL (and its initramfs) as BOOT; generation
#			1 kexecs with TOOLS' kexec -l (ours or stock), its
#			segments packed below the end of STEER (init.sh's
#			t.steer: memattr-table, or a reason such as
#			firmware:bgrt), listed by kexec -d (t.segments=1);
#			WORDS are added to the command line.  One test
#			point, WHAT its prefix: generation 2 booted.

steered_hop()
{
	local what=$1 boot=$2 kernel=$3 tools=$4 steer=$5
	local desc="${what}$kernel kernel, $tools kexec-tools: kexec -l with segments packed below $steer"

	if qemu_boot "$boot" "$IMAGES/bzImage-$kernel" "$IMAGES/initramfs-$kernel.cpio.gz" $MEM \
		"console=ttyS0 t.mode=kexec t.hops=1 t.kx=c t.kexec=$tools t.steer=$steer t.segments=1 ${6:-}" 2; then
		tap_pass "$desc ($(qemu_field "$boot" STEER 1 range)), generation 2 booted"
	else
		tap_fail "$desc, generation 2 booted"
	fi
}
