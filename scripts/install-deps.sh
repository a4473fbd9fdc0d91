#!/usr/bin/env bash
# scripts/install-deps.sh -- every build and test dependency of sigtrail on a
# fresh Debian 12 machine (run as root). Safe to run again.
#   --lab   also the DNS servers the incident lab runs (NSD, Knot, BIND, unbound)
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs=(
	build-essential pkg-config clang libclang-rt-14-dev
	libpcap-dev libldns-dev libssl-dev libsqlite3-dev libncurses-dev
	sqlite3 tshark tcpdump ldnsutils bind9-dnsutils dns-root-data
	python3 python3-dnspython python3-scapy python3-cryptography
	tmux hyperfine time iproute2 chromium dnsperf
)
if [[ " $* " == *" --lab "* ]]; then
	pkgs+=(nsd knot bind9 unbound unbound-anchor)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing: ${missing[*]}" >&2
	# tshark asks whether non-root users may capture: answer no, quietly.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get install -y -q "${missing[@]}" >/dev/null || {
		apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null
	}
fi
# Debian's servers start themselves on install; the lab runs its own copies.
for s in nsd knot named bind9 unbound; do
	systemctl stop "$s" >/dev/null 2>&1 || true
done
exit 0
