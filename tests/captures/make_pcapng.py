#!/usr/bin/python3
"""tests/captures/make_pcapng.py -- writes the hand-built pcapng test files.

Run from tests/captures/ with /usr/bin/python3 (no third-party modules).
The packets are the two Ethernet/IPv4/UDP DNS frames of dns_udp.pcap
(tcpdump's test capture, BSD-3-Clause); only the pcapng framing is ours.

  tsresol-ns.pcapng     one interface, if_tsresol = 9 (10^-9 s)
  tsresol-bin20.pcapng  one interface, if_tsresol = 0x94 (2^-20 s)
  sections-be.pcapng    section 1 big-endian (IDB, NRB, EPB, ISB),
                        section 2 little-endian (IDB with if_tsresol = 3
                        and if_tsoffset = 100 s, SPB, obsolete PB, custom
                        block, EPB)
  ../fuzz/fuzz_pcapng.in/blocktypes.pcapng  fuzz seed: EPB, custom block
                        0x40000BAD, systemd journal block, DSB, unknown
                        block type, EPB
"""
import struct


def frames():
    with open("dns_udp.pcap", "rb") as f:
        d = f.read()
    off, out = 24, []
    while off + 16 <= len(d):
        _, _, caplen, _ = struct.unpack_from("<IIII", d, off)
        out.append(d[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return out


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def block(e, btype, body):
    body = pad(body)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def opt(e, code, val):
    return struct.pack(e + "HH", code, len(val)) + pad(val)


def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(e, linktype, snaplen, opts=b""):
    if opts:
        opts += struct.pack(e + "HH", 0, 0)
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen) + opts)


def epb(e, ifid, ticks, pkt):
    return block(e, 6, struct.pack(e + "IIIII", ifid, ticks >> 32,
                                   ticks & 0xFFFFFFFF, len(pkt), len(pkt)) + pkt)


def pb(e, ifid, ticks, pkt):
    return block(e, 2, struct.pack(e + "HHIIII", ifid, 0, ticks >> 32,
                                   ticks & 0xFFFFFFFF, len(pkt), len(pkt)) + pkt)


def spb(e, pkt):
    return block(e, 3, struct.pack(e + "I", len(pkt)) + pkt)


def main():
    p = frames()
    e = "<"
    with open("tsresol-ns.pcapng", "wb") as f:
        f.write(shb(e) + idb(e, 1, 65535, opt(e, 9, b"\x09")))
        f.write(epb(e, 0, 1700000000123456789, p[0]))
        f.write(epb(e, 0, 1700000000987654321, p[1]))
    with open("tsresol-bin20.pcapng", "wb") as f:
        f.write(shb(e) + idb(e, 1, 65535, opt(e, 9, b"\x94")))
        f.write(epb(e, 0, (1700000000 << 20) + 123457, p[0]))
        f.write(epb(e, 0, (1700000001 << 20) + 1048575, p[1]))
    with open("sections-be.pcapng", "wb") as f:
        b = ">"
        f.write(shb(b) + idb(b, 1, 65535))
        f.write(block(b, 4, struct.pack(b + "HH", 0, 0)))  # empty NRB
        f.write(epb(b, 0, 1600000000000001, p[0]))
        f.write(block(b, 5, struct.pack(b + "III", 0, 0, 0)))  # ISB
        f.write(shb(e) + idb(e, 1, 65535, opt(e, 9, b"\x03") +
                              opt(e, 14, struct.pack("<q", 100))))
        f.write(spb(e, p[1]))
        f.write(pb(e, 0, 1600000000500, p[0]))
        f.write(block(e, 0x00000BAD, struct.pack(e + "I", 32473) + b"xyz"))
        f.write(epb(e, 0, 1600000001250, p[1]))
    with open("../fuzz/fuzz_pcapng.in/blocktypes.pcapng", "wb") as f:
        f.write(shb(e) + idb(e, 1, 65535))
        f.write(epb(e, 0, 1, p[0]))
        f.write(block(e, 0x40000BAD, struct.pack(e + "I", 32473) + b"abcd"))
        f.write(block(e, 9, b"__REALTIME_TIMESTAMP=1\nMESSAGE=x\n"))
        f.write(block(e, 0xA, struct.pack(e + "II", 0x544c534b, 4) + b"abcd"))
        f.write(block(e, 0x12345, b"abcd"))
        f.write(epb(e, 0, 2, p[1]))


main()
