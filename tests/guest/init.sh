#!/bin/sh
# /init of the test initramfs (busybox ash).  What it does is read from
# the kernel command line; every line the host acts on starts with "T: ".
#
#   t.mode=report    print the figures of this boot, power off (default)
#   t.mode=kexec     report, then kexec into /boot/vmlinuz with t.gen+1
#                    until t.gen > t.hops, then power off
#   t.mode=kdump     report, load the capture kernel (kexec -p), crash
#   t.mode=capture   (set by kdump) save /proc/vmcore with makedumpfile
#   t.mode=shell     a shell on the console
#   t.gen=N          generation: 1 when booted by the firmware
#   t.hops=N         kexec hops to make in kexec mode (default 3)
#   t.kx=c|s|alt     kexec_load (c), kexec_file_load (s), or alternate
#                    starting with kexec_load (default alt)
#   t.next=W1,W2     words added to the command line of later generations
#   t.drop=W1,W2     words removed from it (e.g. efi=debug after gen 1)

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /tmp /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs -o size=80% tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

CMDLINE=$(cat /proc/cmdline)

arg()
{
	local v
	v=$(echo " $CMDLINE " | tr ' ' '\n' | grep "^$1=" | tail -n 1 | cut -d= -f2-)
	echo "${v:-$2}"
}

MODE=$(arg t.mode report)
GEN=$(arg t.gen 1)
HOPS=$(arg t.hops 3)
KX=$(arg t.kx alt)

uptime_s()
{
	cut -d' ' -f1 /proc/uptime
}

# MemFree does not count free pages parked on the per-CPU lists, which
# swing by megabytes from boot to boot; FreeKiB adds them back
# (/proc/zoneinfo "count:" of every pageset).
meminfo()
{
	awk '/^(MemTotal|MemFree):/ { printf " %s%s", $1, $2 }' /proc/meminfo |
		sed 's/:/=/g'
	awk '/^MemFree:/ { free = $2 } END { printf " FreeKiB=%d", free + pcp * 4 }
		FILENAME ~ /zoneinfo/ && $1 == "count:" { pcp += $2 }' \
		/proc/zoneinfo /proc/meminfo
}

report()
{
	echo "T: MEMINFO gen=$GEN$(meminfo)"
	bscount -v 2>&1 | sed 's/^T: BSRANGE/T: BSRANGE gen='"$GEN"'/'
	dmesg | grep -E 'Freeing EFI boot services memory|efi: .*boot.services' |
		sed 's/^/T: DMESG gen='"$GEN"' /'
}

console_clean()
{
	if dmesg | grep -qE 'BUG:|WARNING:|Call Trace:|Oops|Bad page state|page_poison|Kernel panic'; then
		dmesg | grep -E -A 3 'BUG:|WARNING:|Call Trace:|Oops|Bad page state|page_poison' |
			head -n 20 | sed 's/^/T: DMESG-BAD gen='"$GEN"' /'
		echo "T: CONSOLE gen=$GEN clean=no"
	else
		echo "T: CONSOLE gen=$GEN clean=yes"
	fi
}

# QEMU runs with -no-reboot, so a reboot ends it; this tiny kernel has
# no ACPI sleep support, hence no power-off.
power_off()
{
	echo "T: DONE gen=$GEN uptime=$(uptime_s)"
	sync
	reboot -f
	echo b >/proc/sysrq-trigger
	sleep 10
}

# The next generation's command line: ours minus t.gen and what t.drop
# names, plus what t.next names, plus the next generation number.
next_cmdline()
{
	local w out=""

	for w in $CMDLINE; do
		case "$w" in
		t.gen=*|t.mode=*|initrd=*|elfcorehdr=*) continue ;;
		esac
		case ",$(arg t.drop ''),," in
		*",$w,"*) continue ;;
		esac
		out="$out $w"
	done
	for w in $(arg t.next '' | tr ',' ' '); do
		case " $out " in
		*" $w "*) ;;
		*) out="$out $w" ;;
		esac
	done
	echo "${out# } $1"
}

# The capture kernel keeps nothing of the crashed kernel's crashkernel=.
capture_cmdline()
{
	next_cmdline "t.gen=$GEN t.mode=capture irqpoll nr_cpus=1 reset_devices" |
		sed -E 's/(^| )crashkernel=[^ ]*//g'
}

# The running rootfs, packed again as the next kernel's initramfs.  The
# mount points proc, sys, dev and tmp are not crossed (-xdev).
repack_rootfs()
{
	(cd / && find . -xdev | cpio -o -H newc 2>/dev/null) >/tmp/next-initrd.cpio
}

kexec_method()
{
	case "$KX" in
	c|s)	echo "$KX" ;;
	*)	[ $((GEN % 2)) = 1 ] && echo c || echo s ;;
	esac
}

do_kexec()
{
	local next=$((GEN + 1)) method opt

	method=$(kexec_method)
	[ "$method" = s ] && opt=-s || opt=-c
	repack_rootfs
	if ! kexec $opt -l /boot/vmlinuz --initrd=/tmp/next-initrd.cpio \
		--command-line="$(next_cmdline "t.gen=$next t.mode=kexec")" 2>&1 | sed 's/^/T: KEXEC-OUT /'; then
		echo "T: KEXEC-FAIL gen=$GEN method=$method"
		power_off
	fi
	echo "T: KEXEC gen=$GEN next=$next method=$method uptime=$(uptime_s)"
	sync
	kexec -e
	echo "T: KEXEC-FAIL gen=$GEN method=$method (kexec -e returned)"
	power_off
}

do_kdump()
{
	local opt

	[ "$(kexec_method)" = s ] && opt=-s || opt=-c
	repack_rootfs
	if ! kexec $opt -p /boot/vmlinuz --initrd=/tmp/next-initrd.cpio \
		--command-line="$(capture_cmdline)" \
		2>&1 | sed 's/^/T: KEXEC-OUT /'; then
		echo "T: KDUMP-FAIL gen=$GEN (kexec -p)"
		power_off
	fi
	echo "T: CRASH gen=$GEN loaded=$(cat /sys/kernel/kexec_crash_loaded) uptime=$(uptime_s)"
	sync
	echo c >/proc/sysrq-trigger
	sleep 10
	echo "T: KDUMP-FAIL gen=$GEN (still alive after sysrq-c)"
	power_off
}

do_capture()
{
	local t0 t1 rc

	echo "T: CAPTURE gen=$GEN vmcore=$(stat -c %s /proc/vmcore 2>&1)$(meminfo)"
	t0=$(uptime_s)
	makedumpfile -l -d 31 /proc/vmcore /tmp/vmcore >/tmp/makedumpfile.log 2>&1
	rc=$?
	t1=$(uptime_s)
	sed 's/^/T: MAKEDUMPFILE-OUT /' /tmp/makedumpfile.log | tr -d '\r' | grep -v '^T: MAKEDUMPFILE-OUT *$'
	echo "T: DUMP rc=$rc bytes=$(stat -c %s /tmp/vmcore 2>/dev/null || echo 0) seconds=$(awk "BEGIN { print $t1 - $t0 }")"
	makedumpfile --dump-dmesg /tmp/vmcore /tmp/dmesg.txt >/dev/null 2>&1
	echo "T: DUMP-DMESG rc=$? panic_lines=$(grep -c 'Kernel panic - not syncing: sysrq triggered crash' /tmp/dmesg.txt 2>/dev/null)"
	power_off
}

echo "T: INIT gen=$GEN mode=$MODE kernel=$(uname -r) uptime=$(uptime_s)"
case "$MODE" in
shell)
	exec sh
	;;
capture)
	do_capture
	;;
kdump)
	report
	console_clean
	do_kdump
	;;
kexec)
	report
	console_clean
	[ "$GEN" -gt "$HOPS" ] && power_off
	do_kexec
	;;
*)
	report
	console_clean
	power_off
	;;
esac
