#!/usr/bin/env python3
"""Reads every message's bytes out of message_wire_blocks the way the
format is documented (analyze/wire_blocks.h), independently of the C
reader, and checks them against the message rows: the blocks cover ids
1..N in order without gaps, each entry is as long as messages.size, and its
header agrees with the row (DNS id, QR, rcode's low bits). With a second
database (written by a build that stored one row per message in
message_wire), every message's bytes must be equal. Exit 1 on a mismatch."""
import sqlite3
import sys


def blocks_wire(path):
    db = sqlite3.connect(path)
    out = {}
    expect = 1
    for first, blob in db.execute("SELECT first_id, wires FROM message_wire_blocks ORDER BY first_id"):
        if first != expect:
            sys.exit(f"{path}: block starts at {first}, expected {expect}")
        off, k = 0, 0
        while off < len(blob):
            n = blob[off] << 8 | blob[off + 1]
            out[first + k] = blob[off + 2:off + 2 + n]
            off += 2 + n
            k += 1
        if off != len(blob) or k == 0 or k > 64:
            sys.exit(f"{path}: block {first} malformed ({k} entries)")
        expect = first + k
    return db, out


def main():
    db, wire = blocks_wire(sys.argv[1])
    rows = db.execute("SELECT id, size, dns_id, qr, rcode FROM messages ORDER BY id").fetchall()
    if len(rows) != len(wire):
        sys.exit(f"{len(rows)} messages but {len(wire)} entries")
    for mid, size, dns_id, qr, rcode in rows:
        w = wire.get(mid)
        if w is None or len(w) != size:
            sys.exit(f"message {mid}: entry of {None if w is None else len(w)} bytes, size {size}")
        if len(w) >= 12 and (dns_id != (w[0] << 8 | w[1]) or qr != w[2] >> 7
                             or (rcode is not None and rcode & 15 != w[3] & 15)):
            sys.exit(f"message {mid}: header differs from its row")
    if len(sys.argv) > 2:
        old = sqlite3.connect(sys.argv[2])
        n = 0
        for mid, w in old.execute("SELECT message_id, wire FROM message_wire"):
            if wire.get(mid) != w:
                sys.exit(f"message {mid}: bytes differ from {sys.argv[2]}")
            n += 1
        if n != len(wire):
            sys.exit(f"{n} old rows, {len(wire)} entries")
    print(f"ok: {len(wire)} messages")


main()
