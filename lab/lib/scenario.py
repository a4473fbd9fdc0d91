"""lab/lib/scenario.py -- builds the private tree for a scenario, runs its
phases, measures what the resolvers sent, writes truth.json and exports the
fixture to tests/lab/<scenario>/. Used by lab/scenarios/*.py."""
import collections, json, os, shutil, subprocess, time

import labkit, zones
from labkit import Lab, RESOLVERS, REPO, LAB
from zones import iso

DE_IMPL = {"de-a": "nsd", "de-b": "knot", "de-c": "bind"}
SHORT = os.environ.get("LAB_SHORT") == "1"   # CI: shorter phases
FOCUS_INTERVAL = 0.5   # s between two queries of a faulty zone to one resolver (they alternate)

QUERIES = [
    ["nic.de.", "A"], ["www.rsa8.de.", "A"], ["nx-{n}.de.", "A"], ["www.plain.de.", "A"],
    ["nic.de.", "MX"], ["big.de.", "TXT"], ["www.ecdsa13.de.", "AAAA"], ["nx-{n}.ed15.de.", "A"],
    ["de.", "SOA"], ["plain.de.", "MX"], ["www.ed15.de.", "A"], ["big.ed15.de.", "TXT"],
    ["nic.de.", "AAAA"], ["www.shop.de.", "AAAA"], ["nx-{n}.rsa8.de.", "A"], ["ecdsa13.de.", "TXT"],
    ["nic.de.", "TXT"], ["nx-{n}.shop.de.", "A"], ["rsa8.de.", "MX"], ["nx-{n}.ecdsa13.de.", "A"],
    ["www.nic.de.", "A"], ["big.rsa8.de.", "TXT"],
]


def tsnap(t):
    return {"epoch": round(t, 3), "iso": iso(t)}


class Scenario:
    def __init__(self, name, description, fmt="pcapng"):
        self.name, self.description, self.fmt = name, description, fmt
        self.lab = Lab(name)
        self.keys = zones.keyset(os.path.join(LAB, "work", "keys"))
        for k, v in self.keys.items():
            v.label = k
        self.now = time.time()
        self.inception = int(self.now - 3600)
        self.expiration = int(self.now + 14 * 86400)
        self.phases = []
        self.fault = {}
        self.zone_info = {}
        self.serial = int(self.now) - 1700000000
        self.flushes = []

    # ------------------------------------------------------------ the tree
    def sign_kid(self, kid, inception=None, expiration=None, ksk=None, strip=False):
        k = self.keys
        inc, exp = inception or self.inception, expiration or self.expiration
        wd = os.path.join(self.lab.work, "sign", kid.strip("."))
        text = zones.kid_text(kid, self.serial)
        if kid == "rsa8.de.":
            keys = [ksk or k["rsa8-ksk"], k["rsa8-zsk"]]
            out = zones.sign_bind(wd, kid, text, keys, inc, exp, nsec3=True, verify=(inc < self.now < exp))
            signer, denial = "dnssec-signzone", "NSEC3"
        elif kid == "ecdsa13.de.":
            keys = [ksk or k["ecdsa13-ksk"], k["ecdsa13-zsk"]]
            out = zones.sign_ldns(wd, kid, text, keys, inc, exp, nsec3=False)
            signer, denial = "ldns-signzone", "NSEC"
        else:
            keys = [ksk or k["ed15-ksk"], k["ed15-zsk"]]
            out = zones.sign_ldns(wd, kid, text, keys, inc, exp, nsec3=True)
            signer, denial = "ldns-signzone", "NSEC3"
        if strip:
            out = zones.strip_rrsigs(out)
        self.zone_info[kid] = dict(zone=kid, signed=True, algorithm=zones.SIGNED_KIDS[kid], denial=denial,
                                   signer=signer, servers=["kids"], inception=tsnap(inc),
                                   expiration=tsnap(exp),
                                   dnskey_tags=[x.tag for x in keys])
        return out

    def build(self, de_servers=("de-a", "de-b", "de-c")):
        """The healthy tree. Returns {server: {origin: zone text}}."""
        k = self.keys
        self.de_servers = list(de_servers)
        self.kids = {kid: self.sign_kid(kid) for kid in zones.SIGNED_KIDS}
        for kid in zones.UNSIGNED_KIDS:
            self.kids[kid] = zones.kid_text(kid, self.serial)
            self.zone_info[kid] = dict(zone=kid, signed=False, servers=["kids"])
        self.kid_ds = {"rsa8.de.": [k["rsa8-ksk"].ds()], "ecdsa13.de.": [k["ecdsa13-ksk"].ds()],
                       "ed15.de.": [k["ed15-ksk"].ds()]}
        root = zones.root_text(self.serial, self.de_servers, [k["de-ksk"].ds()])
        self.root = zones.sign_bind(os.path.join(self.lab.work, "sign", "root"), ".", root,
                                    [k["root-ksk"], k["root-zsk"]], self.inception, self.expiration)
        self.zone_info["."] = dict(zone=".", signed=True, algorithm=8, denial="NSEC",
                                   signer="dnssec-signzone", servers=["root"],
                                   inception=tsnap(self.inception), expiration=tsnap(self.expiration),
                                   dnskey_tags=[k["root-ksk"].tag, k["root-zsk"].tag])
        self.lab.write_anchor(k["root-ksk"])
        return self.de_healthy()

    def de_sign(self, zsk_for, published, serial=None, extra=(), hash_salt=None, unsigned_types=()):
        text = zones.de_text(serial or self.serial, self.de_servers, self.kid_ds, extra)
        out, used = zones.sign_py("de.", text, self.keys["de-ksk"], [self.keys["de-ksk"]] + published,
                                  zsk_for, self.inception, self.expiration, hash_salt=hash_salt,
                                  unsigned_types=unsigned_types)
        return out, used

    def de_healthy(self, serial=None):
        old = self.keys["de-zsk-old"]
        out, _ = self.de_sign(lambda n, t: old, [old], serial)
        self.zone_info["de."] = dict(zone="de.", signed=True, algorithm=13, denial="NSEC3",
                                     nsec3={"salt": "-", "iterations": 0, "opt_out": False},
                                     signer="lab/lib/zones.py sign_py (dnspython)",
                                     servers=list(self.de_servers),
                                     inception=tsnap(self.inception), expiration=tsnap(self.expiration),
                                     dnskey_tags=[self.keys["de-ksk"].tag, old.tag])
        return out

    # ------------------------------------------------------------ servers
    def up(self, de_zone, unbound_stale=False, bind_stale=False, focus=()):
        """Start everything. focus: the zones the scenario breaks; the client
        asks each resolver for a new nonexistent name in each every
        FOCUS_INTERVAL seconds (the two resolvers half an interval apart), on
        top of the rotating load."""
        lab = self.lab
        lab.net_up()
        lab.start_auth("root", "nsd", {".": self.root})
        lab.start_auth("kids", "knot", self.kids)
        de = de_zone if isinstance(de_zone, dict) else {s: de_zone for s in self.de_servers}
        for s in self.de_servers:
            lab.start_auth(s, DE_IMPL[s], {"de.": de[s]})
        lab.start_unbound(serve_stale=unbound_stale)
        lab.start_named_resolver(serve_stale=bind_stale)
        lab.flush_resolvers()
        lab.capture_start()
        self.plan = {"queries": QUERIES, "interval": 2.5, "per_tick": 2,
                     "focus": [["nx-{n}." + z, "A"] for z in focus], "focus_interval": FOCUS_INTERVAL,
                     "resolvers": {n: list(a) for n, a in RESOLVERS.items()}}
        lab.client_start(self.plan)

    def flush(self, zones, why, fix=False):
        """Right after a fault or fix is in place on the servers: both
        resolvers drop what they cached for the zones (Lab.flush_zones), so
        they meet the change at their next query instead of when their
        cached copies expire (TTL 30 s, DS and NS 60 s). Recorded in
        fault.flushes."""
        done = self.lab.flush_zones(zones, fix=fix)
        self.flushes += [dict(d, why=why) for d in done]

    def phase(self, name, seconds, description, expected):
        """Run the current state for `seconds` and record it as a phase."""
        if SHORT:
            seconds = max(15, seconds * 0.6)
        t0 = time.time()
        if self.phases:
            self.phases[-1]["end"] = tsnap(t0)
        self.phases.append(dict(name=name, start=tsnap(t0), end=None, description=description,
                                expected=expected))
        self.lab.event("phase %s begins" % name)
        self.lab.sleep_until(t0 + seconds)

    # ------------------------------------------------------------ measuring and writing
    def observe(self):
        recs = [json.loads(l) for l in open(self.lab.client_log)]
        for ph in self.phases:
            a, b = ph["start"]["epoch"], ph["end"]["epoch"]
            obs = {}
            for r in RESOLVERS:
                rr = [x for x in recs if x["resolver"] == r and a <= x["rt"] < b]
                rc = collections.Counter(x.get("rcode", "TIMEOUT") for x in rr)
                ede = collections.Counter(str(c) for x in rr for c in x.get("ede", []))
                ede_text = sorted({"%d %s" % (c, t) for x in rr
                                   for c, t in zip(x.get("ede", []), x.get("ede_text", []))})
                sf = sorted({"%s/%s" % (x["qname"] if not x["qname"].startswith("nx-") else
                                        "nx-*." + x["qname"].split(".", 1)[1], x["qtype"])
                             for x in rr if x.get("rcode") == "SERVFAIL"})
                obs[r] = dict(responses=sum(1 for x in rr if not x["timeout"]),
                              timeouts=rc.get("TIMEOUT", 0),
                              rcodes={k: v for k, v in rc.items() if k != "TIMEOUT"},
                              ede=dict(ede), ede_text=ede_text,
                              clients_failed=rc.get("SERVFAIL", 0) + rc.get("TIMEOUT", 0) > 0,
                              servfail_names=sf,
                              ad_answers=sum(1 for x in rr if x.get("ad")))
            ph["observed"] = obs
        self.records = recs

    def upstream(self):
        """Per phase, the authoritative servers' responses as tshark reads them."""
        r = subprocess.run(["tshark", "-r", self.lab.capture_file, "-Y", "dns.flags.response==1",
                            "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch",
                            "-e", "ip.src", "-e", "ipv6.src", "-e", "dns.flags.rcode",
                            "-e", "dns.qry.name"], capture_output=True, text=True, check=True)
        ips = {}
        for s, (v4, v6) in zones.AUTH.items():
            ips[v4] = ips[v6] = s
        rows = []
        for line in r.stdout.splitlines():
            t, s4, s6, rc, qn = (line.split("|") + [""] * 5)[:5]
            src = s4 or s6
            if src in ips:
                rows.append((float(t), ips[src], rc, qn))
        for ph in self.phases:
            a, b = ph["start"]["epoch"], ph["end"]["epoch"]
            c = collections.Counter(s for t, s, rc, qn in rows if a <= t < b)
            ph["upstream_responses"] = dict(sorted(c.items()))

    def finish(self, extra=None, anchor_note=None):
        lab = self.lab
        self.phases[-1]["end"] = tsnap(time.time())
        lab.event("end of last phase")
        lab.client_stop()
        cap = lab.capture_stop(self.fmt)
        lab.down()
        self.observe()
        self.upstream()
        capname = "capture." + self.fmt
        truth = collections.OrderedDict()
        truth["schema"] = "sigtrail-lab-truth/1"
        truth["scenario"] = self.name
        truth["description"] = self.description
        truth["generated"] = tsnap(time.time())
        truth["capture"] = dict(file=capname, format=self.fmt, start=tsnap(lab.capture_t0 - 1.5),
                                end=tsnap(lab.capture_t1),
                                interfaces=["RES lo (client<->resolver)",
                                            "RES vres, veth MTU 1500 (resolver<->authoritative)"],
                                clock="capture's own timestamps (UTC epoch); all times below on it")
        truth["trust_anchor"] = dict(file="root-anchor.ds", ds=lab.anchor_ds, key_tag=lab.anchor_tag,
                                     note=anchor_note or "private root; resolvers use nothing else")
        truth["resolvers"] = [
            dict(name="unbound", software=labkit.version(["unbound", "-V"]), role="validating resolver",
                 addresses=list(RESOLVERS["unbound"]), upstream_source=["10.53.0.1", "fd00:10::1"],
                 settings=["ede: yes", "val-sig-skew-min/max: 0", "val-bogus-ttl: 5",
                           "edns-buffer-size: 4096"]),
            dict(name="bind", software=labkit.version(["named", "-v"]), role="validating resolver",
                 addresses=list(RESOLVERS["bind"]), upstream_source=["10.53.0.1", "fd00:10::1"],
                 settings=["dnssec-validation yes", "servfail-ttl 1", "edns-udp-size 4096"])]
        impl = {"nsd": labkit.version(["nsd", "-v"]), "knot": labkit.version(["knotd", "-V"]),
                "bind": labkit.version(["named", "-v"])}
        truth["servers"] = [dict(name=s, role="authoritative", software=impl[k[0]], implementation=k[0],
                                 zones=k[1], addresses=list(zones.AUTH[s]))
                            for s, k in sorted(lab.kind.items())]
        truth["clients"] = list(labkit.CLIENTS)
        truth["client_load"] = {k: self.plan[k] for k in ("interval", "per_tick", "queries", "focus",
                                                           "focus_interval")}
        truth["zones"] = [self.zone_info[z] for z in sorted(self.zone_info)]
        truth["fault"] = self.fault
        if self.flushes:
            self.fault["flushes"] = self.flushes
        truth["events"] = lab.events
        truth["phases"] = self.phases
        if extra:
            truth.update(extra)
        with open(os.path.join(lab.work, "truth.json"), "w") as f:
            json.dump(truth, f, indent=1)
            f.write("\n")
        if os.environ.get("LAB_EXPORT", "1") == "0":   # the CI run keeps its output in lab/work
            print("%s: %s (not exported)" % (self.name, cap))
            return truth
        dest = os.path.join(REPO, "tests", "lab", self.name)
        os.makedirs(dest, exist_ok=True)
        for fn in os.listdir(dest):
            if fn.startswith("capture."):
                os.unlink(os.path.join(dest, fn))
        shutil.copy(cap, os.path.join(dest, capname))
        shutil.copy(os.path.join(lab.work, "truth.json"), dest)
        shutil.copy(os.path.join(lab.work, "root-anchor.ds"), dest)
        print("%s: %s (%d KB), %d client responses" % (self.name, os.path.join(dest, capname),
                                                        os.path.getsize(cap) // 1024, len(self.records)))
        for ph in self.phases:
            print("  %-12s %s" % (ph["name"], json.dumps({r: [o["rcodes"], o["ede"], o["timeouts"]]
                                                         for r, o in ph["observed"].items()})))
        return truth


# ---------------------------------------------------------------- key-tag collision helpers
def hsm_keys(sc):
    return [sc.keys["de-zsk-hsm%d" % i] for i in range(3)]


def keytag_published(sc):
    """During the rollover: KSK, old ZSK (still published), the new ZSK of HSM 0."""
    return [sc.keys["de-zsk-old"], sc.keys["de-zsk-hsm0"]]


def bogus_from_used(used, server, published_labels, why, ede=6):
    out = []
    for owner, rtype, tag, label in used:
        if label and label not in published_labels and label != "de-ksk":
            out.append(dict(server=server, owner=owner, type=rtype, rrsig_key_tag=tag, signed_with=label,
                            why=why, expected_ede=ede))
    return out


def keytag_keys_truth(sc):
    return [dict(label=k.label, key_tag=k.tag, algorithm=13, flags=256,
                 published=k.label == "de-zsk-hsm0", public_key=k.public_b64(),
                 dnskey="de. IN DNSKEY %s" % k.dnskey.to_text()) for k in hsm_keys(sc)]
