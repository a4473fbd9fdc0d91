#!/usr/bin/python3
"""tests/oracle/make_names_pcap.py -- writes tests/oracle/names.pcap.

Standard library only.  Run from the repository root or from tests/oracle/.
One Ethernet/IPv4/UDP DNS query (port 53, id = case number) per case:
every byte value 0..255 as the first and last byte of a label "<b>a<b>",
then valid and invalid UTF-8, escapes that look like escapes, the root,
"*", a 63-byte label and a label holding a dot.  The
file checks tests/oracle/names.py against tshark (test_names.py) and, as a
capture under tests/, sigtrail's qname escaping (t_tshark_oracle.sh).
The cases are listed by CASES so test_names.py can use the same data.
"""
import os
import struct

T = b"\x04test"


def lab(b):
    return bytes([len(b)]) + b


CASES = []  # (wire name bytes, list of labels)
for v in range(256):
    l = bytes([v]) + b"a" + bytes([v])
    CASES.append((lab(l) + T + b"\x00", [l, b"test"]))
for l in [b"\xc3\xa9", b"caf\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80",   # valid UTF-8
          b"\xc3", b"\xc3A", b"\xe2\x82", b"\xe2\x82x", b"\xff\xff", b"\x80\x80",  # cut/stray
          b"\xc0\x80", b"\xc1\x81", b"\xe0\x81\x81", b"\xf0\x80\x80\x80",          # overlong
          b"\xed\xa0\x80", b"\xed\xa0\x80z", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
          b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80", b"\xfe", b"\xc3\xa9\xff",
          b"\xc2\x85", b"\xe2\x80\x8b", b"\xf3\xa0\x80\x81", b"\xee\x80\x80",       # Cc Cf Cf Co
          b"\xf4\x8f\xbf\xbf", b"\xef\xbf\xbe", b"\xcd\xb8", b"\xe3\x80\x80", b"\xe2\x80\xa8",
          b"a\\b", b"a\\000", b"\\065", b"a.b", b" ", b"a b", b'"', b"(", b")", b";",
          b"@", b"$", b"\t", b"\x7f\x7f"]:
    CASES.append((lab(l) + T + b"\x00", [l, b"test"]))
CASES.append((b"\x00", []))
CASES.append((b"\x01*\x00", [b"*"]))
CASES.append((lab(b"a" * 63) + T + b"\x00", [b"a" * 63, b"test"]))
CASES.append((lab(b"x.y") + b"\x01z\x00", [b"x.y", b"z"]))


def frame(i, qname):
    dns = struct.pack("!HHHHHH", i, 0x0100, 1, 0, 0, 0) + qname + b"\x00\x01\x00\x01"
    udp = struct.pack("!HHHH", 10000 + i, 53, 8 + len(dns), 0) + dns
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 53]))
    s = 0
    for k in range(0, 20, 2):
        s += (ip[k] << 8) | ip[k + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    ip = ip[:10] + struct.pack("!H", ~s & 0xFFFF) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + udp


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "names.pcap")
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (qname, _) in enumerate(CASES):
            fr = frame(i, qname)
            # 2024-01-01T00:00:00Z plus i seconds and i microseconds
            f.write(struct.pack("<IIII", 1704067200 + i, i, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
