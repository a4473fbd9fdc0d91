#!/usr/bin/python3
"""tests/validator/ldns_agree.py -- helpers for tests/system/t_ldns_verify_agree.sh.

  ldns_agree.py corrupt SIGNED OUT
      OUT = SIGNED with the RRSIG bytes of www A and mail AAAA flipped, and the RRSIG
      of txt TXT replaced by one made (dnspython + cryptography) with a key of the same
      algorithm that is NOT in the zone's DNSKEY RRset.
  ldns_agree.py capture SIGNED OUT.pcap T_IN T_OUT
      One UDP response per RRset of SIGNED (RRset + its RRSIGs in the answer section);
      the DNSKEY response first. Batch 1 at T_IN, batch 2 at T_OUT (epoch seconds).
      The wildcard RRset *.wild is sent expanded, as a server would (host.wild).
  ldns_agree.py compare DB SIGNED LDNS_IN LDNS_OUT T_IN T_OUT
      Per RRset and batch: ldns-verify-zone's verdict (no error line = ok) against
      sigtrail's sig_checks. ok <-> valid; "signature has expired" <-> expired;
      "not incepted" <-> not_yet_valid; other errors (bogus signature, no matching key)
      <-> bogus (reason printed). Exit 1 on any disagreement.
"""
import collections, re, sqlite3, struct, sys
import dns.zone, dns.rdatatype, dns.rdataclass, dns.name, dns.dnssec, dns.rrset, dns.message, dns.flags
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from make_hostile import udp_frame, write_pcap, CLI, SRV  # noqa: E402

RRSIG = dns.rdatatype.RRSIG


def load(path):
    text = open(path).read()
    origin = None
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 4 and f[3] == "SOA":
            origin = f[0]
            break
    return dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)


def rrsets(z):
    """(owner, type, rrset, [rrsig rdatas]) for every non-RRSIG RRset."""
    out = []
    for owner, node in sorted(z.nodes.items()):
        sigs = {}
        for rds in node.rdatasets:
            if rds.rdtype == RRSIG:
                for s in rds:
                    sigs.setdefault(s.type_covered, []).append(s)
        for rds in node.rdatasets:
            if rds.rdtype == RRSIG:
                continue
            rr = dns.rrset.RRset(owner, rds.rdclass, rds.rdtype)
            rr.update(rds)
            out.append((owner, rds.rdtype, rr, sigs.get(rds.rdtype, []), rds.ttl))
    return out


def corrupt(src, dst):
    z = load(src)
    apex = z.origin
    node = z.find_node(apex)
    dnskey = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.DNSKEY)
    alg = list(dnskey)[0].algorithm
    for owner, node in z.nodes.items():
        label = owner.labels[0].decode() if owner != apex else "@"
        for rds in [r for r in node.rdatasets if r.rdtype == RRSIG]:
            _corrupt_set(z, apex, alg, owner, node, label, rds)
    z.to_file(dst, relativize=False, sorted=True)


def _corrupt_set(z, apex, alg, owner, node, label, rds):
        new = []
        for s in rds:
            cov = s.type_covered
            if (label, cov) in (("www", dns.rdatatype.A), ("mail", dns.rdatatype.AAAA)):
                b = bytearray(s.signature)
                b[len(b) // 2] ^= 0x5A
                s = s.replace(signature=bytes(b))
            elif (label, cov) == ("txt", dns.rdatatype.TXT):
                if alg == 8:
                    priv = rsa.generate_private_key(65537, 2048)
                elif alg == 13:
                    priv = ec.generate_private_key(ec.SECP256R1())
                else:
                    priv = ed25519.Ed25519PrivateKey.generate()
                dk = dns.dnssec.make_dnskey(priv.public_key(), alg, flags=256)
                rr = dns.rrset.RRset(owner, dns.rdataclass.IN, cov)
                rr.update(node.get_rdataset(dns.rdataclass.IN, cov))
                s = dns.dnssec.sign(rr, priv, apex, dk, inception=s.inception,
                                    expiration=s.expiration)
            new.append(s)
        rds.clear()
        for s in new:
            rds.add(s)


def capture(src, out, t_in, t_out):
    z = load(src)
    sets = rrsets(z)
    sets.sort(key=lambda x: x[1] != dns.rdatatype.DNSKEY)   # keys first
    frames, port = [], 30000
    for batch, t0 in ((0, float(t_in)), (1, float(t_out))):
        for i, (owner, rdtype, rr, sigs, ttl) in enumerate(sets):
            if rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3):
                pass
            qname = owner
            if owner.labels[0] == b"*":
                qname = dns.name.Name((b"host",) + owner.labels[1:])
            q = dns.message.make_query(qname, rdtype, want_dnssec=True)
            q.id = port & 0xFFFF
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA
            a = dns.rrset.RRset(qname, dns.rdataclass.IN, rdtype)
            a.update(rr)
            a.ttl = ttl
            r.answer.append(a)
            if sigs:
                r.answer.append(dns.rrset.from_rdata_list(qname, ttl, sigs))
            t = t0 + i * 0.01
            port += 1
            frames += [(t, udp_frame(q.to_wire(), port, 53, CLI, SRV)),
                       (t + 0.001, udp_frame(r.to_wire(want_shuffle=False), 53, port))]
    write_pcap(out, frames)


ERR = re.compile(r"^Error: (.*) for (\S+)\s+(\S+)\s*$")


def ldns_errors(path):
    errs = {}
    for line in open(path):
        m = ERR.match(line.strip())
        if m:
            errs[(m.group(2).lower(), dns.rdatatype.from_text(m.group(3)))] = m.group(1)
    return errs


def ldns_class(msg):
    if msg is None:
        return "valid"
    if "expired" in msg:
        return "expired"
    if "incepted" in msg or "not yet" in msg:
        return "not_yet_valid"
    return "bogus"


def compare(db, src, ldns_in, ldns_out, t_in, t_out):
    z = load(src)
    sets = rrsets(z)
    errs = (ldns_errors(ldns_in), ldns_errors(ldns_out))
    con = sqlite3.connect(db)
    got = collections.defaultdict(list)
    split = (int(t_in) + int(t_out)) // 2
    for owner, tc, ts, verdict, reason in con.execute(
            "SELECT s.owner, s.type_covered, c.ts_ns / 1000000000, c.verdict, c.reason "
            "FROM sig_checks c JOIN signatures s ON s.id = c.signature_id"):
        got[(owner.lower(), tc, 0 if ts < split else 1)].append((verdict, reason))
    bad = n = 0
    for owner, rdtype, rr, sigs, ttl in sets:
        if not sigs:
            continue
        o = owner.to_text().lower()
        qo = o.replace("*.", "host.", 1) if o.startswith("*.") else o
        for batch in (0, 1):
            n += 1
            lmsg = errs[batch].get((o, rdtype))
            want = ldns_class(lmsg)
            g = got.get((qo, rdtype, batch), [])
            # several RRSIGs per RRset: the RRset is ok if one is valid (as ldns)
            if any(v == "valid" for v, _ in g):
                gc = "valid"
            elif g:
                gc = "expired" if all(r == "expired" for _, r in g) else \
                    "not_yet_valid" if all(r == "not_yet_valid" for _, r in g) else \
                    "bogus" if all(v == "bogus" for v, _ in g) else "mixed"
            else:
                gc = "no-check"
            tag = "ok  " if gc == want else "FAIL"
            if gc != want:
                bad += 1
            print(f"  {tag} {'in-window' if batch == 0 else 'expired  '} {qo} "
                  f"{dns.rdatatype.to_text(rdtype)}: ldns {lmsg or 'ok'} | sigtrail "
                  f"{','.join(r for _, r in g) or 'no check'}")
    print(f"  {n - bad}/{n} RRset verdicts agree")
    return 1 if bad else 0


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "corrupt":
        corrupt(a[2], a[3])
    elif a[1] == "capture":
        capture(a[2], a[3], a[4], a[5])
    elif a[1] == "compare":
        sys.exit(compare(a[2], a[3], a[4], a[5], a[6], a[7]))
    else:
        sys.exit(__doc__)
