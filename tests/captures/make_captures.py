#!/usr/bin/python3
# tests/captures/make_captures.py -- regenerates the small crafted captures
# of capture/ tests (scapy, Debian 12 /usr/bin/python3). Deterministic.
import functools, random
from scapy.all import (Ether, Dot1Q, Dot1AD, IP, IPv6, IPv6ExtHdrFragment, UDP,
                       TCP, Raw, fragment, fragment6, wrpcap, raw, PcapWriter)
from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.l2 import CookedLinuxV2
random.seed(7)
D = "/work/main/tests/captures/"
def big(i):
    rrs = [DNSRR(rrname="example.com", type="TXT", rdata="x" * 200) for _ in range(6)]
    return DNS(id=i, qr=1, qd=DNSQR(qname="example.com", qtype="TXT"), an=functools.reduce(lambda a, b: a / b, rrs))
def q(i):
    return DNS(id=i, rd=1, qd=DNSQR(qname="example.com", qtype="TXT"))
E = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
def stamp(pkts, t0=1700000000.0):
    for k, p in enumerate(pkts):
        p.time = t0 + k * 0.001
    return pkts
# IPv6: a query, then a fragmented response whose fragments come 2,0,1,...
c6, s6 = "2001:db8::1", "2001:db8::53"
r6 = IPv6(src=s6, dst=c6) / IPv6ExtHdrFragment(id=0x1234) / UDP(sport=53, dport=4000) / big(1)
f6 = fragment6(r6, 600)
f6 = [f6[2], f6[0]] + f6[3:] + [f6[1]]
wrpcap(D + "ipv6-frag-reordered.pcap", stamp([E / IPv6(src=c6, dst=s6) / UDP(sport=4000, dport=53) / q(1)] + [E / f for f in f6]))
# IPv4: response 1 reversed + a duplicate; response 2 with a fragment
# repeated with different bytes (conflict); response 3 in order.
c4, s4 = "192.0.2.1", "192.0.2.53"
out = [E / IP(src=c4, dst=s4) / UDP(sport=4000, dport=53) / q(2)]
fr = fragment(IP(src=s4, dst=c4, id=101) / UDP(sport=53, dport=4000) / big(2), fragsize=400)
out += [E / f for f in reversed(fr)] + [E / fr[1]]
fr = fragment(IP(src=s4, dst=c4, id=102) / UDP(sport=53, dport=4000) / big(3), fragsize=400)
evil = fr[1].copy(); b = bytearray(raw(evil[Raw])); b[10] ^= 0xff; evil[Raw].load = bytes(b)
out += [E / fr[0], E / fr[1], E / evil] + [E / f for f in fr[2:]]
fr = fragment(IP(src=s4, dst=c4, id=103) / UDP(sport=53, dport=4000) / big(4), fragsize=400)
out += [E / f for f in fr]
wrpcap(D + "ipv4-frag-reversed-dup-overlap.pcap", stamp(out))
# QinQ: 802.1ad outer (vlan 100) + 802.1Q inner (vlan 200)
qq = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x88a8) / Dot1AD(vlan=100) / Dot1Q(vlan=200)
wrpcap(D + "vlan-qinq.pcap", stamp([qq / IP(src=c4, dst=s4) / UDP(sport=4000, dport=53) / q(5),
                                    qq / IP(src=s4, dst=c4) / UDP(sport=53, dport=4000) / DNS(id=5, qr=1, qd=DNSQR(qname="example.com", qtype="TXT"))]))
# TCP: handshake, query split in 1-byte segments in shuffled order, response whole
def tcp_session(L2, name, onebyte):
    cs = IP(src=c4, dst=s4); sc = IP(src=s4, dst=c4)
    qb = raw(q(6)); qb = len(qb).to_bytes(2, "big") + qb
    rb = raw(big(6)); rb = len(rb).to_bytes(2, "big") + rb
    pk = [L2() / cs / TCP(sport=4001, dport=53, flags="S", seq=1000),
          L2() / sc / TCP(sport=53, dport=4001, flags="SA", seq=5000, ack=1001),
          L2() / cs / TCP(sport=4001, dport=53, flags="A", seq=1001, ack=5001)]
    if onebyte:
        segs = [L2() / cs / TCP(sport=4001, dport=53, flags="PA", seq=1001 + i, ack=5001) / Raw(qb[i:i + 1]) for i in range(len(qb))]
        random.shuffle(segs)
        pk += segs
    else:
        pk.append(L2() / cs / TCP(sport=4001, dport=53, flags="PA", seq=1001, ack=5001) / Raw(qb))
    pk.append(L2() / sc / TCP(sport=53, dport=4001, flags="PA", seq=5001, ack=1001 + len(qb)) / Raw(rb))
    pk.append(L2() / cs / TCP(sport=4001, dport=53, flags="FA", seq=1001 + len(qb), ack=5001 + len(rb)))
    pk.append(L2() / sc / TCP(sport=53, dport=4001, flags="FA", seq=5001 + len(rb), ack=1002 + len(qb)))
    wrpcap(D + name, stamp(pk))
tcp_session(lambda: Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02"), "tcp-1byte-reordered.pcap", True)
tcp_session(lambda: CookedLinuxV2(proto=0x0800, pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\1\0\0"), "sll2-tcp.pcap", False)
