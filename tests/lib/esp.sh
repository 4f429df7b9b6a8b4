# tests/lib/esp.sh - Secure Boot under QEMU + OVMF: the firmware builds
# and an ESP with a signed chain for qemu_boot's QEMU_ESP.  Sourced by the
# tests after tests/lib/qemu.sh; needs RUN_DIR, and CACHE (the Makefile's
# by default).
#
# OVMF_CODE_4M.fd and Debian's snakeoil keys: a firmware build enrols
# its own PkKek-1-snakeoil certificate in its OVMF_VARS_4M.snakeoil.fd,
# and the builds differ (2022.11's and 2026.08's are not the same key):
# sign with the pair of the build booted.  ROOT names a build by where
# Debian's package is unpacked: / for the system's ovmf (2022.11),
# $FW_OVMF_NEW for mk/firmware.mk's ovmf-generic (2026.08).
#
# esp_firmware		sets FW_OVMF_NEW, FW_OVMF_NEW_VERSION, FW_SDBOOT,
#			FW_SDBOOT_VERSION and their *_UNAVAILABLE files, as
#			mk/firmware.mk names them (make firmware fetches them)
# esp_missing DIR	why DIR (FW_OVMF_NEW, FW_SDBOOT) is not there, on one
#			line, for an explicit skip; status 1 and nothing
#			printed when it is
# esp_snakeoil ROOT	sets OVMF_CODE and OVMF_VARS to the Secure Boot build
#			of ROOT with its snakeoil keys enrolled (with
#			QEMU_SB=1); status 1 if ROOT has none
# esp_build NAME ROOT KERNEL INITRD CMDLINE [unsigned]
#			builds the ESP $RUN_DIR/NAME.esp and sets ESP_DIR to
#			it:
#			  \EFI\BOOT\BOOTX64.EFI	 Debian 12's systemd-boot,
#						 signed with ROOT's key
#			  \vmlinuz		 KERNEL, signed the same way
#						 (as it is with "unsigned")
#			  \initrd.img		 INITRD
#			  \loader\loader.conf	 no menu, the one entry
#			  \loader\entries\efi-ranges.conf
#						 options "panic=-1 CMDLINE"
#			The key is decrypted (passphrase "snakeoil", given to
#			openssl on a file descriptor, never on a command line)
#			into $RUN_DIR/NAME.sign/, mode 0600 in a 0700
#			directory, by a subshell that removes it on every way
#			out (signed, failed, INT, TERM or HUP); sbsign's output is
#			in NAME.sign/log.  Both signatures are checked with
#			sbverify against ROOT's certificate.  Prints why and
#			returns 1 on failure.
#
# Booting it:  QEMU_SB=1 QEMU_ESP=$ESP_DIR qemu_boot NAME "" "" MEM ""

# the build cache, as the Makefile names it
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/efi-ranges}
ESP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

esp_firmware()
{
	local env

	# MAKEFLAGS: not the flags of a make check above the suite
	env=$(MAKEFLAGS='' make -s --no-print-directory -C "$ESP_TOP" -f mk/firmware.mk \
		CACHE="$CACHE" print-env) || return 1
	eval "$env"
}

esp_missing()
{
	[ -d "$1" ] && return 1
	if [ -f "$1.unavailable" ]; then
		head -n 1 "$1.unavailable"
	else
		echo "${1##*/} is not in the cache: make firmware fetches it"
	fi
}

esp_snakeoil()
{
	local root=${1%/}

	OVMF_CODE=$root/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
	OVMF_VARS=$root/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
	[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] && return 0
	echo "# esp_snakeoil: no Secure Boot build with snakeoil keys under ${1}"
	return 1
}

# esp_sign DIR CERT IN OUT: sign IN as OUT with DIR/snakeoil.key, check it
esp_sign()
{
	sbsign --key "$1/snakeoil.key" --cert "$2" --output "$4" "$3" >>"$1/log" 2>&1 &&
		sbverify --cert "$2" "$4" >>"$1/log" 2>&1
}

esp_build()
{
	local name=$1 root=${2%/} kernel=$3 initrd=$4 cmdline=$5 how=${6:-signed}
	local esp=$RUN_DIR/$1.esp sign=$RUN_DIR/$1.sign
	local enc=$root/usr/share/ovmf/PkKek-1-snakeoil.key
	local cert=$root/usr/share/ovmf/PkKek-1-snakeoil.pem
	local sdboot f rc=0

	ESP_DIR=""
	[ -n "${FW_SDBOOT:-}" ] || esp_firmware || return 1
	sdboot=$FW_SDBOOT/usr/lib/systemd/boot/efi/systemd-bootx64.efi
	for f in "$enc" "$cert" "$sdboot" "$kernel" "$initrd"; do
		[ -f "$f" ] && continue
		echo "# esp_build $name: no $f"
		[ "$f" = "$sdboot" ] && echo "# esp_build $name: $(esp_missing "$FW_SDBOOT")"
		return 1
	done
	case $how in
	signed | unsigned) ;;
	*)	echo "# esp_build $name: \"$how\" is neither signed nor unsigned"
		return 1 ;;
	esac
	rm -rf "$esp" "$sign"
	mkdir -p "$esp/EFI/BOOT" "$esp/loader/entries"
	mkdir -m 0700 "$sign"
	# The decrypted key lives only as long as this subshell: its EXIT
	# trap removes it, and a signal exits it through that trap (bash
	# runs no EXIT trap for a signal left to its default).  The
	# caller's traps are untouched.
	(
		trap 'rm -f "$sign/snakeoil.key"' EXIT
		trap 'exit 129' HUP
		trap 'exit 130' INT
		trap 'exit 143' TERM
		umask 077
		# && rather than set -e, which a subshell left of || ignores
		openssl pkey -in "$enc" -passin fd:3 -out "$sign/snakeoil.key" 3<<<snakeoil &&
			esp_sign "$sign" "$cert" "$sdboot" "$esp/EFI/BOOT/BOOTX64.EFI" &&
			{ [ "$how" != signed ] || esp_sign "$sign" "$cert" "$kernel" "$esp/vmlinuz"; }
	) >>"$sign/log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "# esp_build $name: signing with $enc failed:"
		sed 's/^/#   /' "$sign/log"
		return 1
	fi
	[ "$how" = signed ] || cp "$kernel" "$esp/vmlinuz"
	cp "$initrd" "$esp/initrd.img"
	printf 'timeout 0\ndefault efi-ranges.conf\nconsole-mode keep\n' >"$esp/loader/loader.conf"
	printf 'title efi-ranges %s\nlinux /vmlinuz\ninitrd /initrd.img\noptions panic=-1 %s\n' \
		"$name" "$cmdline" >"$esp/loader/entries/efi-ranges.conf"
	ESP_DIR=$esp
}
