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
for base in $LINUX_BASES; do
	[[ -v LINUX_SOURCE_WANT[$base] ]] ||
		{ echo "deps: no kernel base $base: ${!LINUX_SOURCE_WANT[*]}" >&2; exit 1; }
done
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

	# the pin holds whether or not something is installed now
	case " $LINUX_BASES " in *" 7.3 "*) add_backports ;; esac
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0
	echo "deps: installing" $missing
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

# The mirror this machine's apt uses for bookworm's main archive, from
# any of its sources, one-line or deb822
debian_mirror()
{
	local uri

	uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v RS= '{
		n = split($0, line, "\n"); types = suites = uris = ""
		for (i = 1; i <= n; i++) {
			if (line[i] ~ /^Types:/) types = " " substr(line[i], 7) " "
			if (line[i] ~ /^Suites:/) suites = " " substr(line[i], 8) " "
			if (line[i] ~ /^URIs:/) uris = substr(line[i], 6)
		}
		gsub(/\t/, " ", types); gsub(/\t/, " ", suites); sub(/^[ \t]+/, "", uris)
		if (types ~ / deb / && suites ~ / bookworm /) { split(uris, u, /[ \t]+/); print u[1]; exit }
	}')
	[ -n "$uri" ] || uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\)[[:space:]]\+bookworm[[:space:]].*/\2/p' |
		head -n 1)
	[ -n "$uri" ] || { echo "deps: no Debian mirror for bookworm in apt's sources" >&2; return 1; }
	echo "$uri"
}

# trixie-backports, for linux-source-7.3 and nothing else: every other
# package there is pinned below anything installable.  Written again
# whenever either file is not what it should be.
add_backports()
{
	local mirror pin list

	pin="Package: linux-source-7.3
Pin: release n=trixie-backports
Pin-Priority: 500

Package: *
Pin: release n=trixie-backports
Pin-Priority: -1"
	[ "$(cat "$BACKPORTS_PIN" 2>/dev/null)" = "$pin" ] &&
		grep -qs '^Suites: trixie-backports$' "$BACKPORTS_LIST" && return 0
	mirror=$(debian_mirror)
	list="Types: deb
URIs: $mirror
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	echo "deps: adding trixie-backports for linux-source-7.3 only ($BACKPORTS_PIN)"
	printf '%s\n' "$pin" >"$BACKPORTS_PIN"
	printf '%s\n' "$list" >"$BACKPORTS_LIST"
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
