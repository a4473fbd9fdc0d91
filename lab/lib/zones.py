"""lab/lib/zones.py -- the private DNS tree of the sigtrail lab: zone text,
keys, and signing.

Signers used (all with explicit inception/expiration):
  "."          dnssec-signzone (BIND), RSASHA256 (8), NSEC
  rsa8.de.     dnssec-signzone, RSASHA256 (8), NSEC3
  ecdsa13.de.  ldns-signzone, ECDSAP256SHA256 (13), NSEC
  ed15.de.     ldns-signzone, ED25519 (15), NSEC3
  de.          this module's own signer (dnspython), ECDSAP256SHA256 (13), NSEC3,
               because the faults need per-RRset control of the signing key
               (key-tag collision: three private keys with one key tag).
  plain.de., shop.de.  unsigned (no DS in de.)
Run with /usr/bin/python3 (dnspython 2.3 + python-cryptography).
"""
import base64, hashlib, os, struct, subprocess, time

import dns.dnssec, dns.name, dns.rdata, dns.rdataclass, dns.rdataset, dns.rdatatype
import dns.rrset, dns.zone
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

AUTH = {  # authoritative servers: name -> (IPv4, IPv6) inside the auth namespace
    "root": ("10.53.0.2", "fd00:10::2"),
    "de-a": ("10.53.0.3", "fd00:10::3"),
    "de-b": ("10.53.0.4", "fd00:10::4"),
    "de-c": ("10.53.0.5", "fd00:10::5"),
    "kids": ("10.53.0.6", "fd00:10::6"),
}
TTL = 30          # short TTLs: every phase shows within a minute
SIGNED_KIDS = {"rsa8.de.": 8, "ecdsa13.de.": 13, "ed15.de.": 15}
UNSIGNED_KIDS = ["plain.de.", "shop.de."]
BIG_TXT = " ".join('"%s"' % (("chunk%02d-" % i) + "x" * 190) for i in range(8))  # ~1600 bytes


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def stamp(t):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


def keytag(rdata_wire):
    ac = 0
    for i, b in enumerate(rdata_wire):
        ac += b if i & 1 else b << 8
    ac += ac >> 16
    return ac & 0xFFFF


# ---------------------------------------------------------------- keys
class Key:
    """A DNSSEC key pair: cryptography private key + DNSKEY rdata."""

    def __init__(self, zone, priv, alg, flags):
        self.zone, self.priv, self.alg, self.flags = zone, priv, alg, flags
        self.dnskey = dns.dnssec.make_dnskey(priv.public_key(), alg, flags)
        self.tag = dns.dnssec.key_id(self.dnskey)
        self.base = "K%s+%03d+%05d" % (zone, alg, self.tag)

    def ds(self, digest=2):
        return dns.dnssec.make_ds(dns.name.from_text(self.zone), self.dnskey, digest)

    def key_line(self):
        return "%s 30 IN DNSKEY %s" % (self.zone, self.dnskey.to_text())

    def write(self, d, suffix=""):
        """BIND private-key format (read by dnssec-signzone and ldns-signzone)."""
        base = os.path.join(d, self.base + suffix)
        with open(base + ".key", "w") as f:
            f.write(self.key_line() + "\n")
        b64 = lambda n, ln=None: base64.b64encode(n.to_bytes(ln or (n.bit_length() + 7) // 8, "big")).decode()
        lines = ["Private-key-format: v1.3"]
        if self.alg == 8:
            n = self.priv.private_numbers()
            lines += ["Algorithm: 8 (RSASHA256)", "Modulus: " + b64(n.public_numbers.n),
                      "PublicExponent: " + b64(n.public_numbers.e), "PrivateExponent: " + b64(n.d),
                      "Prime1: " + b64(n.p), "Prime2: " + b64(n.q), "Exponent1: " + b64(n.dmp1),
                      "Exponent2: " + b64(n.dmq1), "Coefficient: " + b64(n.iqmp)]
        elif self.alg == 13:
            lines += ["Algorithm: 13 (ECDSAP256SHA256)",
                      "PrivateKey: " + b64(self.priv.private_numbers().private_value, 32)]
        elif self.alg == 15:
            from cryptography.hazmat.primitives import serialization as s
            raw = self.priv.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
            lines += ["Algorithm: 15 (ED25519)", "PrivateKey: " + base64.b64encode(raw).decode()]
        with open(base + ".private", "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(base + ".private", 0o600)
        return base

    def public_b64(self):
        return base64.b64encode(self.dnskey.key).decode()


def new_key(zone, alg, ksk=False):
    if alg == 8:
        priv = rsa.generate_private_key(65537, 2048 if ksk else 1280)
    elif alg == 13:
        priv = ec.generate_private_key(ec.SECP256R1())
    elif alg == 15:
        priv = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(alg)
    return Key(zone, priv, alg, 257 if ksk else 256)


def load_key(zone, path, alg, flags):
    from cryptography.hazmat.primitives import serialization as s
    with open(path, "rb") as f:
        return Key(zone, s.load_pem_private_key(f.read(), None), alg, flags)


def save_key(k, path):
    from cryptography.hazmat.primitives import serialization as s
    with open(path, "wb") as f:
        f.write(k.priv.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))


def colliding_zsks(zone, want_tag=33834, count=3, limit=2_000_000):
    """ECDSA P-256 ZSKs for `zone` sharing one key tag (RFC 4034 App. B checksum).
    Aims at want_tag (the .de incident's tag, about 160k keys, ~15 s)."""
    hits, n = [], 0
    while len(hits) < count and n < limit:
        priv = ec.generate_private_key(ec.SECP256R1())
        p = priv.public_key().public_numbers()
        rd = struct.pack("!HBB", 256, 3, 13) + p.x.to_bytes(32, "big") + p.y.to_bytes(32, "big")
        n += 1
        if keytag(rd) == want_tag:
            hits.append(priv)
    if len(hits) < count:
        raise RuntimeError("no key-tag collision found")
    return [Key(zone, h, 13, 256) for h in hits], n


def keyset(cache_dir):
    """All lab keys, generated once per work dir and cached (PEM) so that every
    scenario of one `make lab` run shares the tree's keys."""
    os.makedirs(cache_dir, exist_ok=True)
    spec = [(".", 8, True, "root-ksk"), (".", 8, False, "root-zsk"),
            ("de.", 13, True, "de-ksk"), ("de.", 13, False, "de-zsk-old"),
            ("rsa8.de.", 8, True, "rsa8-ksk"), ("rsa8.de.", 8, True, "rsa8-ksk-new"),
            ("rsa8.de.", 8, False, "rsa8-zsk"),
            ("ecdsa13.de.", 13, True, "ecdsa13-ksk"), ("ecdsa13.de.", 13, False, "ecdsa13-zsk"),
            ("ed15.de.", 15, True, "ed15-ksk"), ("ed15.de.", 15, False, "ed15-zsk")]
    keys = {}
    for zone, alg, ksk, name in spec:
        p = os.path.join(cache_dir, name + ".pem")
        if os.path.exists(p):
            keys[name] = load_key(zone, p, alg, 257 if ksk else 256)
        else:
            keys[name] = new_key(zone, alg, ksk)
            save_key(keys[name], p)
    cps = [os.path.join(cache_dir, "de-zsk-hsm%d.pem" % i) for i in range(3)]
    if all(os.path.exists(p) for p in cps):
        coll = [load_key("de.", p, 13, 256) for p in cps]
    else:
        coll, n = colliding_zsks("de.")
        for k, p in zip(coll, cps):
            save_key(k, p)
    for i, k in enumerate(coll):
        keys["de-zsk-hsm%d" % i] = k
    return keys


# ---------------------------------------------------------------- zone text
def soa(origin, mname, serial):
    return "%s %d IN SOA %s hostmaster.%s %d 10 60 600 %d" % (origin, TTL, mname, origin if origin != "." else "lab.", serial, TTL)


def root_text(serial, de_servers, de_ds):
    L = [soa(".", "a.root-servers.lab.", serial),
         ". 300 IN NS a.root-servers.lab.",
         "a.root-servers.lab. 300 IN A %s" % AUTH["root"][0],
         "a.root-servers.lab. 300 IN AAAA %s" % AUTH["root"][1]]
    for i, s in enumerate(de_servers, 1):
        L += ["de. 60 IN NS ns%d.de." % i, "ns%d.de. 60 IN A %s" % (i, AUTH[s][0]),
              "ns%d.de. 60 IN AAAA %s" % (i, AUTH[s][1])]
    L += ["de. 60 IN DS %s" % d.to_text() for d in de_ds]
    L += ["lab. 300 IN TXT \"sigtrail private lab root -- never the real one\""]
    return "\n".join(L) + "\n"


def de_text(serial, de_servers, kid_ds, extra=()):
    """de. unsigned content. kid_ds: {child: [DS rdata]} for the signed children."""
    L = [soa("de.", "ns1.de.", serial)]
    for i, s in enumerate(de_servers, 1):
        L += ["de. 60 IN NS ns%d.de." % i, "ns%d.de. 60 IN A %s" % (i, AUTH[s][0]),
              "ns%d.de. 60 IN AAAA %s" % (i, AUTH[s][1])]
    L += ["nic.de. %d IN A 10.53.1.1" % TTL, "nic.de. %d IN AAAA fd00:1::1" % TTL,
          "nic.de. %d IN MX 10 mail.nic.de." % TTL, "nic.de. %d IN TXT \"registry of the lab\"" % TTL,
          "mail.nic.de. %d IN A 10.53.1.2" % TTL, "www.nic.de. %d IN CNAME nic.de." % TTL,
          "big.de. %d IN TXT %s" % (TTL, BIG_TXT)]
    for kid in list(SIGNED_KIDS) + UNSIGNED_KIDS:
        L += ["%s 60 IN NS ns.%s" % (kid, kid), "ns.%s 60 IN A %s" % (kid, AUTH["kids"][0]),
              "ns.%s 60 IN AAAA %s" % (kid, AUTH["kids"][1])]
        L += ["%s 60 IN DS %s" % (kid, d.to_text()) for d in kid_ds.get(kid, [])]
    L += list(extra)
    return "\n".join(L) + "\n"


def kid_text(kid, serial, big=True):
    L = [soa(kid, "ns." + kid, serial), "%s 60 IN NS ns.%s" % (kid, kid),
         "ns.%s 60 IN A %s" % (kid, AUTH["kids"][0]), "ns.%s 60 IN AAAA %s" % (kid, AUTH["kids"][1])]
    for n in ("@", "www"):
        o = kid if n == "@" else "www." + kid
        L += ["%s %d IN A 10.53.2.%d" % (o, TTL, len(kid)), "%s %d IN AAAA fd00:2::%d" % (o, TTL, len(kid))]
    L += ["%s %d IN MX 10 mail.%s" % (kid, TTL, kid), "mail.%s %d IN A 10.53.3.%d" % (kid, TTL, len(kid)),
          "%s %d IN TXT \"v=spf1 -all\"" % (kid, TTL)]
    if big:
        L += ["big.%s %d IN TXT %s" % (kid, TTL, BIG_TXT)]
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------- signing with the tools
def sign_bind(workdir, origin, text, keys, inception, expiration, nsec3=False, verify=True):
    """dnssec-signzone with explicit -s/-e. Returns the signed zone's text."""
    os.makedirs(workdir, exist_ok=True)
    bases = [k.write(workdir) for k in keys]
    src = os.path.join(workdir, origin.strip(".") or "root") + ".zone"
    with open(src, "w") as f:
        f.write(text)
        for k in keys:
            f.write(k.key_line() + "\n")
    out = src + ".signed"
    cmd = ["dnssec-signzone", "-q", "-K", workdir, "-o", origin, "-f", out, "-N", "keep",
           "-s", stamp(inception), "-e", stamp(expiration), "-j", "0"]
    if nsec3:
        cmd += ["-3", "-", "-H", "0"]
    if not verify:
        cmd += ["-P"]
    subprocess.run(cmd + [src] + bases, check=True, cwd=workdir, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return f.read()


def sign_ldns(workdir, origin, text, keys, inception, expiration, nsec3=False):
    """ldns-signzone with explicit -i/-e. Returns the signed zone's text."""
    os.makedirs(workdir, exist_ok=True)
    bases = [k.write(workdir) for k in keys]
    src = os.path.join(workdir, origin.strip(".")) + ".zone"
    with open(src, "w") as f:
        f.write(text)
    out = src + ".signed"
    cmd = ["ldns-signzone", "-o", origin, "-f", out, "-i", stamp(inception), "-e", stamp(expiration)]
    if nsec3:
        cmd += ["-n", "-t", "0"]
    subprocess.run(cmd + [src] + bases, check=True, cwd=workdir, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return f.read()


def strip_rrsigs(text, keep=("DNSKEY",)):
    """Drop every RRSIG except those covering `keep` (the missing-rrsigs fault)."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if "RRSIG" in f:
            i = f.index("RRSIG")
            if i + 1 < len(f) and f[i + 1] not in keep:
                continue
        out.append(line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- our own signer (de.)
def sign_py(origin, text, ksk, dnskeys, zsk_for, inception, expiration, nsec3=True,
            hash_salt=None, unsigned_types=()):
    """Sign `text` for `origin` with NSEC3 (salt -, 0 iterations, no opt-out).
    dnskeys: the DNSKEY RRset published (Key objects).
    zsk_for(owner_text, rdtype_text) -> Key used to sign that RRset (may be an
    unpublished key). hash_salt: compute owner hashes with this salt while the
    records say salt "-" (the bogus-NSEC3-chain fault). Returns signed text and a
    list of (owner, type, key tag, key label) for the truth file."""
    o = dns.name.from_text(origin)
    z = dns.zone.from_text(text, o, relativize=False, check_origin=True)
    nodes = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            nodes.setdefault(name, {})[rds.rdtype] = rds
    dk = dns.rdataset.Rdataset(dns.rdataclass.IN, dns.rdatatype.DNSKEY, ttl=TTL)
    for k in dnskeys:
        dk.add(k.dnskey)
    nodes[o][dns.rdatatype.DNSKEY] = dk
    delegs = {n for n, t in nodes.items() if n != o and dns.rdatatype.NS in t}
    auth = {n for n in nodes if not any(n != d and n.is_subdomain(d) for d in delegs)}
    chain = set(auth)
    for n in list(auth):
        p = n
        while p != o:
            p = p.parent()
            chain.add(p)
    salt = b""
    minimum = nodes[o][dns.rdatatype.SOA][0].minimum
    sigs = {}
    if nsec3:
        np = dns.rdata.from_text("IN", "NSEC3PARAM", "1 0 0 -")
        nodes[o][dns.rdatatype.NSEC3PARAM] = dns.rdataset.from_rdata(0, np)
        hashed = {}
        for n in chain:
            h = dns.dnssec.nsec3_hash(n, hash_salt if hash_salt else None, 0, 1)
            types = sorted(nodes.get(n, {}).keys())
            if n in delegs:
                types = [t for t in types if t in (dns.rdatatype.NS, dns.rdatatype.DS)]
            signed = n in nodes and (n not in delegs or dns.rdatatype.DS in nodes[n])
            if signed:
                types.append(dns.rdatatype.RRSIG)
            hashed[h] = sorted(types)
        hs = sorted(hashed)
        for i, h in enumerate(hs):
            nxt = hs[(i + 1) % len(hs)]
            tt = " ".join(dns.rdatatype.to_text(t) for t in hashed[h])
            rd = dns.rdata.from_text("IN", "NSEC3", "1 0 0 - %s %s" % (nxt, tt))
            owner = dns.name.from_text(h, o)
            nodes[owner] = {dns.rdatatype.NSEC3: dns.rdataset.from_rdata(minimum, rd)}
            auth.add(owner)
    used = []
    for n in sorted(auth):
        for t, rds in sorted(nodes[n].items()):
            if n in delegs and t != dns.rdatatype.DS:
                continue
            tt = dns.rdatatype.to_text(t)
            if tt in unsigned_types:
                continue
            k = ksk if t == dns.rdatatype.DNSKEY else zsk_for(n.to_text(), tt)
            if k is None:
                continue
            sig = dns.dnssec.sign((n, rds), k.priv, o, k.dnskey, inception=int(inception),
                                  expiration=int(expiration))
            sigs[(n, t)] = dns.rdataset.from_rdata(rds.ttl, sig)
            used.append((n.to_text(), tt, k.tag, getattr(k, "label", "")))
    lines = []
    for n in sorted(nodes):
        for t, rds in sorted(nodes[n].items()):
            for rd in rds:
                lines.append("%s %d IN %s %s" % (n, rds.ttl, dns.rdatatype.to_text(t), rd.to_text()))
            if (n, t) in sigs:
                lines.append("%s %d IN RRSIG %s" % (n, rds.ttl, sigs[(n, t)][0].to_text()))
    return "\n".join(lines) + "\n", used


def ds_text(rrs):
    return "\n".join(". IN DS %s" % d.to_text() for d in rrs) + "\n"
