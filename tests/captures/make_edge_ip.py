#!/usr/bin/python3
"""Builds tests/captures/edge-ip.pcap: THREATS.md rows B3 and B4, one frame
each, followed by one good DNS query so the run has something to store.

frame 1  IPv4 IHL 4 (below the minimum 5)                 -> ipv4_bad_ihl
frame 2  IPv4 total length 16 < IHL*4 (20)               -> ipv4_bad_total_length
frame 3  IPv4 IHL 15 (60 bytes of options) in a 40-byte packet -> ipv4_bad_total_length
frame 4  IPv6 with 20 destination-options headers         -> ipv6_ext_limit
frame 5  IPv6 extension chain running past the frame      -> ipv6_ext_truncated
frame 6  a good UDP DNS query
Run with /usr/bin/python3 (scapy); deterministic."""
import struct
from scapy.all import Ether, IP, IPv6, UDP, IPv6ExtHdrDestOpt, DNS, DNSQR, Raw, wrpcap, raw

frames = []
good = IP(src="192.0.2.1", dst="192.0.2.53") / UDP(sport=5353, dport=53) / DNS(rd=1, qd=DNSQR(qname="example."))
b = bytearray(raw(IP(src="192.0.2.1", dst="192.0.2.53") / UDP(sport=1, dport=53) / Raw(b"x" * 12)))
b[0] = 0x44                          # IHL 4
frames.append(Ether(dst="00:00:5e:00:53:01", type=0x0800) / Raw(bytes(b)))
b = bytearray(raw(IP(src="192.0.2.1", dst="192.0.2.53") / UDP(sport=1, dport=53) / Raw(b"x" * 12)))
b[2:4] = struct.pack("!H", 16)       # total length below the header's 20
frames.append(Ether(dst="00:00:5e:00:53:01", type=0x0800) / Raw(bytes(b)))
b = bytearray(raw(IP(src="192.0.2.1", dst="192.0.2.53") / UDP(sport=1, dport=53) / Raw(b"x" * 12)))
b[0] = 0x4f                          # IHL 15: options would run past the packet
frames.append(Ether(dst="00:00:5e:00:53:01", type=0x0800) / Raw(bytes(b)))
chain = IPv6(src="2001:db8::1", dst="2001:db8::53")
for _ in range(20):
    chain = chain / IPv6ExtHdrDestOpt()
frames.append(Ether(dst="00:00:5e:00:53:01") / (chain / UDP(sport=1, dport=53) / Raw(b"x" * 12)))
b = bytearray(raw(IPv6(src="2001:db8::1", dst="2001:db8::53") / IPv6ExtHdrDestOpt() / UDP(sport=1, dport=53)))
b[41] = 200                          # the option header claims 1608 bytes
frames.append(Ether(dst="00:00:5e:00:53:01", type=0x86dd) / Raw(bytes(b)))
frames.append(Ether(dst="00:00:5e:00:53:01") / good)
for i, f in enumerate(frames):
    f.time = 1700000000 + i
wrpcap("tests/captures/edge-ip.pcap", frames)
