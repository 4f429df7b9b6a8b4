# kho.sh - the kernel command-line words of Kexec HandOver (7.3) for the
# tests, one place for the scratch sizes.
#
# kho_words on|off: kho=on with scratch areas (lowmem, global, per node)
# that fit 512 MB, for the next kernel's segments and its allocations
# until its memory map is up (on); or with areas 512 MB cannot hold, so
# that KHO switches itself off at boot (off).  KHO's default, a multiple
# of what memblock has reserved, fits 512 MB here (52 MiB): it proves
# neither.
kho_words()
{
	case $1 in
	on)	echo "kho=on kho_scratch=16M,64M,16M" ;;
	off)	echo "kho=on kho_scratch=256M,256M,64M" ;;
	*)	return 1 ;;
	esac
}

# table_from BOOT GEN ROUTE: generation GEN of the QEMU run BOOT says it
# took its predecessor's table from ROUTE, KHO or setup_data (7.3 names it)
table_from()
{
	qemu_lines "$1" DMESG "$2" |
		grep -q "Inherited boot services range table: .*, from $3\$"
}
