#!/usr/bin/python3
"""tests/validator/make_hostile.py -- hostile DNSSEC captures for
tests/system/t_validator_hostile.sh (THREATS.md F1-F4, F8, F9, F11, G1, G3).

usage: make_hostile.py OUTDIR
       make_hostile.py --repeat IN.pcap OUT.pcap N

Writes (deterministically: fixed seeds, fixed keys where validity does not matter):
  keytrap_tcp.pcap      (a) one 60 KiB DNS-over-TCP response: 300 Ed25519 DNSKEYs forced
                            to one key tag (LockCram) x 400 RRSIGs with that tag over one
                            A RRset (SigJam). Keys are random 32-byte strings: every
                            verification is a real EVP_DigestVerify that fails.
  keytrap_repeat1.pcap  (b) a smaller LockCram x SigJam UDP response (8 keys, 16 RRSIGs:
                            64 candidate pairs after the 4-keys cap), once. The test makes
                            the 1000x capture with `make_hostile.py --repeat IN OUT 1000`
                            (2.3 MB: not committed).
  keyshape.pcap         (c)(d) DNSKEYs of bad shape, each with an RRSIG naming it:
                            RSA (F8) and ECDSA/EdDSA (F9); (e) RRSIG labels > owner labels,
                            signer not an ancestor (F11); truncated RRSIG RDATA.
  times.pcapng          (f) a real Ed25519 key (dnspython + cryptography) signing A
                            RRsets; packet times before / at / inside / after the window,
                            windows wrapping 2^32, expiration before inception, a 0 s window
                            (G1, G3). pcapng for 64-bit timestamps (packets after 2106).
  keycap.pcap           a valid signature whose key is the 5th (65th) published key with
                            its tag: past the candidate cap (and the key store cap).
  EXPECT                one line per RRSIG: capture owner type tag reason
"""
import os, random, struct, sys
import dns.message, dns.rrset, dns.rdataclass, dns.rdatatype, dns.name, dns.dnssec, dns.flags
import dns.rdtypes.ANY.DNSKEY as DK
import dns.rdtypes.ANY.RRSIG as RS
import dns.rdtypes.IN.A as A
from cryptography.hazmat.primitives.asymmetric import ed25519

IN, T_A, T_DNSKEY, T_RRSIG = (dns.rdataclass.IN, dns.rdatatype.A, dns.rdatatype.DNSKEY,
                              dns.rdatatype.RRSIG)
rnd = random.Random(20240213)
EXPECT = []

# ---------------------------------------------------------------- pcap writing

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                      bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def eth(ip):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip


SRV, CLI = (192, 0, 2, 53), (198, 51, 100, 7)


def udp_frame(payload, sport=53, dport=40000, src=SRV, dst=CLI):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ph = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 17, len(u))
    c = csum(ph + u) or 0xFFFF
    u = u[:6] + struct.pack("!H", c) + u[8:]
    return eth(ipv4(src, dst, 17, u))


def tcp_seg(src, dst, sport, dport, seq, ack, flags, data=b""):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ph = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(t))
    t = t[:16] + struct.pack("!H", csum(ph + t)) + t[18:]
    return eth(ipv4(src, dst, 6, t))


def tcp_exchange(query, response, cport=40001):
    """Frames of one DNS-over-TCP exchange: handshake, query, response, close."""
    S, SA, A_, PA, FA = 0x02, 0x12, 0x10, 0x18, 0x11
    cs, ss = 1000, 5000
    out = [tcp_seg(CLI, SRV, cport, 53, cs, 0, S),
           tcp_seg(SRV, CLI, 53, cport, ss, cs + 1, SA),
           tcp_seg(CLI, SRV, cport, 53, cs + 1, ss + 1, A_)]
    q = struct.pack("!H", len(query)) + query
    out.append(tcp_seg(CLI, SRV, cport, 53, cs + 1, ss + 1, PA, q))
    cs += 1 + len(q)
    r = struct.pack("!H", len(response)) + response
    seq = ss + 1
    for i in range(0, len(r), 1460):
        out.append(tcp_seg(SRV, CLI, 53, cport, seq, cs, PA, r[i:i + 1460]))
        seq += len(r[i:i + 1460])
    out += [tcp_seg(CLI, SRV, cport, 53, cs, seq, A_),
            tcp_seg(SRV, CLI, 53, cport, seq, cs, FA),
            tcp_seg(CLI, SRV, cport, 53, cs, seq + 1, FA),
            tcp_seg(SRV, CLI, 53, cport, seq + 1, cs + 1, A_)]
    return out


def write_pcap(path, frames):
    """frames: list of (ts_seconds_float, bytes). Classic microsecond pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for ts, b in frames:
            sec, usec = int(ts), int(round((ts - int(ts)) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(b), len(b)) + b)


def write_pcapng(path, frames):
    """pcapng, one Ethernet interface, microsecond resolution, 64-bit timestamps."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(0x00000001, struct.pack("<HHI", 1, 0, 262144)))
        for ts, b in frames:
            us = int(ts) * 1000000
            f.write(block(0x00000006, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF,
                                                  len(b), len(b)) + b))

# ---------------------------------------------------------------- DNS helpers

def name(s):
    return dns.name.from_text(s)


def keytag(flags, proto, alg, key):
    return dns.dnssec.key_id(DK.DNSKEY(IN, T_DNSKEY, flags, proto, alg, key))


def force_tag(prefix, target, flags=257, proto=3, alg=15):
    """prefix (even length) + 2 octets chosen so that the DNSKEY's tag is target."""
    ac = flags + (proto << 8) + alg
    for i, b in enumerate(prefix):
        ac += b if i & 1 else b << 8
    for w0 in ((target - ac - c) & 0xFFFF for c in range(64)):
        k = prefix + struct.pack("!H", w0)
        if keytag(flags, proto, alg, k) == target:
            return k
    raise AssertionError("could not force tag")


def response(qname, qtype, answer, msg_id=0x4242, authority=()):
    q = dns.message.make_query(qname, qtype, want_dnssec=True)
    q.id = msg_id
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    for rs in answer:
        r.answer.append(rs)
    for rs in authority:
        r.authority.append(rs)
    return q.to_wire(), r.to_wire(max_size=65535, want_shuffle=False)


def rrsig(covered, alg, labels, ttl, exp, inc, tag, signer, sig):
    return RS.RRSIG(IN, T_RRSIG, covered, alg, labels, ttl, exp, inc, tag, name(signer), sig)


def a_rrset(owner, addr="192.0.2.1"):
    return dns.rrset.from_text(owner, 300, "IN", "A", addr)


def keytrap(zone, nkeys, nsigs, tag=4242):
    keys = [DK.DNSKEY(IN, T_DNSKEY, 257, 3, 15, force_tag(rnd.randbytes(30), tag))
            for _ in range(nkeys)]
    assert all(dns.dnssec.key_id(k) == tag for k in keys)
    assert len({k.key for k in keys}) == nkeys
    dnskeys = dns.rrset.from_rdata_list(name(zone), 3600, keys)
    owner = "www." + zone
    sigs = [rrsig(T_A, 15, 3, 300, 0x70000000, 0x60000000, tag, zone, rnd.randbytes(64))
            for _ in range(nsigs)]
    return response(owner, "A", [dnskeys, a_rrset(owner),
                                 dns.rrset.from_rdata_list(name(owner), 300, sigs)])

# ---------------------------------------------------------------- (a), (b)

def make_keytrap(out):
    T0 = 1700000000.0
    q, r = keytrap("keytrap.test.", 300, 400)
    assert len(r) < 65536, len(r)
    frames = tcp_exchange(q, r)
    write_pcap(os.path.join(out, "keytrap_tcp.pcap"),
               [(T0 + i * 0.001, f) for i, f in enumerate(frames)])
    q, r = keytrap("repeat.test.", 8, 16, tag=777)
    one = [(T0, udp_frame(q, 40002, 53, CLI, SRV)), (T0 + 0.001, udp_frame(r, 53, 40002))]
    write_pcap(os.path.join(out, "keytrap_repeat1.pcap"), one)
    return len(r)

# ---------------------------------------------------------------- (c), (d), (e)

def rsa_blob(e, n, long_form=False):
    el = len(e)
    hdr = (b"\0" + struct.pack("!H", el)) if (long_form or el > 255) else bytes([el])
    return hdr + e + n


def odd_modulus(nbytes):
    n = bytearray(rnd.randbytes(nbytes))
    n[0] |= 0x80
    n[-1] |= 1
    return bytes(n)


def make_keyshape(out):
    T0 = 1700000000.0
    e65537 = b"\x01\x00\x01"
    cases = [  # (label, algorithm, key bytes, expected reason, signature length)
        ("rsa16384", 8, rsa_blob(e65537, odd_modulus(2048)), "key_unsupported", 2048),
        ("rsa-bigexp", 8, rsa_blob(odd_modulus(375), odd_modulus(384)), "key_unsupported", 384),
        ("rsa-exp-even", 8, rsa_blob(b"\x01\x00\x00", odd_modulus(256)), "key_malformed", 256),
        ("rsa-exp-1", 8, rsa_blob(b"\x01", odd_modulus(256)), "key_malformed", 256),
        ("rsa-exp-overrun", 8, b"\x00\xff\xff" + e65537 + odd_modulus(256), "key_malformed", 256),
        ("rsa-exp-lead0", 8, rsa_blob(b"\x00\x01\x00\x01", odd_modulus(256)), "key_malformed", 256),
        ("rsa-mod-lead0", 8, rsa_blob(e65537, b"\x00" + odd_modulus(255)), "key_malformed", 256),
        ("rsa-mod-even", 8, rsa_blob(e65537, odd_modulus(256)[:-1] + b"\x02"), "key_malformed", 256),
        ("rsa-256bit", 8, rsa_blob(e65537, odd_modulus(32)), "key_unsupported", 32),
        ("rsa-no-mod", 8, rsa_blob(e65537, b""), "key_malformed", 256),
        ("rsa-exp-0len", 8, b"\x00\x00\x00" + odd_modulus(256), "key_malformed", 256),
        ("ec256-offcurve", 13, None, "key_malformed", 64),
        ("ec256-short", 13, rnd.randbytes(63), "key_malformed", 64),
        ("ec384-offcurve", 14, None, "key_malformed", 96),
        ("ed25519-short", 15, rnd.randbytes(31), "key_malformed", 64),
        ("ed448-long", 16, rnd.randbytes(58), "key_malformed", 114),
    ]
    from cryptography.hazmat.primitives.asymmetric import ec
    frames = []
    t = T0
    for i, (label, alg, key, reason, slen) in enumerate(cases):
        if key is None:
            # a real point with y changed: off the curve (checked below)
            curve = ec.SECP256R1() if alg == 13 else ec.SECP384R1()
            half = 32 if alg == 13 else 48
            pub = ec.derive_private_key(123456789 + alg, curve).public_key().public_numbers()
            y = (pub.y + 1) % (2 ** (8 * half))
            key = pub.x.to_bytes(half, "big") + y.to_bytes(half, "big")
            try:
                ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + key)
                raise AssertionError("point unexpectedly on the curve")
            except ValueError:
                pass
        zone = f"{label}.shape.test."
        owner = "www." + zone
        dk = DK.DNSKEY(IN, T_DNSKEY, 256, 3, alg, key)
        tag = dns.dnssec.key_id(dk)
        sig = rrsig(T_A, alg, 4, 300, 0x70000000, 0x60000000, tag, zone, rnd.randbytes(slen))
        q, r = response(owner, "A", [dns.rrset.from_rdata(name(zone), 3600, dk), a_rrset(owner),
                                     dns.rrset.from_rdata(name(owner), 300, sig)], msg_id=i)
        frames += [(t, udp_frame(q, 41000 + i, 53, CLI, SRV)), (t + 0.001, udp_frame(r, 53, 41000 + i))]
        t += 1
        EXPECT.append(("keyshape", owner, "A", tag, reason))
    # (e) F11: labels and signer. A well-formed Ed25519 key so the key is not the issue.
    zone = "labels.test."
    dk = DK.DNSKEY(IN, T_DNSKEY, 257, 3, 15, rnd.randbytes(32))
    tag = dns.dnssec.key_id(dk)
    keyset = dns.rrset.from_rdata(name(zone), 3600, dk)
    for j, (owner, labels, signer, reason) in enumerate([
            ("www.labels.test.", 4, zone, "labels_invalid"),        # owner has 3 labels
            ("www.labels.test.", 255, zone, "labels_invalid"),
            ("www.elsewhere.test.", 3, zone, "signer_not_ancestor"),
            ("labels.test.", 2, "www.labels.test.", "signer_not_ancestor"),  # signer below owner
    ]):
        sig = rrsig(T_A, 15, labels, 300, 0x70000000, 0x60000000, tag, signer, rnd.randbytes(64))
        q, r = response(owner, "A", [keyset, a_rrset(owner),
                                     dns.rrset.from_rdata(name(owner), 300, sig)], msg_id=100 + j)
        frames += [(t, udp_frame(q, 42000 + j, 53, CLI, SRV)), (t + 0.001, udp_frame(r, 53, 42000 + j))]
        t += 1
        EXPECT.append(("keyshape", owner, "A", tag, reason))
    # Truncated RRSIG RDATA (fixed fields cut; signer overrunning the RDATA): rrsig_malformed.
    # Hand-made wire: dnspython would not write these.
    for j, rd in enumerate([struct.pack("!HBBI", T_A, 15, 3, 300) + b"\0\0",      # 10 octets
                            struct.pack("!HBBIIIH", T_A, 15, 3, 300, 0x70000000, 0x60000000,
                                        tag) + b"\x06labels\x04te"]):            # signer cut
        owner = f"cut{j}.labels.test."
        q, r = response(owner, "A", [keyset, a_rrset(owner)], msg_id=200 + j)
        r = bytearray(r)
        r[7] += 1  # ANCOUNT + 1
        r += dns.name.from_text(owner).to_wire() + struct.pack("!HHIH", T_RRSIG, 1, 300, len(rd)) + rd
        frames += [(t, udp_frame(q, 43000 + j, 53, CLI, SRV)), (t + 0.001, udp_frame(bytes(r), 53, 43000 + j))]
        t += 1
        EXPECT.append(("keyshape", owner, "A", 0 if j == 0 else tag, "rrsig_malformed"))
    write_pcap(os.path.join(out, "keyshape.pcap"), frames)

# ---------------------------------------------------------------- (f)

def make_times(out):
    zone = "time.test."
    # A fixed private key: the capture is committed, regenerating gives the same bytes
    # (Ed25519 signatures are deterministic).
    priv = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    dk = dns.dnssec.make_dnskey(priv.public_key(), dns.dnssec.Algorithm.ED25519, flags=257)
    tag = dns.dnssec.key_id(dk)
    keyset = dns.rrset.from_rdata(name(zone), 3600, dk)
    I, E = 1700000000, 1700086400
    W0, W1 = 0xFFFFFF00, 0x00000100        # a window across 2^32 (2106-02-07)
    cases = [  # (label, inception, expiration, packet time (64-bit seconds), expected)
        ("before", I, E, I - 1, "not_yet_valid"),
        ("at-inception", I, E, I, "valid"),
        ("inside", I, E, I + 3600, "valid"),
        ("at-expiration", I, E, E, "valid"),
        ("after", I, E, E + 1, "expired"),
        ("long-after", I, E, E + 86400 * 365, "expired"),
        ("wrap-before", W0, W1, 0xFFFFFE00, "not_yet_valid"),
        ("wrap-inside-low", W0, W1, 0xFFFFFF80, "valid"),
        ("wrap-inside-high", W0, W1, 2 ** 32 + 0x80, "valid"),
        ("wrap-after", W0, W1, 2 ** 32 + 0x200, "expired"),
        ("exp-before-inc", I, I - 3600, I, "expired_before_valid"),
        ("zero-window", I, I, I, "valid"),
        ("zero-window-after", I, I, I + 1, "expired"),
    ]
    frames = []
    for j, (label, inc, exp, at, reason) in enumerate(cases):
        owner = f"{label}.{zone}"
        rr = a_rrset(owner, f"192.0.2.{j + 1}")
        sig = dns.dnssec.sign(rr, priv, name(zone), dk, inception=inc, expiration=exp)
        # the signature must be right (crypto only: dnspython's own window check has no
        # serial arithmetic, so verify the signed data directly)
        data = dns.dnssec._make_rrsig_signature_data(rr, sig)
        priv.public_key().verify(sig.signature, data)
        q, r = response(owner, "A", [keyset, rr, dns.rrset.from_rdata(name(owner), 300, sig)],
                        msg_id=300 + j)
        frames += [(at, udp_frame(q, 44000 + j, 53, CLI, SRV)), (at, udp_frame(r, 53, 44000 + j))]
        EXPECT.append(("times", owner, "A", tag, reason))
    write_pcapng(os.path.join(out, "times.pcapng"), frames)


def make_keycap(out):
    """More published keys share the signing key's tag than the 4-candidates cap: the real
    key comes 5th (and, in a second zone, 65th: past the key store's 64 keys per zone). A
    validator that stops early cannot call the signature bogus: it did not try the key
    that verifies. Expected: indeterminate (work_limit), not unpublished_key."""
    priv = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    frames = []
    t = 1700000000.0
    for j, (zone, njunk) in enumerate([("fifth.keycap.test.", 4), ("sixtyfifth.keycap.test.", 64)]):
        dk = dns.dnssec.make_dnskey(priv.public_key(), dns.dnssec.Algorithm.ED25519, flags=257)
        tag = dns.dnssec.key_id(dk)
        junk = [DK.DNSKEY(IN, T_DNSKEY, 257, 3, 15, force_tag(rnd.randbytes(30), tag))
                for _ in range(njunk)]
        keyset = dns.rrset.from_rdata_list(name(zone), 3600, junk + [dk])
        owner = "www." + zone
        rr = a_rrset(owner)
        sig = dns.dnssec.sign(rr, priv, name(zone), dk, inception=int(t) - 3600,
                              expiration=int(t) + 3600)
        q, r = response(owner, "A", [keyset, rr, dns.rrset.from_rdata(name(owner), 300, sig)],
                        msg_id=500 + j)
        frames += [(t, udp_frame(q, 45000 + j, 53, CLI, SRV)), (t + 0.001, udp_frame(r, 53, 45000 + j))]
        t += 1
        EXPECT.append(("keycap", owner, "A", tag, "work_limit"))
    write_pcap(os.path.join(out, "keycap.pcap"), frames)


def repeat(src, dst, n):
    """dst: the records of pcap src repeated n times, 10 ms apart per round."""
    data = open(src, "rb").read()
    hdr, recs, off = data[:24], [], 24
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    base = recs[0][0]
    with open(dst, "wb") as f:
        f.write(hdr)
        for i in range(n):
            for ts, b, orig in recs:
                t = ts + i * 10000
                f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(b), orig) + b)


def main(argv):
    if len(argv) == 5 and argv[1] == "--repeat":
        repeat(argv[2], argv[3], int(argv[4]))
        return
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    size = make_keytrap(out)
    make_keyshape(out)
    make_times(out)
    make_keycap(out)
    with open(os.path.join(out, "EXPECT"), "w") as f:
        f.write("# capture owner type tag reason -- written by make_hostile.py\n")
        for c, o, t, tag, r in EXPECT:
            f.write(f"{c} {o} {t} {tag} {r}\n")
    print(f"wrote {out}: keytrap response {size} octets, {len(EXPECT)} expectations")


if __name__ == "__main__":
    main(sys.argv)
