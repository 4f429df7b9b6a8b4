#!/bin/bash
# mkinitramfs.sh - pack the test initramfs, reproducibly: busybox-static,
# the guest /init and checkers, kexec (ours and Debian's), Debian's
# makedumpfile with its libraries, and the kernel itself in /boot so the
# guest can kexec into it.
#
# Usage: scripts/mkinitramfs.sh BZIMAGE GUEST_BIN_DIR KEXEC_OURS KEXEC_STOCK OUT
set -eu

kernel=$1 guest_bin=$2 kexec_ours=$3 kexec_stock=$4 out=$5
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
# the image is written beside OUT under a name of its own, then renamed
# over OUT: a test reading OUT meanwhile sees the old image or the new
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -rf "$root" "$tmp"' EXIT

copy_with_libs()
{
	local bin=$1 dest=$2 lib

	install -D -m755 "$bin" "$root$dest"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		install -D -m755 "$(readlink -f "$lib")" "$root$lib"
	done
}

populate()
{
	local a

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,boot,carry}
	install -m755 /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	install -m755 "$here/tests/guest/init.sh" "$root/init"
	install -m755 "$guest_bin"/* "$root/bin/"
	install -m755 "$kexec_ours" "$root/sbin/kexec"
	install -m755 "$kexec_stock" "$root/sbin/kexec-stock"
	copy_with_libs /usr/bin/makedumpfile /usr/bin/makedumpfile
	install -m644 "$kernel" "$root/boot/vmlinuz"
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
}

pack()
{
	find "$root" -exec touch -h -d @0 {} +
	(cd "$root" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -6 >"$tmp"
	chmod 644 "$tmp"
	mv "$tmp" "$out"
}

populate
pack
