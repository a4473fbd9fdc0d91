#!/usr/bin/python3
"""tests/oracle/compare.py -- tshark as the oracle for sigtrail's messages table.

usage: compare.py [--exceptions FILE] [--name NAME] [--port N]... [--max N]
                  [--capture-id N] [--verbose] CAPTURE DB

Runs tshark once on CAPTURE and compares every DNS message it decodes with
the rows of sigtrail's database DB (schema version 1, tables messages, ede,
captures), grouped by frame number:

  * the same set of frames carries DNS;
  * per frame, the same number of messages, in the same order;
  * per message: time, transport, src/dst address and port, DNS id, the
    header bits (qr opcode aa tc rd ra z ad cd), the 12-bit rcode, the four
    section counts, the first question's name and type, and the EDE
    INFO-CODEs (in order).

Prints "OK n messages" (exit 0) or "DIFF k differences" plus the first
--max (20) of them, one per line (exit 1).  Exit 2: bad usage, tshark or the
database could not be read.

--exceptions FILE: documented expected differences (tests/oracle/EXCEPTIONS),
one per line, "GLOB FRAME FIELD REASON...": GLOB is matched (fnmatch) against
NAME (default: CAPTURE as given; t_tshark_oracle.sh passes paths like
corpus/dnscap/src/test/dns.pcap or tests/captures/x.pcap); FRAME is a frame
number, a range A-B, or "*"; FIELD is one of the field names printed in the
difference lines (frame, count, time, qname, ...; no wildcard: each field is
written down on its own) -- REASON is mandatory.  A difference covered by a line is printed
as "expected" and does not fail the capture; lines that cover nothing are
reported as "unused" (a fixed bug or a changed capture: delete the line).
Lines whose FIELD is "exit=N" (FRAME "*") say that `sigtrail analyze` is
expected to refuse the capture with exit code N; t_tshark_oracle.sh reads
them with "compare.py --exit-codes EXCEPTIONS NAME".

Only the standard library and sqlite3 are used.

Why tshark's JSON output rather than -T fields: with -T fields a frame
carrying several DNS messages (TCP) comes as comma-joined lists, and many
fields are absent from some messages -- dns.flags.rcode/aa/ra exist only in
responses, a message can have 0 or 2 questions and any number of EDE
options, and a name can contain a comma -- so the lists cannot be split back
into messages.  "-T json --no-duplicate-keys" keeps each message as its own
object (the "dns" layer becomes a list), with the same field names and the
same value text as -T fields (checked for dns.qry.name on names.pcap).
"""

import argparse
import fnmatch
import ipaddress
import json
import os
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import names  # noqa: E402

FIELDS = ["time", "transport", "src", "sport", "dst", "dport", "id", "qr", "opcode",
          "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode", "qdcount", "ancount",
          "nscount", "arcount", "qname", "qtype", "ede"]


# ---------------------------------------------------------------- tshark side

def tshark_messages(capture, ports):
    """-> (frame -> list of message dicts, frame -> note, frame -> number of
    ICMP-quoted DNS headers left out)."""
    cmd = ["tshark", "-n", "-r", capture]
    for p in ports:
        # decode-as, as _derived/tools/facts.sh does for the lab's port 8053
        cmd += ["-d", "udp.port==%d,dns" % p, "-d", "tcp.port==%d,dns" % p]
    cmd += ["-Y", "dns", "-T", "json", "--no-duplicate-keys",
            "-J", "frame ip ipv6 udp tcp dns"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # tshark exits 2 on a cut-off capture after printing what it read: keep it.
    out = r.stdout.decode("utf-8", "surrogateescape").strip()
    if not out:
        if r.returncode not in (0, 2):
            raise RuntimeError("tshark failed (%d): %s" % (r.returncode,
                               r.stderr.decode("utf-8", "replace").strip()[:300]))
        return {}, {}
    try:
        pkts = json.loads(out)
    except ValueError:
        # A cut-off capture can leave the JSON array unterminated.
        pkts = json.loads(out.rstrip(",\n ") + "]")
    frames, notes, quoted = {}, {}, {}
    for p in pkts:
        L = p["_source"]["layers"]
        fr = last(L.get("frame"))
        num = int(fr["frame.number"])
        dns = L.get("dns")
        if dns is None:
            # -Y dns matched a DNS layer nested under another protocol (DNS
            # quoted in an ICMP error): not a message on the wire.
            notes[num] = "DNS only nested in %s" % fr.get("frame.protocols")
            continue
        protos = fr.get("frame.protocols", "").split(":")
        if "icmp" in protos or "icmpv6" in protos:
            # An ICMP error (port unreachable, too big, time exceeded) quotes
            # the start of the datagram that caused it; tshark dissects the
            # quoted DNS header as "dns" and -Y dns matches.  That copy is not
            # a message on the wire and sigtrail rightly does not store it:
            # leave such frames out of the comparison (normalisation, not an
            # exception -- it applies to every capture the same way).
            notes[num] = "ICMP-quoted DNS"
            quoted[num] = len(dns) if isinstance(dns, list) else 1
            continue
        ep = endpoints(L)
        # A pcapng Simple Packet Block has no timestamp: tshark prints none.
        t = epoch_to_ns(fr["frame.time_epoch"]) if "frame.time_epoch" in fr else None
        msgs = []
        for d in (dns if isinstance(dns, list) else [dns]):
            m = {"time": t}
            m.update(ep)
            m.update(dns_fields(d))
            msgs.append(m)
        frames[num] = msgs
        if "_ws.malformed" in L or any("_ws.malformed" in json.dumps(d) for d in
                                       (dns if isinstance(dns, list) else [dns])):
            notes[num] = (notes.get(num, "") + " tshark: malformed").strip()
    return frames, notes, quoted


def last(v):
    # --no-duplicate-keys turns a repeated layer into a list: a tunnel
    # (IP in IP, IPv6 in IPv4) gives two ip layers; the DNS endpoints are the
    # innermost, i.e. the last one.
    if isinstance(v, list):
        return v[-1]
    return v


def endpoints(L):
    ep = {}
    # If both an IPv4 and an IPv6 layer exist (6in4 / 4in6 tunnel), the
    # innermost one is the one after the other in the layer order.
    keys = list(L.keys())
    ipk = [k for k in keys if k in ("ip", "ipv6")]
    if ipk:
        k = ipk[-1]
        ip = last(L[k])
        pre = "ip." if k == "ip" else "ipv6."
        ep["src"] = ip.get(pre + "src")
        ep["dst"] = ip.get(pre + "dst")
    else:
        ep["src"] = ep["dst"] = None
    tk = [k for k in keys if k in ("udp", "tcp")]
    if tk:
        k = tk[-1]
        tl = last(L[k])
        ep["transport"] = k
        ep["sport"] = toint(tl.get(k + ".srcport"))
        ep["dport"] = toint(tl.get(k + ".dstport"))
    else:
        ep["transport"] = ep["sport"] = ep["dport"] = None
    return ep


def epoch_to_ns(s):
    # frame.time_epoch is decimal seconds ("1513000744.953122000"; tshark 4.0
    # pads to 9 digits whatever the file's resolution).  Parse the decimal
    # text exactly into integer nanoseconds -- never through a float, which
    # has only ~16 significant digits (not enough for ns since 1970).
    s = s.strip()
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    ip, _, fp = s.partition(".")
    fp = (fp + "000000000")[:9]
    v = int(ip or "0") * 1000000000 + int(fp)
    return -v if neg else v


def toint(s):
    if s is None:
        return None
    s = str(s).strip()
    if s in ("True", "true"):       # boolean fields print True/False in some
        return 1                    # tshark versions and 1/0 in others
    if s in ("False", "false"):
        return 0
    return int(s, 0)                # "0x1a2b" (dns.id, dns.flags) or decimal


def find_all(o, key):
    """Every value of `key` in a JSON tree, in document order."""
    if isinstance(o, dict):
        for k, v in o.items():
            if k == key:
                if isinstance(v, list):
                    yield from v
                else:
                    yield v
            else:
                yield from find_all(v, key)
    elif isinstance(o, list):
        for v in o:
            yield from find_all(v, key)


def first(o, key):
    for v in find_all(o, key):
        return v
    return None


def records(section):
    """The RR objects of a section ("Answers", "Additional records", ...)."""
    if section is None:
        return []
    out = []
    for v in section.values():
        out.extend(v if isinstance(v, list) else [v])
    return out


def dns_fields(d):
    m = {}
    m["id"] = toint(d.get("dns.id"))
    # All header bits come from the 16-bit dns.flags value, present in
    # every message.  tshark's per-bit fields (dns.flags.rcode,
    # .authoritative, .recavail, .authenticated) are only added to
    # responses, so they cannot be used for queries; the bits are the same.
    f = toint(d.get("dns.flags"))
    if f is None:
        for k in ("qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode"):
            m[k] = None
    else:
        m["qr"] = f >> 15 & 1
        m["opcode"] = f >> 11 & 15
        m["aa"] = f >> 10 & 1
        m["tc"] = f >> 9 & 1
        m["rd"] = f >> 8 & 1
        m["ra"] = f >> 7 & 1
        m["z"] = f >> 6 & 1
        m["ad"] = f >> 5 & 1
        m["cd"] = f >> 4 & 1
        m["rcode"] = f & 15
    m["qdcount"] = toint(d.get("dns.count.queries"))
    m["ancount"] = toint(d.get("dns.count.answers"))
    m["nscount"] = toint(d.get("dns.count.auth_rr"))
    m["arcount"] = toint(d.get("dns.count.add_rr"))
    # tshark names the count fields differently for UPDATE (zones,
    # prerequisites, updates); those are the same four header words.
    for k, alt in (("qdcount", "dns.count.zones"), ("ancount", "dns.count.prerequisites"),
                   ("nscount", "dns.count.updates"), ("arcount", "dns.count.add_rr")):
        if m[k] is None:
            m[k] = toint(d.get(alt))
    q = d.get("Queries") or d.get("Zone")
    name = first(q, "dns.qry.name") if q is not None else None
    m["qname"] = name
    m["qtype"] = toint(first(q, "dns.qry.type")) if q is not None else None
    # rcode: sigtrail stores the 12-bit value, the header's 4 bits plus the
    # OPT RR's 8-bit EXTENDED-RCODE shifted left by 4 (RFC 6891 6.1.3).
    # tshark's dns.flags.rcode is the 4 header bits only, so add
    # dns.resp.ext_rcode of the first OPT RR in the additional section.
    opts = [r for r in records(d.get("Additional records"))
            if isinstance(r, dict) and r.get("dns.resp.type") == "41"]
    if opts and m["rcode"] is not None and opts[0].get("dns.resp.ext_rcode") is not None:
        m["rcode"] |= toint(opts[0]["dns.resp.ext_rcode"]) << 4
    # EDE INFO-CODEs of every EDE option, in order (RFC 8914); tshark 4.0
    # calls the field dns.opt.ext_error.info_code.
    m["ede"] = [toint(v) for v in find_all(opts[0], "dns.opt.ext_error.info_code")] \
        if opts else []
    return m


# ---------------------------------------------------------------- sigtrail side

def sigtrail_messages(dbpath, capture_id, capture):
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    db.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    caps = db.execute("SELECT id, path, tsresol_ns, status, error FROM captures "
                      "ORDER BY id").fetchall()
    if capture_id is None:
        if len(caps) == 1:
            capture_id = caps[0][0]
        else:
            base = os.path.basename(capture)
            hits = [c for c in caps if os.path.basename(c[1] or "") == base]
            if len(hits) != 1:
                raise RuntimeError("DB has %d captures; pass --capture-id" % len(caps))
            capture_id = hits[0][0]
    cap = [c for c in caps if c[0] == capture_id]
    if not cap:
        raise RuntimeError("no capture %s in the database" % capture_id)
    tsresol = cap[0][2]
    ede = {}
    for mid, code in db.execute("SELECT message_id, code FROM ede ORDER BY rowid"):
        ede.setdefault(mid, []).append(code)
    rows = db.execute(
        "SELECT id, frame, ts_ns, transport, src_addr, src_port, dst_addr, dst_port,"
        " dns_id, qr, opcode, aa, tc, rd, ra, z, ad, cd, rcode, qdcount, ancount,"
        " nscount, arcount, qname, qtype, malformed FROM messages WHERE capture_id = ?"
        " ORDER BY frame, id", (capture_id,)).fetchall()
    frames = {}
    for r in rows:
        (mid, frame, ts, tr, sa, sp, da, dp, did, qr, op, aa, tc, rd, ra, z, ad, cd, rc,
         qd, an, ns, ar, qn, qt, bad) = r
        m = {"time": ts, "transport": tr, "src": sa, "sport": sp, "dst": da, "dport": dp,
             "id": did, "qr": qr, "opcode": op, "aa": aa, "tc": tc, "rd": rd, "ra": ra,
             "z": z, "ad": ad, "cd": cd, "rcode": rc, "qdcount": qd, "ancount": an,
             "nscount": ns, "arcount": ar, "qname": qn, "qtype": qt,
             "ede": ede.get(mid, []), "_rowid": mid, "_malformed": bad}
        frames.setdefault(frame, []).append(m)
    db.close()
    return frames, tsresol, cap[0]


# ---------------------------------------------------------------- comparing

def same_time(s, t, tsresol):
    """Compare at the capture's resolution.

    sigtrail's ts_ns is integer ns; tshark's frame.time_epoch is parsed to
    integer ns above.  With a decimal resolution of 1 ns or coarser (pcap
    us/ns, pcapng 10^-k for k <= 9) both are the exact tick count times the
    tick: they must be equal.  With a resolution that is not a whole number
    of ns (pcapng binary 2^-k, or finer than 1 ns) each program rounds the
    tick to ns its own way: they must agree to within one tick (or 1 ns).
    """
    if s is None or t is None:
        return s == t
    if tsresol and tsresol >= 1 and is_pow10(tsresol):
        return s == t
    if tsresol and tsresol > 1:
        return abs(s - t) < tsresol
    return abs(s - t) <= 1


def is_pow10(n):
    while n % 10 == 0 and n > 1:
        n //= 10
    return n == 1


def same_addr(s, t):
    # sigtrail writes dotted IPv4 / RFC 5952 IPv6; tshark writes IPv6 in
    # RFC 5952 form as well.  Compare as addresses, then insist that
    # sigtrail's text is the canonical one (lower case, longest zero run
    # compressed) -- Python's compressed form is RFC 5952 except for
    # IPv4-mapped addresses, which are accepted in either form.
    if s is None or t is None:
        return s == t
    try:
        a, b = ipaddress.ip_address(s), ipaddress.ip_address(t)
    except ValueError:
        return s == t
    if a != b:
        return False
    if a.version == 6 and a.ipv4_mapped is None:
        return s == a.compressed
    return a.version == 6 or s == str(a)


def compare_msg(s, t, tsresol):
    """-> list of (field, sigtrail value, tshark value)."""
    out = []
    for f in FIELDS:
        sv, tv = s.get(f), t.get(f)
        if f == "time":
            ok = same_time(sv, tv, tsresol)
        elif f in ("src", "dst"):
            ok = same_addr(sv, tv)
        elif f == "qname":
            # sigtrail: dig presentation with trailing dot and RFC 1035
            # escapes; tshark: no trailing dot, "<Root>", its own lossy
            # escaping.  Render sigtrail's name as tshark would (names.py).
            if sv is None:
                ok = tv is None
            else:
                try:
                    conv = names.sigtrail_to_tshark(sv)
                except names.NameError_ as e:
                    conv = "<%s>" % e
                ok = conv == tv
                if not ok:
                    sv = "%s (as tshark: %s)" % (sv, conv)
        else:
            ok = sv == tv
        if not ok:
            out.append((f, sv, tv))
    return out


def compare(sframes, tframes, tsresol):
    """-> (number of messages compared, list of diffs (frame, idx, field, s, t))."""
    diffs, n = [], 0
    for fr in sorted(set(sframes) | set(tframes)):
        S, T = sframes.get(fr, []), tframes.get(fr, [])
        if not S or not T:
            diffs.append((fr, None, "frame", "%d msgs" % len(S), "%d msgs" % len(T)))
            continue
        if len(S) != len(T):
            diffs.append((fr, None, "count", len(S), len(T)))
        for i, (s, t) in enumerate(zip(S, T)):
            n += 1
            for f, sv, tv in compare_msg(s, t, tsresol):
                diffs.append((fr, i if len(S) > 1 or len(T) > 1 else None, f, sv, tv))
    return n, diffs


# ---------------------------------------------------------------- exceptions

def load_exceptions(path):
    out = []
    if not path:
        return out
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or not parts[3].strip():
                raise RuntimeError("%s:%d: need GLOB FRAME FIELD REASON" % (path, lineno))
            glob, frame, field, reason = parts
            if field.startswith("exit="):
                continue
            if field not in FIELDS + ["frame", "count"]:
                raise RuntimeError("%s:%d: unknown field %r" % (path, lineno, field))
            if frame != "*":
                a, _, b = frame.partition("-")
                int(a), int(b or a)
            out.append({"glob": glob, "frame": frame, "field": field, "reason": reason,
                        "where": "%s:%d" % (path, lineno), "used": 0})
    return out


def frame_in(spec, fr):
    if spec == "*":
        return True
    a, _, b = spec.partition("-")
    return int(a) <= fr <= int(b or a)


def glob_match(name, glob):
    return fnmatch.fnmatchcase(name, glob) or fnmatch.fnmatchcase(name, "*/" + glob)


# ---------------------------------------------------------------- main

def fmt(v):
    if isinstance(v, str):
        return repr(v)
    return str(v)


def exit_codes(exc_path, name):
    """Exit codes EXCEPTIONS allows `sigtrail analyze` for capture `name`:
    lines "GLOB * exit=N REASON" (a capture sigtrail is expected to refuse)."""
    out = []
    with open(exc_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.strip().split(None, 3)
            if len(parts) == 4 and not parts[0].startswith("#") \
                    and parts[2].startswith("exit=") and glob_match(name, parts[0]):
                out.append((int(parts[2][5:]), parts[3]))
    return out


def main(argv):
    if argv[:1] == ["--exit-codes"]:
        # compare.py --exit-codes EXCEPTIONS NAME: prints "CODE REASON" lines
        for code, reason in exit_codes(argv[1], argv[2]):
            print(code, reason)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("capture")
    ap.add_argument("db")
    ap.add_argument("--exceptions")
    ap.add_argument("--name", help="capture name for EXCEPTIONS globs and output")
    ap.add_argument("--port", type=int, action="append", default=[],
                    help="also decode this UDP/TCP port as DNS in tshark")
    ap.add_argument("--capture-id", type=int)
    ap.add_argument("--max", type=int, default=20)
    ap.add_argument("--verbose", action="store_true", help="also print expected differences")
    a = ap.parse_args(argv)
    name = a.name or a.capture
    try:
        exc = [e for e in load_exceptions(a.exceptions) if glob_match(name, e["glob"])]
        tframes, notes, quoted = tshark_messages(a.capture, a.port)
        sframes, tsresol, cap = sigtrail_messages(a.db, a.capture_id, a.capture)
    except (RuntimeError, OSError, sqlite3.Error, ValueError, KeyError) as e:
        print("ERROR %s" % e)
        return 2
    n, diffs = compare(sframes, tframes, tsresol)
    bad, expected = [], []
    for d in diffs:
        fr, _, field, _, _ = d
        hit = None
        for e in exc:
            if frame_in(e["frame"], fr) and e["field"] == field:
                hit = e
                break
        if hit:
            hit["used"] += 1
            expected.append((d, hit))
        else:
            bad.append(d)

    def line(d):
        fr, i, field, sv, tv = d
        where = "frame %d" % fr + ("" if i is None else " msg %d" % (i + 1))
        s = "  %s %s: sigtrail %s, tshark %s" % (where, field, fmt(sv), fmt(tv))
        if fr in notes:
            s += "  [%s]" % notes[fr]
        return s

    if bad:
        print("DIFF %d difference(s) in %d messages (%d documented)" % (len(bad), n,
                                                                        len(expected)))
        for d in bad[:a.max]:
            print(line(d))
        if len(bad) > a.max:
            print("  ... %d more" % (len(bad) - a.max))
    else:
        extra = []
        if expected:
            extra.append("%d documented difference(s)" % len(expected))
        if quoted:
            extra.append("%d ICMP-quoted DNS header(s) left out" % sum(quoted.values()))
        print("OK %d messages" % n + (" (%s)" % ", ".join(extra) if extra else ""))
    if a.verbose:
        for d, e in expected:
            print(line(d) + "  -- expected: %s" % e["reason"])
    for e in exc:
        if not e["used"]:
            print("  note: unused exception %s: %s %s %s" % (e["where"], e["glob"],
                                                              e["frame"], e["field"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
