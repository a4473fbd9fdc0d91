#!/usr/bin/python3
# tests/report/make_hostile_names.py -- writes tests/report/hostile-names.pcap:
# DNS queries and resolver answers (RA+RD, SERVFAIL, EDE) whose names and
# EDE EXTRA-TEXT carry what must never reach a page, terminal or log raw
# (THREATS.md H2-H5, G12): one name per byte 0x00-0xFF inside a label,
# HTML/JS payloads, quotes, ampersands, entities, bidi overrides (U+202E as
# UTF-8), zero-width characters, invalid UTF-8, terminal escapes, and EDE
# texts with control bytes, one of them 60 KB long. Messages are built byte
# by byte (scapy only frames them), so nothing is sanitised on the way.
# Deterministic: fixed times, ids and ports. Usage: make_hostile_names.py [OUT]
import struct, sys
from scapy.all import Ether, IP, UDP, Raw, PcapWriter

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/report/hostile-names.pcap"
ZONE = [b"hostile", b"example"]
CLIENT, RESOLVER = "192.0.2.10", "192.0.2.53"

# The payloads; each becomes one label of a name under hostile.example.
# test_report_hostile reads the same list (PAYLOADS) to check the page.
PAYLOADS = [
    b"<script>alert(1)</script>",
    b"\"onmouseover=alert(2)",
    b"'onfocus='alert(3)",
    b"&amp;",
    b"&#x3c;script&#x3e;",
    b"\"><img src=x onerror=alert(4)>",
    b"</style><script>alert(5)</script>",
    b"</script><script>alert(6)</script>",
    b"javascript:alert(7)",
    b"{{constructor.constructor('alert(8)')()}}",
    b"<svg onload=alert(9)>",
    b"<!--",
    b"]]>",
    "evil\u202egnp.exe".encode(),             # bidi override, UTF-8
    "zero\u200bwidth\u2028line".encode(),     # zero width space, U+2028
    b"\xff\xfe\xc0\xaf\xed\xa0\x80",           # invalid UTF-8, overlong, surrogate
    b"\x1b[2J\x1b]0;title\x07",                # terminal: clear, set title
    b"good.com\rbad\x08",                      # CR/BS overwrite (the dot is inside the label)
    b"\x9b31m\x00nul",                         # 8-bit CSI, NUL
]
# EDE EXTRA-TEXT (RFC 8914 says UTF-8; we send anything).
EDE_TEXTS = [
    b"<script>alert('ede')</script>",
    b"ctrl\x00\x01\x07\x1b[31m\x7f\x80\x9b\xff end",
    "bidi \u202eReversed\u202c & \"quotes\" 'single'".encode(),
    b"</textarea></title></style>&lt;&amp;",
    b"A" * 60000,                              # 60 KB: cut by the database at 1024
]


def name_wire(labels):
    out = b""
    for lab in labels:
        assert 0 < len(lab) < 64, lab
        out += bytes([len(lab)]) + lab
    return out + b"\x00"


def message(dns_id, labels, qtype, response, rcode=0, ede=None):
    flags = 0x0100                              # RD
    if response:
        flags |= 0x8000 | 0x0080 | rcode        # QR, RA
    q = name_wire(labels) + struct.pack("!HH", qtype, 1)
    opt_rdata = b""
    if ede is not None:
        code, text = ede
        body = struct.pack("!H", code) + text
        opt_rdata = struct.pack("!HH", 15, len(body)) + body
    opt = b"\x00" + struct.pack("!HHIH", 41, 4096, 0, len(opt_rdata)) + opt_rdata
    return struct.pack("!HHHHHH", dns_id, flags, 1, 0, 0, 1) + q + opt


def main():
    names = [[b"x" + bytes([b]) + b"y"] + ZONE for b in range(256)]
    names += [[p] + ZONE for p in PAYLOADS]
    w = PcapWriter(OUT, linktype=1, sync=True, snaplen=65535)
    t = 1777975200.0                            # 2026-05-05T10:00:00Z
    e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    dns_id = 0x1000
    # payload names are asked three times, so they lead the SERVFAIL tables
    order = [(n, 3 if n[0] in PAYLOADS else 1) for n in names]
    k = 0
    for labels, times in order:
        for _ in range(times):
            dns_id = (dns_id + 1) & 0xFFFF
            port = 20000 + k % 40000
            # the 60 KB text once (k == 4), the others in turn
            text = EDE_TEXTS[k % len(EDE_TEXTS)] if k == 4 else EDE_TEXTS[k % (len(EDE_TEXTS) - 1)]
            ede = (k % 30, text)
            qm = message(dns_id, labels, 16, False)
            rm = message(dns_id, labels, 16, True, rcode=2, ede=ede)
            for raw_msg, src, dst, sp, dp in ((qm, CLIENT, RESOLVER, port, 53),
                                              (rm, RESOLVER, CLIENT, 53, port)):
                p = e / IP(src=src, dst=dst, id=k & 0xFFFF) / UDP(sport=sp, dport=dp) / Raw(raw_msg)
                p.time = t
                w.write(p)
                t += 0.01
            k += 1
    w.close()


if __name__ == "__main__":
    main()
