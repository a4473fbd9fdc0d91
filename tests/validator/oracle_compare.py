#!/usr/bin/python3
"""tests/validator/oracle_compare.py -- sigtrail's sig_checks against the
corpus DNSSEC oracle (corpus/_derived/DNSSEC-ORACLE.txt, dnspython +
cryptography, method in its header).

usage: oracle_compare.py CORPUS SIGTRAIL EXCEPTIONS WORKDIR [ONLY]

For every capture listed in the oracle:
  * the captures sigtrail is given: the capture itself, plus every other
    corpus file the oracle says a key came from ("key frame N from X.pcap",
    X looked up in the same directory). sigtrail merges files given together
    by timestamp.
  * per RRSIG, keyed by (frame, owner lowercased, type covered, key tag) as a
    multiset (sig_checks has no section; same-key rows are counted):
      SECURE            -> valid
      BOGUS [SIG-BAD]   -> unpublished_key (crypto is checked before time)
      BOGUS [SIG-OK, EXPIRED-at-ts / NOT-YET-VALID-at-ts] -> expired / not_yet_valid
      NO-DNSKEY         -> key_missing when a DNSKEY RRset of the signer is in
                           the answer section of a capture given (what
                           sigtrail's key store reads), key_not_seen otherwise
      NO-COVERED-RRSET  -> no sig_checks row
      PARSE-ERROR       -> messages.malformed set for that frame, no row
  * sig_checks rows of the capture the oracle does not list are mismatches too.
Mismatches documented in EXCEPTIONS (one per line:
  capture-path-suffix | frame or * | owner or * | TYPE or * | tag or * | got | reason
) are reported as "documented"; any other mismatch fails (exit 1).
"""
import os, re, sqlite3, struct, subprocess, sys, collections, calendar, time
import dns.message, dns.rdatatype, dns.name

LINE = re.compile(r"^frame (\d+) ts=(\d{14}) (an|ns|ar) (\S+) RRSIG\((\S+)\) alg=(\d+) tag=(\d+) "
                  r"signer=(\S+) inc=\d+ exp=\d+ => (SECURE|BOGUS|NO-DNSKEY|NO-COVERED-RRSET|INDETERMINATE)(.*)$")
PERR = re.compile(r"^frame (\d+): PARSE-ERROR (.*)$")


def parse_oracle(path):
    caps = collections.OrderedDict()
    cur = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("## "):
            cur = line[3:].strip()
            caps[cur] = []
            continue
        if cur is None or line.startswith("#") or not line.strip():
            continue
        m = LINE.match(line)
        if m:
            fr, ts, sec, owner, tname, alg, tag, signer, verdict, rest = m.groups()
            caps[cur].append(dict(kind="sig", frame=int(fr), sec=sec, owner=owner.lower(),
                                  type=dns.rdatatype.from_text(tname), tname=tname,
                                  tag=int(tag), signer=signer.lower(), verdict=verdict,
                                  rest=rest.strip(), line=line))
            continue
        m = PERR.match(line)
        if m:
            caps[cur].append(dict(kind="parse", frame=int(m.group(1)), why=m.group(2), line=line))
            continue
        raise SystemExit(f"oracle line not understood: {line}")
    return caps


def dns_payloads(path):
    """(frame, wire) of every DNS message tshark sees (as the oracle's tool)."""
    out = subprocess.run(["tshark", "-r", path, "-Y", "dns", "-T", "fields", "-E", "separator=|",
                          "-e", "frame.number", "-e", "udp.payload", "-e", "tcp.payload",
                          "-e", "tcp.reassembled.data"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("|")
        n = int(f[0])
        if f[1]:
            for p in f[1].split(","):
                yield n, bytes.fromhex(p.replace(":", ""))
        else:
            buf = f[3] or f[2]
            if not buf:
                continue
            b = bytes.fromhex(buf.split(",")[-1].replace(":", ""))
            while len(b) >= 2:
                ln = struct.unpack("!H", b[:2])[0]
                if ln == 0 or len(b) < 2 + ln:
                    break
                yield n, b[2:2 + ln]
                b = b[2 + ln:]


def answer_dnskey_zones(paths):
    """Owners of DNSKEY RRsets in answer sections of responses (sigtrail's key source)."""
    zones = set()
    for p in paths:
        for _, wire in dns_payloads(p):
            try:
                m = dns.message.from_wire(wire, ignore_trailing=True)
            except Exception:
                continue
            if not m.flags & 0x8000:
                continue
            for rrset in m.answer:
                if rrset.rdtype == dns.rdatatype.DNSKEY:
                    zones.add(rrset.name.to_text().lower())
    return zones


def expected_reason(e, key_zones):
    v, rest = e["verdict"], e["rest"]
    if v == "SECURE":
        return "valid"
    if v == "BOGUS":
        if "SIG-BAD" in rest:
            return "unpublished_key"
        if "EXPIRED-at-ts" in rest:
            return "expired"
        if "NOT-YET-VALID-at-ts" in rest:
            return "not_yet_valid"
        return "bogus?"
    if v == "NO-DNSKEY":
        return "key_missing" if e["signer"] in key_zones else "key_not_seen"
    if v == "NO-COVERED-RRSET":
        return None
    return "indeterminate?"


def load_exceptions(path):
    exc = []
    if not os.path.exists(path):
        return exc
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = [x.strip() for x in line.split("|")]
        if len(f) != 7 or not f[6]:
            raise SystemExit(f"{path}: bad line (7 fields, reason required): {line}")
        exc.append(dict(cap=f[0], frame=f[1], owner=f[2].lower(), type=f[3], tag=f[4], got=f[5],
                        reason=f[6], used=0))
    return exc


def documented(exc, cap, frame, owner, tname, tag, got):
    for x in exc:
        if (cap.endswith(x["cap"]) and x["frame"] in ("*", str(frame)) and
                x["owner"] in ("*", owner) and x["type"] in ("*", tname) and
                x["tag"] in ("*", str(tag)) and x["got"] in ("*", got)):
            x["used"] += 1
            return x
    return None


def main(argv):
    corpus, sigtrail, excpath, work = argv[1:5]
    only = argv[5] if len(argv) > 5 else ""
    oracle = parse_oracle(os.path.join(corpus, "_derived", "DNSSEC-ORACLE.txt"))
    exc = load_exceptions(excpath)
    total_fail = total_doc = total_ok = 0
    for cap, entries in oracle.items():
        if only and only not in cap:
            continue
        path = os.path.normpath(os.path.join(corpus, cap))
        extra = sorted({m.group(1) for e in entries if e["kind"] == "sig"
                        for m in [re.search(r"key frame \d+ from (\S+?)\]", e.get("rest", ""))] if m})
        inputs = [path] + [os.path.join(os.path.dirname(path), x) for x in extra]
        db = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", cap) + ".db")
        rc = subprocess.run([sigtrail, "analyze", "-q", "-o", db] + inputs,
                            capture_output=True, text=True)
        probs = []
        if rc.returncode >= 2:
            probs.append(f"sigtrail exit {rc.returncode}: {rc.stderr.strip()[:200]}")
        con = sqlite3.connect(db)
        got = collections.defaultdict(list)
        for fr, owner, tc, tag, verdict, reason in con.execute(
                "SELECT m.frame, s.owner, s.type_covered, s.key_tag, c.verdict, c.reason "
                "FROM sig_checks c JOIN messages m ON m.id = c.message_id "
                "JOIN signatures s ON s.id = c.signature_id WHERE m.capture_id = 0"):
            got[(fr, owner.lower(), tc, tag)].append(reason)
        malformed = {fr for (fr,) in con.execute(
            "SELECT frame FROM messages WHERE capture_id = 0 AND malformed IS NOT NULL")}
        con.close()
        key_zones = answer_dnskey_zones(inputs)
        want = collections.defaultdict(list)
        lines = {}
        parse_frames = set()
        for e in entries:
            if e["kind"] == "parse":
                parse_frames.add(e["frame"])
                if e["frame"] not in malformed:
                    x = documented(exc, cap, e["frame"], "*", "*", "*", "not_malformed")
                    tag = f"documented: {x['reason']}" if x else "MISMATCH"
                    probs.append((bool(x), f"frame {e['frame']}: oracle PARSE-ERROR ({e['why']}), "
                                  f"sigtrail decoded it as well-formed [{tag}]"))
                continue
            r = expected_reason(e, key_zones)
            k = (e["frame"], e["owner"], e["type"], e["tag"])
            lines[k] = e
            if r is not None:
                want[k].append(r)
            else:
                want.setdefault(k, [])
        for k in sorted(set(want) | set(got), key=lambda k: (k[0], k[1], k[2], k[3])):
            w = sorted(want.get(k, []))
            g = sorted(got.get(k, []))
            if w == g:
                total_ok += len(w) or 1
                continue
            fr, owner, tc, tag = k
            tname = dns.rdatatype.to_text(tc)
            gtxt = ",".join(g) if g else "no-check"
            e = lines.get(k)
            x = documented(exc, cap, fr, owner, tname, tag, gtxt)
            desc = (f"frame {fr} {owner} RRSIG({tname}) tag={tag}: expected "
                    f"{','.join(w) if w else 'no-check'}"
                    f"{' (oracle ' + e['verdict'] + ' ' + e['rest'] + ')' if e else ' (not in oracle)'}, got {gtxt}")
            probs.append((bool(x), desc + (f" [documented: {x['reason']}]" if x else " [MISMATCH]")))
        nfail = sum(1 for p in probs if isinstance(p, str) or not p[0])
        ndoc = sum(1 for p in probs if not isinstance(p, str) and p[0])
        total_fail += nfail
        total_doc += ndoc
        label = "FAIL" if nfail else "ok  "
        via = f" (+ keys from {', '.join(extra)})" if extra else ""
        print(f"{label} {cap}{via}: {len(entries)} oracle lines, {nfail} mismatches, {ndoc} documented")
        for p in probs:
            if isinstance(p, str):
                print("    " + p)
            elif not p[0] or os.environ.get("ORACLE_VERBOSE"):
                print("    " + p[1])
    for x in exc:
        if not x["used"] and not only:
            print(f"note: exception never used: {x['cap']} | {x['frame']} | {x['owner']} | "
                  f"{x['type']} | {x['tag']} | {x['got']}")
    print(f"checks agreeing {total_ok}, documented {total_doc}, mismatches {total_fail}")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
