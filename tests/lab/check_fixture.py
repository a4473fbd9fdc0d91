#!/usr/bin/python3
"""tests/lab/check_fixture.py TRUTH.json [CAPTURE] -- does a lab capture still
show the incident its truth file describes?

Reads the capture with tshark (the independent oracle) and, for every phase of
the truth file and every resolver, compares what the resolver sent to the
clients with what the lab's client recorded when the capture was made
(phases[].observed):
  - SERVFAILs present in the capture exactly when the truth says clients got
    SERVFAILs, and their number within a small tolerance (answers that arrived
    after the client had given up are on the wire but not in the client's log);
  - the EDE codes the truth records are all on the wire, and no others
    (unless the phase had client timeouts);
  - NOERROR/NXDOMAIN counts within tolerance;
  - the authoritative servers' responses per phase equal phases[].upstream_responses.
Exit 0 if the fixture matches, 1 with a list of mismatches otherwise.
"""
import collections, json, os, subprocess, sys

RCODE = {"0": "NOERROR", "1": "FORMERR", "2": "SERVFAIL", "3": "NXDOMAIN", "4": "NOTIMP", "5": "REFUSED"}
AUTH = {"10.53.0.%d" % i: None for i in range(2, 7)}


def main():
    truth_fn = sys.argv[1]
    truth = json.load(open(truth_fn))
    cap = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(truth_fn),
                                                              truth["capture"]["file"])
    res_addr = {a: r["name"] for r in truth["resolvers"] for a in r["addresses"]}
    auth_addr = {a: s["name"] for s in truth["servers"] for a in s["addresses"]}
    clients = set(truth["clients"])
    out = subprocess.run(["tshark", "-r", cap, "-Y", "dns.flags.response==1", "-T", "fields",
                          "-E", "separator=|", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src",
                          "-e", "ip.dst", "-e", "ipv6.dst", "-e", "dns.flags.rcode",
                          "-e", "dns.opt.ext_error.info_code"],
                         capture_output=True, text=True)
    if out.returncode:
        print("tshark failed: " + out.stderr.strip())
        return 1
    client_rows, up_rows = [], []
    for line in out.stdout.splitlines():
        t, s4, s6, d4, d6, rc, ede = (line.split("|") + [""] * 7)[:7]
        src, dst = s4 or s6, d4 or d6
        rcs = [RCODE.get(x, x) for x in rc.split(",") if x]
        edes = [x for x in ede.split(",") if x]
        if src in res_addr and dst in clients:
            client_rows.append((float(t), res_addr[src], rcs, edes))
        elif src in auth_addr:
            up_rows.append((float(t), auth_addr[src]))
    errors, report = [], []
    total_sf = 0
    for ph in truth["phases"]:
        a, b = ph["start"]["epoch"], ph["end"]["epoch"]
        for r, obs in ph["observed"].items():
            rows = [x for x in client_rows if x[1] == r and a <= x[0] < b]
            rc = collections.Counter(c for x in rows for c in x[2])
            ede = collections.Counter(c for x in rows for c in x[3])
            want_rc = obs["rcodes"]
            tol = 2 + obs.get("timeouts", 0)
            sf, want_sf = rc.get("SERVFAIL", 0), want_rc.get("SERVFAIL", 0)
            total_sf += sf
            report.append("%-14s %-8s SERVFAIL %3d (truth %3d)  EDE %s (truth %s)" % (
                ph["name"], r, sf, want_sf, dict(ede), obs["ede"]))
            where = "phase %s, resolver %s" % (ph["name"], r)
            if (sf > 0) != (want_sf > 0):
                errors.append("%s: %d SERVFAIL on the wire, truth says %d" % (where, sf, want_sf))
            elif abs(sf - want_sf) > tol:
                errors.append("%s: %d SERVFAIL on the wire, truth %d (tolerance %d)" % (where, sf, want_sf, tol))
            for code in ("NOERROR", "NXDOMAIN"):
                n, w = rc.get(code, 0), want_rc.get(code, 0)
                if abs(n - w) > max(tol, w // 10):
                    errors.append("%s: %d %s on the wire, truth %d" % (where, n, code, w))
            want_ede, got_ede = set(obs["ede"]), set(ede)
            if not want_ede <= got_ede:
                errors.append("%s: EDE codes %s missing from the wire (saw %s)" % (
                    where, sorted(want_ede - got_ede), sorted(got_ede)))
            if got_ede - want_ede and not obs.get("timeouts"):
                errors.append("%s: EDE codes %s on the wire but not in the truth" % (
                    where, sorted(got_ede - want_ede)))
        if "upstream_responses" in ph:
            c = collections.Counter(s for t, s in up_rows if a <= t < b)
            if dict(c) != ph["upstream_responses"]:
                errors.append("phase %s: upstream responses %s, truth %s" % (
                    ph["name"], dict(sorted(c.items())), ph["upstream_responses"]))
    failed_truth = any(o["rcodes"].get("SERVFAIL") for ph in truth["phases"] for o in ph["observed"].values())
    if failed_truth and total_sf == 0:
        errors.append("the truth records client SERVFAILs but the capture has none: the incident is gone")
    print("\n".join(report))
    if errors:
        print("MISMATCH %s vs %s:\n  %s" % (truth_fn, cap, "\n  ".join(errors)))
        return 1
    print("OK %s matches %s" % (cap, truth_fn))
    return 0


sys.exit(main())
