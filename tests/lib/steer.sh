# tests/lib/steer.sh - one kexec -l hop whose segments kexec-tools must
# pack right below the end of a range, for the suites that check where
# segments land.  Sourced after qemu.sh and tap.sh; needs IMAGES and MEM.
#
# steered_hop WHAT BOOT KERNEL TOOLS STEER [WORDS [GEN]]
#			boots KERNEL (and its initramfs) as BOOT; generation
#			GEN (default 1) kexecs with TOOLS' kexec -l (ours or
#			stock, or one per generation as init.sh's t.kexec
#			takes them), its segments packed below the end of
#			STEER (init.sh's t.steer: memattr-table, or a reason
#			such as firmware:bgrt), listed by kexec -d
#			(t.segments=1); the generations before it kexec
#			with kexec -l too; WORDS are added to the command
#			line.  One test point, WHAT its prefix: generation
#			GEN + 1 booted.

steered_hop()
{
	local what=$1 boot=$2 kernel=$3 tools=$4 steer=$5 gen=${7:-1}
	local desc="${what}$kernel kernel, $tools kexec-tools: kexec -l in generation $gen with segments packed below $steer"

	if qemu_boot "$boot" "$IMAGES/bzImage-$kernel" "$IMAGES/initramfs-$kernel.cpio.gz" $MEM \
		"console=ttyS0 t.mode=kexec t.hops=$gen t.kx=c t.kexec=$tools t.steer=$steer t.steer_gen=$gen t.segments=1 ${6:-}" \
		$((gen + 1)); then
		tap_pass "$desc ($(qemu_field "$boot" STEER "$gen" range)), generation $((gen + 1)) booted"
	else
		tap_fail "$desc, generation $((gen + 1)) booted"
	fi
}
