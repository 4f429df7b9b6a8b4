#!/bin/bash
# deps.sh - install what the build and the tests need from Debian's
# packages, and fetch the kexec-tools and makedumpfile sources.
# Idempotent: a second run only checks and prints nothing but "deps: ok".
#
# Usage: scripts/deps.sh DOWNLOAD_DIR [LINUX...]
#   LINUX: the kernel bases wanted, 6.12 (bookworm) and/or 7.3
#   (trixie-backports, pinned so that nothing else comes from there);
#   6.12 alone by default.
set -eu

DL=${1:?usage: deps.sh DOWNLOAD_DIR [LINUX...]}
shift
LINUX_BASES=${*:-6.12}
# The versions the measurements were made on, taken while still served
declare -A LINUX_SOURCE_WANT=([6.12]=6.12.117-1~deb12u1 [7.3]=7.3.4-1~bpo13+1)
BACKPORTS_LIST=/etc/apt/sources.list.d/efi-ranges-trixie-backports.sources
BACKPORTS_PIN=/etc/apt/preferences.d/efi-ranges-trixie-backports
PACKAGES="gcc make flex bison bc libelf-dev libssl-dev cpio ccache dpkg-dev
	qemu-system-x86 ovmf busybox-static xz-utils patch
	gzip perl gnuplot-nox zlib1g-dev liblzma-dev makedumpfile
	clang-14 libclang-rt-14-dev
	swtpm sbsigntool openssl debian-archive-keyring"
# Debian serves makedumpfile 1.7.2's .dsc but not its tarballs (404), so
# the guest uses the binary package; only kexec-tools is built from source.
SOURCES="kexec-tools"
SRC_LIST=/etc/apt/sources.list.d/efi-ranges-deb-src.sources

apt_updated=0

apt_update_once()
{
	[ "$apt_updated" = 1 ] && return 0
	apt-get update -qq
	apt_updated=1
}

missing_packages()
{
	local p
	for p in $PACKAGES $(printf 'linux-source-%s ' $LINUX_BASES); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_packages()
{
	local missing base want
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0
	echo "deps: installing" $missing
	if echo "$missing" | grep -qx linux-source-7.3; then
		add_backports
	fi
	apt_update_once
	# each linux-source pinned to the measured version while it is served
	for base in $LINUX_BASES; do
		echo "$missing" | grep -qx "linux-source-$base" || continue
		want=${LINUX_SOURCE_WANT[$base]}
		if apt-cache madison "linux-source-$base" | grep -q "| $want |"; then
			missing=$(echo "$missing" | sed "s/^linux-source-$base\$/linux-source-$base=$want/")
		else
			echo "deps: WARNING: linux-source-$base $want is no longer served; taking the newest $base" >&2
		fi
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# The mirror this machine's apt uses for bookworm
debian_mirror()
{
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
		grep -v security | head -n 1)
	[ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\)[[:space:]]\+bookworm[[:space:]].*/\2/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	[ -n "$uri" ] || { echo "deps: no Debian mirror for bookworm in apt's sources" >&2; return 1; }
	echo "$uri"
}

# trixie-backports, for linux-source-7.3 and nothing else: every other
# package there is pinned below anything installable
add_backports()
{
	local mirror

	[ -f "$BACKPORTS_LIST" ] && [ -f "$BACKPORTS_PIN" ] && return 0
	mirror=$(debian_mirror)
	echo "deps: adding trixie-backports for linux-source-7.3 only ($BACKPORTS_PIN)"
	cat >"$BACKPORTS_PIN" <<EOT
Package: linux-source-7.3
Pin: release n=trixie-backports
Pin-Priority: 500

Package: *
Pin: release n=trixie-backports
Pin-Priority: -1
EOT
	cat >"$BACKPORTS_LIST" <<EOT
Types: deb
URIs: $mirror
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt_updated=0
}

have_deb_src()
{
	grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

add_deb_src()
{
	local mirror

	have_deb_src && return 0
	mirror=$(debian_mirror)
	echo "deps: no deb-src entry found; adding $SRC_LIST for bookworm"
	cat >"$SRC_LIST" <<EOT
Types: deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt_updated=0
}

fetch_sources()
{
	local s
	mkdir -p "$DL"
	for s in $SOURCES; do
		ls "$DL/${s}_"*.dsc >/dev/null 2>&1 && continue
		add_deb_src
		apt_update_once
		echo "deps: apt-get source $s"
		(cd "$DL" && apt-get source -qq --download-only "$s")
	done
}

install_packages
fetch_sources
echo "deps: ok"
