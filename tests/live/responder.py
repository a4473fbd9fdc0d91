#!/usr/bin/env python3
"""tests/live/responder.py ADDR PORT -- a minimal DNS responder for the live
soak test: answers every query with its own question, QR+AA set, NOERROR,
no records. Runs until killed (SIGTERM)."""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    q, peer = s.recvfrom(4096)
    if len(q) < 12 or q[2] & 0x80:
        continue
    r = bytearray(q)
    r[2] = 0x84 | (q[2] & 0x01)          # QR, AA, keep RD
    r[3] = 0x00
    r[6:12] = b"\0\0\0\0\0\0"             # no answers, no authority, no additional
    end = 12
    while end < len(q) and q[end]:
        end += q[end] + 1
    s.sendto(bytes(r[:end + 5]), peer)
