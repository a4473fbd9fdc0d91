#!/usr/bin/env python3
"""Writes a small pcap of DNS messages the row counts must get right
(t_row_counts.sh): a 5-byte message with no whole header, a response
whose rcode is extended by EDNS (BADVERS, 16), a response with a
compression loop (malformed), and a plain query and answer. Ethernet,
IPv4, UDP port 53, checksums zero; no scapy needed."""
import struct
import sys


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      bytes(src), bytes(dst))
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + hdr + udp


def question(name=b"\x07example\x03com\x00", qtype=1):
    return name + struct.pack("!HH", qtype, 1)


def header(ident, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


client, server = [127, 0, 0, 1], [127, 0, 0, 2]
opt_badvers = b"\x00" + struct.pack("!HHBBHH", 41, 1232, 1, 0, 0x8000, 0)  # ext rcode 1 -> 16
msgs = [
    (client, server, 40000, 53, b"\x12\x34\x01\x00\x00"),  # no whole header
    (client, server, 40001, 53, header(1, 0x0100) + question()),
    (server, client, 53, 40001, header(1, 0x8180) + question()),
    (client, server, 40002, 53, header(2, 0x0100, ar=1) + question() + opt_badvers),
    (server, client, 53, 40002, header(2, 0x8180, ar=1) + question() + opt_badvers),
    # answer whose owner name points at itself: a compression loop
    (server, client, 53, 40003, header(3, 0x8180, an=1) + question() + b"\xc0\x1d"
     + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x01\x02\x03\x04"),
]
out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
for i, (src, dst, sp, dp, payload) in enumerate(msgs):
    frame = ipv4_udp(src, dst, sp, dp, payload)
    out += struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame
with open(sys.argv[1], "wb") as f:
    f.write(out)
