#!/usr/bin/python3
"""bench/gen_capture.py -- deterministic generator of a large, realistic DNS capture.

Run with /usr/bin/python3 (Debian's dnspython 2.3 and python3-cryptography).

    /usr/bin/python3 bench/gen_capture.py --packets 1000000 --out bench/work/1m.pcap [--seed 1]
                                          [--duration 3600]

What the capture holds (a validating resolver seen from both sides):
  * client side: clients 10.1.0.0/16 and fd00:1::/64 ask the resolver 10.0.0.53 / fd00::53;
    the resolver answers with RA, AD for secure names, RRSIGs when the client set DO,
    SERVFAIL + EDE 6 for the one bogus name (pay.example.net);
  * upstream side: the resolver asks authoritative servers with DO and gets AA answers with
    RRSIGs, referrals from the TLDs with DS (or an NSEC3 proof of no DS), DNSKEY and DS answers,
    NXDOMAIN / NODATA with NSEC3 proofs (RFC 5155 closest-encloser proofs that verify);
  * zones signed with real keys: com. (RSASHA256), net. (ECDSAP256SHA256), org. (RSASHA256),
    example.com. (RSASHA256, a 4096-bit KSK and two ZSKs: its DNSKEY answer is > 1500 bytes),
    example.net. (ECDSAP256SHA256), example.org. (ED25519), widgets.com. (ECDSAP256SHA256,
    NSEC3 with salt and 10 iterations); plain.net. and nosec.org. are unsigned;
    pay.example.net/A is signed by the zone key but its signature is corrupted (bogus, EDE 6);
  * mix by packets: ~83% UDP over IPv4, ~10% IPv6, ~5% DNS over TCP (handshake, query with the
    2-byte length, the response split over 2-3 segments, FIN exchange; some after a UDP answer
    with TC=1), ~2% IPv4 fragments (answers > 1480 bytes in 2 or 3 fragments, in order),
    ~0.3% queries that get no answer.

Everything random comes from --seed: keys are derived from it (RSA primes found with a seeded
generator, ECDSA signatures use a deterministic nonce), so the same options give the same bytes.
Output: classic pcap, microsecond timestamps, Ethernet, timestamps monotonic over --duration
seconds starting 2024-03-01 12:00:00 UTC. All IPv4 header, UDP and TCP checksums are correct.

Speed: the few hundred DNS messages are built once; each packet only patches the DNS ID, ports,
addresses and checksums (computed incrementally from precomputed payload sums). The output is
streamed, so 10 million packets need no more memory than 10 thousand.
"""

import argparse
import bisect
import hashlib
import hmac
import heapq
import random
import struct
import sys
import time

import dns.dnssec
import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

T0 = 1709294400  # 2024-03-01 12:00:00 UTC
INCEPTION = T0 - 7 * 86400
EXPIRATION = T0 + 30 * 86400
IN = dns.rdataclass.IN
T = dns.rdatatype

# ---------------------------------------------------------------------------------------------
# Deterministic keys

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rnd):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(24):
        x = pow(rnd.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, rnd):
    while True:
        c = rnd.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (c - 1) % 65537 and _probable_prime(c, rnd):
            return c


def rsa_key(bits, rnd):
    e = 65537
    while True:
        p, q = _prime(bits // 2, rnd), _prime(bits // 2, rnd)
        if p != q and (p * q).bit_length() == bits:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    return rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                 rsa.rsa_crt_iqmp(p, q),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


# P-256, just enough for deterministic ECDSA signatures (affine coordinates; a few hundred
# signatures at start-up only).
_P = 2 ** 256 - 2 ** 224 + 2 ** 192 + 2 ** 96 - 1
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def _ec_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % _P == 0:
            return None
        lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, _P) % _P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, _P) % _P
    x = (lam * lam - a[0] - b[0]) % _P
    return (x, (lam * (a[0] - x) - a[1]) % _P)


def _ec_mul(k, pt):
    r = None
    while k:
        if k & 1:
            r = _ec_add(r, pt)
        pt = _ec_add(pt, pt)
        k >>= 1
    return r


def ecdsa_sign_det(key, data):
    d = key.private_numbers().private_value
    h = hashlib.sha256(data).digest()
    e = int.from_bytes(h, "big")
    k = int.from_bytes(hmac.new(d.to_bytes(32, "big"), h, hashlib.sha256).digest(), "big") % (_N - 1) + 1
    r = _ec_mul(k, _G)[0] % _N
    s = pow(k, -1, _N) * (e + r * d) % _N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


class Key:
    def __init__(self, alg, flags, rnd, bits=2048):
        self.alg = alg
        if alg == 8:
            self.priv = rsa_key(bits, rnd)
        elif alg == 13:
            self.priv = ec.derive_private_key(rnd.randrange(1, _N), ec.SECP256R1())
        elif alg == 15:
            self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(rnd.randbytes(32))
        else:
            raise ValueError(alg)
        self.dnskey = dns.dnssec.make_dnskey(self.priv.public_key(), alg, flags=flags)
        self.tag = dns.dnssec.key_id(self.dnskey)


# ---------------------------------------------------------------------------------------------
# Zones

class Zone:
    def __init__(self, name, alg, rnd, servers, nsec3=(0, b""), ksk_bits=2048, extra_zsk=False):
        self.name = dns.name.from_text(name)
        self.signed = alg is not None
        self.servers = servers            # [(v4 addr, v6 addr)]
        self.rrsets = {}                  # (owner Name, type) -> RRset
        self.children = {}                # delegated child Name -> Zone
        self.keys = []
        self.nsec3_iter, self.nsec3_salt = nsec3
        self.sigcache = {}
        if self.signed:
            if alg == 15:                 # one combined key (CSK)
                self.ksk = self.zsk = Key(alg, 257, rnd)
                self.keys = [self.ksk]
            else:
                self.ksk = Key(alg, 257, rnd, ksk_bits)
                self.zsk = Key(alg, 256, rnd)
                self.keys = [self.ksk, self.zsk]
                if extra_zsk:             # pre-published ZSK of a rollover
                    self.keys.append(Key(alg, 256, rnd))

    def rel(self, label):
        return dns.name.from_text(label, self.name) if label != "@" else self.name

    def add(self, label, rdtype, ttl, *texts):
        owner = self.rel(label)
        rrs = dns.rrset.from_text_list(owner, ttl, IN, rdtype, list(texts))
        self.rrsets[(owner, rrs.rdtype)] = rrs
        return rrs

    def sign(self, rrs, key=None, bogus=False):
        """RRSIG RRset for rrs, signed with the ZSK (or key), cached."""
        ck = (rrs.name, rrs.rdtype, key.tag if key else None, bogus)
        if ck in self.sigcache:
            return self.sigcache[ck]
        sigs = []
        for k in ([key] if key else ([self.ksk] if rrs.rdtype == T.DNSKEY else [self.zsk])):
            sig = dns.dnssec.sign(rrs, k.priv, self.name, k.dnskey, inception=INCEPTION,
                                  expiration=EXPIRATION)
            if k.alg == 13:
                data = dns.dnssec._make_rrsig_signature_data(rrs, sig)
                sig = sig.replace(signature=ecdsa_sign_det(k.priv, data))
            if bogus:
                b = bytearray(sig.signature)
                b[len(b) // 2] ^= 0x5A
                sig = sig.replace(signature=bytes(b))
            sigs.append(sig)
        out = dns.rrset.RRset(rrs.name, IN, T.RRSIG, rrs.rdtype)
        out.update_ttl(rrs.ttl)
        for s in sigs:
            out.add(s)
        self.sigcache[ck] = out
        return out

    def finish(self):
        """Add DNSKEY, NSEC3PARAM and the NSEC3 chain; check every signature once."""
        if not self.signed:
            return
        dk = dns.rrset.RRset(self.name, IN, T.DNSKEY)
        dk.update_ttl(3600)
        for k in self.keys:
            dk.add(k.dnskey)
        self.rrsets[(self.name, T.DNSKEY)] = dk
        if len(self.keys) == 3:           # rollover: DNSKEY signed by the KSK and the active ZSK
            self.dnskey_sigs = self.sign(dk)
            extra = self.sign(dk, key=self.zsk)
            both = dns.rrset.RRset(self.name, IN, T.RRSIG, T.DNSKEY)
            both.update_ttl(3600)
            for r in list(self.dnskey_sigs) + list(extra):
                both.add(r)
            self.sigcache[(self.name, T.DNSKEY, None, False)] = both
        salt = self.nsec3_salt.hex() if self.nsec3_salt else "-"
        self.add("@", T.NSEC3PARAM, 0, "1 0 %d %s" % (self.nsec3_iter, salt))
        owners = {}
        for (owner, rdtype) in self.rrsets:
            owners.setdefault(owner, set()).add(rdtype)
        for child, cz in self.children.items():
            owners.setdefault(child, set()).add(T.NS)
        hashed = []
        for owner, types in owners.items():
            deleg = owner in self.children
            if not deleg or T.DS in types:
                types = types | {T.RRSIG}
            h = dns.dnssec.nsec3_hash(owner, self.nsec3_salt or None, self.nsec3_iter, 1)
            hashed.append((h, owner, types))
        hashed.sort()
        self.nsec3 = []                   # [(hash, RRset)]
        minttl = 300
        for i, (h, owner, types) in enumerate(hashed):
            nxt = hashed[(i + 1) % len(hashed)][0]
            bitmap = " ".join(sorted(dns.rdatatype.to_text(t) for t in types))
            rrs = dns.rrset.from_text(dns.name.from_text(h, self.name), minttl, IN, T.NSEC3,
                                      "1 0 %d %s %s %s" % (self.nsec3_iter, salt, nxt, bitmap))
            self.nsec3.append((h, rrs))
        self.nsec3_hashes = [h for h, _ in self.nsec3]

    def nsec3_match(self, name):
        h = dns.dnssec.nsec3_hash(name, self.nsec3_salt or None, self.nsec3_iter, 1)
        i = bisect.bisect_left(self.nsec3_hashes, h)
        assert self.nsec3_hashes[i] == h, name
        return self.nsec3[i][1]

    def nsec3_cover(self, name):
        h = dns.dnssec.nsec3_hash(name, self.nsec3_salt or None, self.nsec3_iter, 1)
        i = bisect.bisect_left(self.nsec3_hashes, h)
        assert i == len(self.nsec3_hashes) or self.nsec3_hashes[i] != h, name
        return self.nsec3[i - 1][1]      # i-1 == -1 wraps to the last record: right


def build_zones(rnd):
    tld_srv = {"com": [("192.0.2.1", "2001:db8::1"), ("192.0.2.2", "2001:db8::2")],
               "net": [("192.0.2.11", "2001:db8::11"), ("192.0.2.12", "2001:db8::12")],
               "org": [("192.0.2.21", "2001:db8::21"), ("192.0.2.22", "2001:db8::22")]}
    zones = {}
    zones["com"] = Zone("com.", 8, rnd, tld_srv["com"])
    zones["net"] = Zone("net.", 13, rnd, tld_srv["net"])
    zones["org"] = Zone("org.", 8, rnd, tld_srv["org"])
    zones["example.com"] = Zone("example.com.", 8, rnd, [("198.51.100.1", "2001:db8:1::1"),
                                                          ("198.51.100.2", "2001:db8:1::2")],
                                ksk_bits=4096, extra_zsk=True)
    zones["example.net"] = Zone("example.net.", 13, rnd, [("198.51.100.11", "2001:db8:1::11"),
                                                           ("198.51.100.12", "2001:db8:1::12")])
    zones["example.org"] = Zone("example.org.", 15, rnd, [("198.51.100.21", "2001:db8:1::21"),
                                                           ("198.51.100.22", "2001:db8:1::22")])
    zones["widgets.com"] = Zone("widgets.com.", 13, rnd, [("203.0.113.1", "2001:db8:2::1"),
                                                           ("203.0.113.2", "2001:db8:2::2")],
                                nsec3=(10, bytes.fromhex("a1b2c3d4")))
    zones["plain.net"] = Zone("plain.net.", None, rnd, [("203.0.113.11", "2001:db8:2::11")])
    zones["nosec.org"] = Zone("nosec.org.", None, rnd, [("203.0.113.21", "2001:db8:2::21")])

    for tld in ("com", "net", "org"):
        z = zones[tld]
        z.add("@", T.SOA, 900, "a.gtld-servers.%s. nstld.example. 1709290000 1800 900 604800 300" % tld)
        z.add("@", T.NS, 172800, *["%s.gtld-servers.%s." % (c, tld) for c in "ab"])
    for key, z in zones.items():
        if "." not in key:
            continue
        parent = zones[key.split(".", 1)[1]]
        parent.children[z.name] = z
        nsnames = ["ns%d.%s" % (i + 1, z.name.to_text()) for i in range(len(z.servers))]
        z.add("@", T.SOA, 3600, "%s hostmaster.%s 2024030101 7200 3600 1209600 300"
              % (nsnames[0], z.name.to_text()))
        z.add("@", T.NS, 86400, *nsnames)
        z.parent_ns = dns.rrset.from_text_list(z.name, 172800, IN, T.NS, nsnames)
        z.glue = []
        for i, (v4, v6) in enumerate(z.servers):
            z.add("ns%d" % (i + 1), T.A, 86400, v4)
            z.add("ns%d" % (i + 1), T.AAAA, 86400, v6)
            z.glue.append(dns.rrset.from_text(nsnames[i], 172800, IN, T.A, v4))
            z.glue.append(dns.rrset.from_text(nsnames[i], 172800, IN, T.AAAA, v6))
        z.add("@", T.MX, 3600, "10 mail.%s" % z.name.to_text())
        z.add("@", T.TXT, 3600, '"v=spf1 mx -all"')
        z.add("@", T.A, 300, "198.18.%d.1" % (len(key) % 250))
        z.add("www", T.A, 300, "198.18.%d.10" % (len(key) % 250))
        z.add("www", T.AAAA, 300, "2001:db8:aa::%x" % len(key))
        z.add("mail", T.A, 3600, "198.18.%d.25" % (len(key) % 250))
        z.add("api", T.A, 60, "198.18.%d.30" % (len(key) % 250), "198.18.%d.31" % (len(key) % 250))
        z.add("api", T.AAAA, 60, "2001:db8:aa::30")
        z.add("cdn", T.CNAME, 300, "www.%s" % z.name.to_text())
        z.add("_dmarc", T.TXT, 3600, '"v=DMARC1; p=reject; rua=mailto:dmarc@%s"' % z.name.to_text())
        for i in range(1, 31):
            z.add("h%02d" % i, T.A, 600, "198.19.%d.%d" % (len(key) % 250, i))
            if i % 3 == 0:
                z.add("h%02d" % i, T.AAAA, 600, "2001:db8:bb:%x::%x" % (len(key), i))
        # a TXT RRset large enough to need fragments or TCP (DKIM keys, site verifications)
        z.add("big", T.TXT, 300, *['"%s"' % ("k%02d=" % i + hashlib.sha256(
            (key + str(i)).encode()).hexdigest() * 3)[:240] for i in range(9)])
    zones["example.net"].add("pay", T.A, 300, "198.18.77.7")

    for key, z in zones.items():
        if "." in key:
            z.finish()
    # DS at the parents, after the children have their keys
    for key, z in zones.items():
        if "." in key and z.signed:
            parent = zones[key.split(".", 1)[1]]
            ds = dns.rrset.RRset(z.name, IN, T.DS)
            ds.update_ttl(86400)
            ds.add(dns.dnssec.make_ds(z.name, z.ksk.dnskey, "SHA256"))
            parent.rrsets[(z.name, T.DS)] = ds
    for key in ("com", "net", "org"):     # the TLD chains, with DS in the bitmaps
        zones[key].finish()
    return zones


# ---------------------------------------------------------------------------------------------
# DNS message templates

class Tmpl:
    """A query and its response, as wire bytes with ID 0, plus their checksum word sums."""
    __slots__ = ("q", "r", "qsum", "rsum", "weight", "kind", "zone", "side", "qtype")

    def __init__(self, q, r, kind, zone, weight, side="up", qtype=0):
        self.side = side
        self.qtype = qtype
        self.q = q
        self.r = r
        self.qsum = wsum(q)
        self.rsum = wsum(r) if r is not None else 0
        self.kind = kind
        self.zone = zone
        self.weight = weight


def wsum(b):
    if len(b) & 1:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def make_pair(qname, qtype, side, zone, zones, rnd, payload, do=True):
    """side: 'up' (resolver -> authoritative) or 'cl' (client -> resolver)."""
    q = dns.message.make_query(qname, qtype, use_edns=0 if do is not None else None,
                               want_dnssec=bool(do), payload=payload)
    q.id = 0
    if side == "up":
        q.flags &= ~dns.flags.RD
    r = dns.message.make_response(q)
    r.id = 0
    if side == "up":
        r.flags |= dns.flags.AA
    else:
        r.flags |= dns.flags.RA
    return q, r


def answer_from(zone, qname, qtype, zones, want_sigs, r):
    """Fill r as zone's authoritative server would. Returns 'secure', 'nx', 'nodata', ..."""
    name = dns.name.from_text(qname) if isinstance(qname, str) else qname
    signed = zone.signed and want_sigs
    # delegation from a TLD
    for child, cz in zone.children.items():
        if name == child and qtype == T.DS:
            if (child, T.DS) in zone.rrsets:
                ds = zone.rrsets[(child, T.DS)]
                r.answer.append(ds)
                if signed:
                    r.answer.append(zone.sign(ds))
                return "ds"
            r.authority.append(zone.rrsets[(zone.name, T.SOA)])
            if signed:
                r.authority.append(zone.sign(zone.rrsets[(zone.name, T.SOA)]))
                n3 = zone.nsec3_match(child)
                r.authority.append(n3)
                r.authority.append(zone.sign(n3))
            return "nodata"
        if name.is_subdomain(child):
            r.flags &= ~dns.flags.AA
            r.authority.append(cz.parent_ns)
            if (child, T.DS) in zone.rrsets:
                ds = zone.rrsets[(child, T.DS)]
                r.authority.append(ds)
                if signed:
                    r.authority.append(zone.sign(ds))
            elif signed:
                n3 = zone.nsec3_match(child)
                r.authority.append(n3)
                r.authority.append(zone.sign(n3))
            r.additional.extend(cz.glue)
            return "referral"
    key = (name, qtype)
    if key in zone.rrsets:
        rrs = zone.rrsets[key]
        r.answer.append(rrs)
        if signed:
            r.answer.append(zone.sign(rrs, bogus=(name.labels[0] == b"pay")))
        return "answer"
    if (name, T.CNAME) in zone.rrsets:
        c = zone.rrsets[(name, T.CNAME)]
        r.answer.append(c)
        if signed:
            r.answer.append(zone.sign(c))
        tgt = c[0].target
        if (tgt, qtype) in zone.rrsets:
            r.answer.append(zone.rrsets[(tgt, qtype)])
            if signed:
                r.answer.append(zone.sign(zone.rrsets[(tgt, qtype)]))
        return "answer"
    exists = any(o == name for (o, _) in zone.rrsets)
    soa = zone.rrsets[(zone.name, T.SOA)]
    r.authority.append(soa)
    if signed:
        r.authority.append(zone.sign(soa))
    if exists:
        if signed:
            n3 = zone.nsec3_match(name)
            r.authority += [n3, zone.sign(n3)]
        return "nodata"
    r.set_rcode(dns.rcode.NXDOMAIN)
    if signed:
        seen = set()
        for n3 in (zone.nsec3_match(zone.name), zone.nsec3_cover(name),
                   zone.nsec3_cover(dns.name.from_text("*", zone.name))):
            if n3.name not in seen:
                seen.add(n3.name)
                r.authority += [n3, zone.sign(n3)]
    return "nx"


def build_templates(zones, rnd):
    """Return {'up4': [...], 'cl': [...], 'big': [...]} lists of Tmpl."""
    questions = []                        # (qname, qtype, zone serving it, popularity)
    for key, z in zones.items():
        if "." not in key:
            continue
        parent = zones[key.split(".", 1)[1]]
        for (owner, rdtype), rrs in z.rrsets.items():
            if rdtype in (T.NSEC3PARAM, T.SOA) or owner.labels[0] in (b"ns1", b"ns2"):
                continue
            pop = 8.0 if owner.labels[0] in (b"www", b"api", b"cdn", b"mail") else 1.0
            if rdtype == T.DNSKEY:
                pop = 2.0
            questions.append((owner, rdtype, z, pop))
        questions.append((z.rel("cdn"), T.A, z, 6.0))
        questions.append((z.rel("mail"), T.AAAA, z, 2.0))           # NODATA
        questions.append((z.rel("h05"), T.AAAA, z, 1.0))            # NODATA
        for i in range(12):                                          # NXDOMAIN
            lab = "%s%d" % (rnd.choice(["wpad", "x", "printer", "old", "test", "autodiscover"]), i)
            questions.append((z.rel(lab), rnd.choice([T.A, T.AAAA]), z, 0.6))
        questions.append((z.name, T.DS, parent, 2.0))                # DS at the parent
        questions.append((z.rel("www"), T.A, parent, 1.5))           # referral from the TLD
    for tld in ("com", "net", "org"):
        z = zones[tld]
        questions.append((z.name, T.DNSKEY, z, 1.0))
        questions.append((dns.name.from_text("nonexistent-%s.%s." % (tld, tld)), T.A, z, 0.3))

    out = {"up": [], "cl": [], "big4": [], "bigtcp": [], "tc": []}
    for (qname, qtype, z, pop) in questions:
        bogus = qname.labels[0] == b"pay"
        authoritative_for_name = qname.is_subdomain(z.name) and not any(
            qname.is_subdomain(c) for c in z.children)
        for side in ("up", "cl_do", "cl"):
            if side != "up" and not authoritative_for_name:
                continue                  # clients do not ask about DS / referrals
            do = True if side != "cl" else rnd.choice([None, False])
            payload = 1232 if side == "up" else 4096
            q, r = make_pair(qname, qtype, "up" if side == "up" else "cl", z, zones, rnd, payload, do)
            kind = answer_from(z, qname, qtype, zones, side != "cl", r)
            if side != "up":
                if bogus:
                    r.answer = []
                    r.authority = []
                    r.set_rcode(dns.rcode.SERVFAIL)
                    r.use_edns(0, dns.flags.DO if do else 0, 1232,
                               options=[dns.edns.EDEOption(6, "signature crypto failed for "
                                                           "pay.example.net/A")])
                    kind = "servfail"
                elif z.signed:
                    r.flags |= dns.flags.AD
                if side == "cl":          # strip DNSSEC records for a non-DO client
                    for sec in (r.answer, r.authority):
                        sec[:] = [x for x in sec if x.rdtype not in (T.RRSIG, T.NSEC3)]
                if do is None:
                    r.use_edns(-1)
                    q.use_edns(-1)
            qw, rw = q.to_wire(), r.to_wire(max_size=65535)
            sd = "up" if side == "up" else "cl"
            t = Tmpl(qw, rw, kind, z, pop * (0.4 if side == "up" else 0.3), sd, qtype)
            if len(rw) > 1232:
                # over UDP with a 1232 buffer a server truncates: these go to TCP (some after
                # a TC=1 answer) and, with the 4096 buffer resolvers used to set, to fragments
                if side == "up":
                    q2 = dns.message.from_wire(qw)
                    q2.use_edns(0, dns.flags.DO, 4096)
                    out["big4"].append(Tmpl(q2.to_wire(), rw, kind, z, pop, sd, qtype))
                out["bigtcp"].append(t)
                tc = dns.message.make_response(q)
                tc.id = 0
                tc.flags |= dns.flags.TC | (dns.flags.AA if side == "up" else dns.flags.RA)
                tct = Tmpl(qw, tc.to_wire(), "tc", z, t.weight * 0.2, sd, qtype)
                out["tc"].append((tct, len(out["bigtcp"]) - 1))
            else:
                out["up" if side == "up" else "cl"].append(t)
                if len(rw) > 512:
                    out["bigtcp"].append(t)
    return out


# ---------------------------------------------------------------------------------------------
# Packets

RES4 = bytes([10, 0, 0, 53])
RES6 = bytes.fromhex("fd000000000000000000000000000053")
RES6UP = bytes.fromhex("20010db800ff00000000000000000053")
MAC_RES = bytes.fromhex("020000000035")
MAC_GW = bytes.fromhex("020000000001")
ETH4_OUT = MAC_GW + MAC_RES + b"\x08\x00"      # resolver -> world
ETH4_IN = MAC_RES + MAC_GW + b"\x08\x00"
ETH6_OUT = MAC_GW + MAC_RES + b"\x86\xdd"
ETH6_IN = MAC_RES + MAC_GW + b"\x86\xdd"


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def asum(b):
    return wsum(b)


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class Writer:
    def __init__(self, f):
        self.f = f
        self.heap = []
        self.seq = 0
        self.buf = []
        self.count = 0
        self.bytes = 0
        self.ipid = 1

    def push(self, t_us, frame):
        self.seq += 1
        heapq.heappush(self.heap, (t_us, self.seq, frame))

    def flush_until(self, t_us):
        heap, buf = self.heap, self.buf
        pack = struct.pack
        while heap and heap[0][0] <= t_us:
            t, _, fr = heapq.heappop(heap)
            n = len(fr)
            buf.append(pack("<IIII", t // 1000000, t % 1000000, n, n))
            buf.append(fr)
            self.count += 1
        if len(buf) > 20000:
            self.f.write(b"".join(buf))
            buf.clear()

    def close(self):
        self.flush_until(1 << 62)
        self.f.write(b"".join(self.buf))
        self.buf.clear()


def udp4(eth, src, ssum, dst, dsum, sport, dport, payload, psum, ipid):
    ulen = 8 + len(payload)
    c = fold(ssum + dsum + 17 + ulen + sport + dport + ulen + psum)
    c = (~c & 0xFFFF) or 0xFFFF
    tot = 20 + ulen
    h = fold(0x4500 + tot + ipid + 0x4011 + ssum + dsum)     # ttl 64, proto 17
    return eth + struct.pack("!HHHHHH4s4sHHHH", 0x4500, tot, ipid, 0, 0x4011, ~h & 0xFFFF,
                             src, dst, sport, dport, ulen, c) + payload


def udp4_frags(eth, src, ssum, dst, dsum, sport, dport, payload, psum, ipid):
    """The UDP datagram split into IPv4 fragments of at most 1500 bytes, in order."""
    ulen = 8 + len(payload)
    c = fold(ssum + dsum + 17 + ulen + sport + dport + ulen + psum)
    c = (~c & 0xFFFF) or 0xFFFF
    dgram = struct.pack("!HHHH", sport, dport, ulen, c) + payload
    frames = []
    off = 0
    while off < len(dgram):
        chunk = dgram[off:off + 1480]
        mf = 0x2000 if off + 1480 < len(dgram) else 0
        fo = mf | (off >> 3)
        tot = 20 + len(chunk)
        h = fold(0x4500 + tot + ipid + fo + 0x4011 + ssum + dsum)
        frames.append(eth + struct.pack("!HHHHHH4s4s", 0x4500, tot, ipid, fo, 0x4011,
                                        ~h & 0xFFFF, src, dst) + chunk)
        off += 1480
    return frames


def udp6(eth, src, ssum, dst, dsum, sport, dport, payload, psum):
    ulen = 8 + len(payload)
    c = fold(ssum + dsum + 17 + ulen + sport + dport + ulen + psum)
    c = (~c & 0xFFFF) or 0xFFFF
    return eth + struct.pack("!IHBB16s16sHHHH", 0x60000000, ulen, 17, 64, src, dst,
                             sport, dport, ulen, c) + payload


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def tcp(v6, eth, src, ssum, dst, dsum, sport, dport, seq, ack, flags, payload, psum, ipid):
    opt = b"\x02\x04\x05\xb4" if flags & SYN else b""
    hl = 20 + len(opt)
    tlen = hl + len(payload)
    offfl = ((hl // 4) << 12) | flags
    win = 64240
    c = fold(ssum + dsum + 6 + tlen + sport + dport + (seq >> 16) + (seq & 0xFFFF)
             + (ack >> 16) + (ack & 0xFFFF) + offfl + win + (0x0204 + 0x05B4 if opt else 0) + psum)
    hdr = struct.pack("!HHIIHHHH", sport, dport, seq, ack, offfl, win, ~c & 0xFFFF, 0) + opt
    if v6:
        return eth + struct.pack("!IHBB16s16s", 0x60000000, tlen, 6, 64, src, dst) + hdr + payload
    tot = 20 + tlen
    h = fold(0x4500 + tot + ipid + 0x4000 + 0x4006 + ssum + dsum)
    return eth + struct.pack("!HHHHHH4s4s", 0x4500, tot, ipid, 0x4000, 0x4006, ~h & 0xFFFF,
                             src, dst) + hdr + payload


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=float, default=3600.0,
                    help="seconds the capture spans (default 3600)")
    args = ap.parse_args()
    t_start = time.time()
    rnd = random.Random(args.seed)
    random.seed(args.seed)                # dnspython shuffles RRsets with the global generator
    zones = build_zones(rnd)
    tm = build_templates(zones, rnd)
    t_built = time.time()

    # endpoints
    clients4 = [(a4("10.1.%d.%d" % (i // 250, i % 250 + 2)),) for i in range(2000)]
    clients4 = [(a, asum(a)) for (a,) in clients4]
    clients6 = [a6("fd00:1::%x:%x" % (i // 200 + 1, i % 200 + 1)) for i in range(400)]
    clients6 = [(a, asum(a)) for a in clients6]
    res4 = (RES4, asum(RES4))
    res6 = (RES6, asum(RES6))
    res6up = (RES6UP, asum(RES6UP))

    def servers(z, v6):
        return [(a6(s6), asum(a6(s6))) if v6 else (a4(s4), asum(a4(s4))) for (s4, s6) in z.servers]
    srv = {}
    for z in zones.values():
        srv[(id(z), 0)] = servers(z, False)
        srv[(id(z), 1)] = servers(z, True)

    def cumw(lst):
        acc, out = 0.0, []
        for t in lst:
            acc += t.weight
            out.append(acc)
        return out
    up, cl, big4, bigtcp = tm["up"], tm["cl"], tm["big4"], tm["bigtcp"]
    tcs = tm["tc"]
    up_w, cl_w = cumw(up), cumw(cl)
    # DNSKEY and DS answers first, so a validator has keys from the start
    priming = [("prime", t) for t in up if t.kind == "ds"] + \
              [("prime", t) for t in up if t.kind == "answer" and t.qtype == T.DNSKEY] + \
              [("frag", t) for t in big4 if t.kind == "answer" and t.qtype == T.DNSKEY]

    # event kinds and their expected packets: weights so that packets are ~83% v4 UDP,
    # ~10% v6, ~5% TCP, ~2% fragments
    EV = [("udp4", 2, 0.815), ("udp6", 2, 0.10), ("tcp", 11.3, 0.055), ("frag", 3.1, 0.03),
          ("lost", 1, 0.003)]
    ev_cum = []
    acc = 0.0
    for _, npk, share in EV:
        acc += share / npk
        ev_cum.append(acc)
    ev_names = [n for n, _, _ in EV]
    pkts_per_ev = sum(share for _, _, share in EV) / acc
    gap = args.duration * 1e6 / max(1, args.packets) * pkts_per_ev

    f = open(args.out, "wb", buffering=1 << 20)
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    w = Writer(f)
    rr = rnd.random
    bis = bisect.bisect
    now = float(T0) * 1e6
    target = args.packets
    n_ev = 0
    pk = struct.Struct("!H").pack

    while w.count + len(w.heap) < target:
        now += gap * 2 * rr()
        t = t_ev = int(now)
        n_ev += 1
        ptp = None
        if priming:
            kind, ptp = priming.pop(0)
        else:
            kind = ev_names[bis(ev_cum, rr() * acc)]
        qid = int(rr() * 65536)
        idb = pk(qid)
        if kind in ("udp4", "udp6", "prime", "lost"):
            v6 = kind == "udp6"
            if kind == "prime":
                tp = ptp
                client_side = False
            else:
                client_side = rr() < 0.55
                if client_side:
                    tp = cl[bis(cl_w, rr() * cl_w[-1])]
                else:
                    tp = up[bis(up_w, rr() * up_w[-1])]
            if client_side:
                cs = clients6[int(rr() * len(clients6))] if v6 else clients4[int(rr() * len(clients4))]
                ss = res6 if v6 else res4
                cport, sport = 1024 + int(rr() * 64000), 53
                eth_q, eth_r = (ETH6_IN, ETH6_OUT) if v6 else (ETH4_IN, ETH4_OUT)
                rtt = 50 + int(rr() * 900) if rr() < 0.8 else 5000 + int(rr() * 60000)
            else:
                cs = res6up if v6 else res4
                sl = srv[(id(tp.zone), 1 if v6 else 0)]
                ss = sl[int(rr() * len(sl))]
                cport, sport = 1024 + int(rr() * 64000), 53
                eth_q, eth_r = (ETH6_OUT, ETH6_IN) if v6 else (ETH4_OUT, ETH4_IN)
                rtt = 3000 + int(rr() * 80000)
            qp = idb + tp.q[2:]
            w.ipid = (w.ipid + 1) & 0xFFFF
            if v6:
                w.push(t, udp6(eth_q, cs[0], cs[1], ss[0], ss[1], cport, sport, qp, tp.qsum + qid))
            else:
                w.push(t, udp4(eth_q, cs[0], cs[1], ss[0], ss[1], cport, sport, qp, tp.qsum + qid,
                               w.ipid))
            if kind != "lost":
                rp = idb + tp.r[2:]
                w.ipid = (w.ipid + 1) & 0xFFFF
                if v6:
                    w.push(t + rtt, udp6(eth_r, ss[0], ss[1], cs[0], cs[1], sport, cport, rp,
                                         tp.rsum + qid))
                else:
                    w.push(t + rtt, udp4(eth_r, ss[0], ss[1], cs[0], cs[1], sport, cport, rp,
                                         tp.rsum + qid, w.ipid))
        elif kind == "frag":
            tp = ptp or big4[int(rr() * len(big4))]
            sl = srv[(id(tp.zone), 0)]
            ss = sl[int(rr() * len(sl))]
            cs = res4
            cport = 1024 + int(rr() * 64000)
            w.ipid = (w.ipid + 1) & 0xFFFF
            w.push(t, udp4(ETH4_OUT, cs[0], cs[1], ss[0], ss[1], cport, 53, idb + tp.q[2:],
                           tp.qsum + qid, w.ipid))
            w.ipid = (w.ipid + 1) & 0xFFFF
            rtt = 3000 + int(rr() * 80000)
            for i, fr in enumerate(udp4_frags(ETH4_IN, ss[0], ss[1], cs[0], cs[1], 53, cport,
                                              idb + tp.r[2:], tp.rsum + qid, w.ipid)):
                w.push(t + rtt + i * 3, fr)
        else:  # tcp
            v6 = rr() < 0.15
            if tcs and rr() < 0.4:       # a UDP answer with TC=1 first
                tct, bi = tcs[int(rr() * len(tcs))]
                tp = bigtcp[bi]
            else:
                tct, tp = None, bigtcp[int(rr() * len(bigtcp))]
            client_side = tp.side == "cl"
            if client_side:
                cs = clients6[int(rr() * len(clients6))] if v6 else clients4[int(rr() * len(clients4))]
                ss = res6 if v6 else res4
                eth_q, eth_r = (ETH6_IN, ETH6_OUT) if v6 else (ETH4_IN, ETH4_OUT)
                rtt = 100 + int(rr() * 2000)
            else:
                cs = res6up if v6 else res4
                sl = srv[(id(tp.zone), 1 if v6 else 0)]
                ss = sl[int(rr() * len(sl))]
                eth_q, eth_r = (ETH6_OUT, ETH6_IN) if v6 else (ETH4_OUT, ETH4_IN)
                rtt = 3000 + int(rr() * 80000)
            cport = 1024 + int(rr() * 64000)
            if tct is not None:
                w.ipid = (w.ipid + 1) & 0xFFFF
                if v6:
                    w.push(t, udp6(eth_q, cs[0], cs[1], ss[0], ss[1], cport, 53, idb + tct.q[2:],
                                   tct.qsum + qid))
                    w.push(t + rtt, udp6(eth_r, ss[0], ss[1], cs[0], cs[1], 53, cport,
                                         idb + tct.r[2:], tct.rsum + qid))
                else:
                    w.push(t, udp4(eth_q, cs[0], cs[1], ss[0], ss[1], cport, 53, idb + tct.q[2:],
                                   tct.qsum + qid, w.ipid))
                    w.push(t + rtt, udp4(eth_r, ss[0], ss[1], cs[0], cs[1], 53, cport,
                                         idb + tct.r[2:], tct.rsum + qid, w.ipid + 1))
                t += rtt + 200
                cport = 1024 + int(rr() * 64000)
                qid = int(rr() * 65536)
                idb = pk(qid)
            cseq = int(rr() * 4294967295)
            sseq = int(rr() * 4294967295)
            m32 = 0xFFFFFFFF
            qmsg = pk(len(tp.q)) + idb + tp.q[2:]
            rmsg = pk(len(tp.r)) + idb + tp.r[2:]
            # the response in 2 or 3 segments; split points even so the ID stays word-aligned
            n = len(rmsg)
            if n > 2900:
                cuts = [0, 1448, 2896, n]
            elif n > 1448:
                cuts = [0, 1448, n]
            elif rr() < 0.5:
                cuts = [0, 2, n]          # length prefix alone, then the message
            else:
                c1 = (n // 2) & ~1
                cuts = [0, c1, n] if rr() < 0.6 else [0, 2, max(4, c1), n]
            ip = w.ipid
            cq = (cs[0], cs[1], ss[0], ss[1], cport, 53)
            cr = (ss[0], ss[1], cs[0], cs[1], 53, cport)
            half = rtt // 2
            tt = t
            pkts = []
            pkts.append((tt, eth_q, cq, cseq, 0, SYN, b"", 0))
            tt += rtt
            pkts.append((tt, eth_r, cr, sseq, (cseq + 1) & m32, SYN | ACK, b"", 0))
            tt += 30
            cseq1, sseq1 = (cseq + 1) & m32, (sseq + 1) & m32
            pkts.append((tt, eth_q, cq, cseq1, sseq1, ACK, b"", 0))
            tt += 20
            pkts.append((tt, eth_q, cq, cseq1, sseq1, PSH | ACK, qmsg, wsum(qmsg)))
            cseq2 = (cseq1 + len(qmsg)) & m32
            tt += rtt
            for i in range(len(cuts) - 1):
                seg = rmsg[cuts[i]:cuts[i + 1]]
                pkts.append((tt, eth_r, cr, (sseq1 + cuts[i]) & m32, cseq2, PSH | ACK, seg,
                             wsum(seg)))
                tt += 15
            sseq2 = (sseq1 + n) & m32
            pkts.append((tt, eth_q, cq, cseq2, sseq2, ACK, b"", 0))
            tt += 40
            pkts.append((tt, eth_q, cq, cseq2, sseq2, FIN | ACK, b"", 0))
            tt += half + 10
            pkts.append((tt, eth_r, cr, sseq2, (cseq2 + 1) & m32, FIN | ACK, b"", 0))
            tt += half + 10
            pkts.append((tt, eth_q, cq, (cseq2 + 1) & m32, (sseq2 + 1) & m32, ACK, b"", 0))
            for (tt, eth, (s, ssm, d, dsm, sp, dp), seq, ack, fl, pl, psum) in pkts:
                ip = (ip + 1) & 0xFFFF
                w.push(tt, tcp(v6, eth, s, ssm, d, dsm, sp, dp, seq, ack, fl, pl, psum, ip))
            w.ipid = ip
        w.flush_until(t_ev)
    w.close()
    f.close()
    el = time.time() - t_start
    print("gen_capture: %d packets, %d events, %d templates (%d up, %d client, %d large, %d tcp), "
          "%.1fs (%.1fs building templates)" % (w.count, n_ev, len(up) + len(cl) + len(big4),
                                                len(up), len(cl), len(big4), len(bigtcp), el,
                                                t_built - t_start), file=sys.stderr)


if __name__ == "__main__":
    main()
