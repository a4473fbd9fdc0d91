#!/usr/bin/python3
"""Compare sigtrail's validation of a lab capture with the lab's truth file.

usage: check_lab_truth.py TRUTH.json DB EXIT_CODE

The truth file (docs/lab.md) was written by the lab while it ran real
servers and resolvers: fault and fix times, which keys were published and
which signed, which servers were bad. Every assertion below compares
sigtrail's database with it; none compares sigtrail with itself.
"""
import base64, json, sqlite3, sys

SLACK = 5  # s: the lab flushes the resolvers at the fix (docs/lab.md); an answer fetched just before it may still be checked just after, and a live run (t_lab_e2e) on a busy machine lags

truth = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
code = int(sys.argv[3])
fails = []


def check(cond, what):
    print(("ok: " if cond else "NOT OK: ") + what)
    if not cond:
        fails.append(what)


def q(sql, *a):
    return db.execute(sql, a).fetchall()


fault = truth.get("fault") or {}
kind = fault.get("kind", "none")
start = (fault.get("start") or {}).get("epoch")
fix = (fault.get("fix") or truth["capture"]["end"]).get("epoch")
bad_checks = q("SELECT c.ts_ns / 1e9, c.server, c.reason, s.zone, c.chain FROM sig_checks c"
               " JOIN signatures s ON s.id = c.signature_id WHERE c.chain = 'bogus'")

if kind.startswith("keytag-collision"):
    tag = truth["fault"]["key_tags"]["colliding_tag"]
    check(code == 1, f"exit status 1 (validation failures), got {code}")
    unpublished = {k["public_key"] for k in truth["fault"]["keys"] if not k["published"]}
    got = {base64.b64encode(r[0]).decode() for r in
           q("SELECT public_key FROM recovered_keys WHERE zone = 'de.' AND signature_tag = ?", tag)}
    check(got == unpublished, f"recovered keys with tag {tag} are exactly the {len(unpublished)} "
          f"unpublished keys of the truth (got {len(got)})")
    published = set(truth["fault"]["key_tags"]["published"]["de."])
    seen = {r[0] for r in q("SELECT tag FROM keys WHERE zone = 'de.'")}
    check(seen == published, f"de. key tags seen {sorted(seen)} = published {sorted(published)}")
    good = set()
    bad = set()
    names = truth["fault"].get("servers", {})
    for s in truth["servers"]:
        if s["name"] in names.get("good", []):
            good |= set(s["addresses"])
        if s["name"] in names.get("bogus", []):
            bad |= set(s["addresses"])
    # Resolvers relay what they got (after a negative trust anchor, bogus
    # RRSIGs reach the clients): attribution is about the authoritative side.
    resolvers = {a for r in truth["resolvers"] for a in r["addresses"]}
    unpub = [r for r in bad_checks if r[2] == "unpublished_key" and r[1] not in resolvers]
    check(len(unpub) > 0, f"{len(unpub)} checks failed as signed by an unpublished key")
    if bad:
        servers = {r[1] for r in unpub}
        check(servers <= bad, f"unpublished-key failures only from the bad servers {sorted(bad)}: {sorted(servers)}")
        check(not (servers & good), "no unpublished-key failure from the good server")
    else:
        # One-server variant: two thirds of the RRsets signed by unpublished keys.
        rate = len(unpub) / max(1, q("SELECT count(*) FROM sig_checks c JOIN signatures s ON"
                                     " s.id = c.signature_id WHERE s.zone = 'de.'")[0][0])
        check(0.2 < rate < 0.9, f"share of de. checks signed by unpublished keys {rate:.2f}")
    t = [r[0] for r in unpub]
    check(min(t) >= start - 1 and max(t) <= fix + SLACK,
          f"unpublished-key failures between fault {start:.0f} and fix {fix:.0f} (+{SLACK}s): "
          f"{min(t):.0f}..{max(t):.0f}")
    before = [r for r in bad_checks if r[0] < start - 1]
    check(not before, f"no failure before the fault ({len(before)})")
    # What each resolver told its clients after a bogus upstream answer, next
    # to it: the resolvers answered SERVFAIL at least once that way
    # (only for resolvers the truth saw answering SERVFAIL during the fault)
    said = {r[0] for r in q("SELECT resolver FROM resolver_answers WHERE expected = 'bogus' AND rcode = 2")}
    for res in truth["resolvers"]:
        sf = sum(p.get("observed", {}).get(res["name"], {}).get("rcodes", {}).get("SERVFAIL", 0)
                 for p in truth["phases"] if p["name"] not in ("healthy", "fixed"))
        if sf:
            check(said & set(res["addresses"]),
                  f"{res['name']}: a SERVFAIL to a client next to a bogus upstream answer ({sf} in the truth)")
    # Unsigned children made unreachable by the bogus NSEC3 "no DS" proofs.
    unsigned = {z["zone"] for z in truth["zones"] if not z["signed"]}
    coll = {r[0] for r in q("SELECT zone FROM findings WHERE kind = 'collateral_unsigned'")}
    check(coll and coll <= unsigned, f"collateral unsigned children {sorted(coll)} among {sorted(unsigned)}")
elif kind == "ds-mismatch":
    zone = truth["fault"]["zones"][0]
    check(code == 1, f"exit status 1, got {code}")
    ds = q("SELECT count(*) FROM response_verdicts WHERE expected = 'bogus' AND reason = 'ds_mismatch' AND ede = 9")[0][0]
    check(ds > 0, f"{ds} responses a validator should have failed with EDE 9 (DS mismatch)")
    zones = {r[3] for r in bad_checks}
    check(zones == {zone}, f"only {zone} is bogus: {sorted(zones)}")
    t = [r[0] for r in bad_checks]
    check(t and min(t) >= start - 1 and max(t) <= fix + SLACK, "failures inside the fault window")
    check(q("SELECT count(*) FROM findings WHERE kind = 'ds_mismatch' AND zone = ?", zone)[0][0] == 1,
          "one ds_mismatch finding for the zone, with its frame")
elif kind == "signer-clock":
    check(code == 1, f"exit status 1, got {code}")
    want = {}
    for zone, v in truth["fault"]["validity"].items():
        want[zone] = "expired" if v["clock_error_days"] < 0 else "not_yet_valid"
    got = {}
    for r in bad_checks:
        got.setdefault(r[3], set()).add(r[2])
    check(got == {z: {w} for z, w in want.items()}, f"reasons per zone {want}: got {got}")
    t = [r[0] for r in bad_checks]
    check(t and min(t) >= start - 1 and max(t) <= fix + SLACK, "failures inside the fault window")
elif kind.startswith("missing-rrsigs"):
    check(code == 1, f"exit status 1, got {code}")
    step = [s for s in truth["fault"]["steps"] if s["what"] == "RRSIGs stripped"][0]
    got = q("SELECT zone, ts_ns / 1e9 FROM findings WHERE kind = 'rrsigs_missing'")
    check([g[0] for g in got] == [step["zone"]], f"RRSIGs missing found in {step['zone']} only: {got}")
    t = [r[0] for r in q("SELECT m.ts_ns / 1e9 FROM response_verdicts v JOIN messages m ON m.id = v.message_id"
                         " WHERE v.reason = 'rrsigs_missing' AND v.ede = 10")]
    check(t and min(t) >= step["start"]["epoch"] - 1 and max(t) <= step["end"]["epoch"] + SLACK,
          f"{len(t)} responses with RRSIGs missing (EDE 10), inside the step's window")
    other = [r for r in bad_checks if r[0] < step["start"]["epoch"] - 1]
    check(not other, "nothing bogus before the fault")
    nsec3 = [s for s in truth["fault"]["steps"] if "NSEC3" in s["what"]][0]
    got = q("SELECT zone, ts_ns / 1e9 FROM findings WHERE kind = 'denial_bogus'")
    hit = [g for g in got if g[0] == nsec3["zone"]]
    check(hit and nsec3["start"]["epoch"] - 1 <= hit[0][1] <= nsec3["end"]["epoch"] + SLACK,
          f"bogus NSEC3 proofs in {nsec3['zone']} found inside their step: {hit}")
elif kind in ("none", "serve-stale") or truth["scenario"] in ("healthy", "serve-stale"):
    check(code == 0, f"exit status 0, got {code}")
    check(not bad_checks, f"no bogus check ({len(bad_checks)})")
    n = q("SELECT count(*) FROM sig_checks WHERE chain = 'secure'")[0][0]
    check(n > 0, f"{n} checks secure from the lab's trust anchor")
else:
    print(f"SKIP: no validation expectations for fault kind {kind} yet")
sys.exit(1 if fails else 0)
