#!/usr/bin/python3
"""tests/validator/hostile_check.py DB CAPTURE-NAME EXPECT -- compares the sig_checks of
DB with the lines of EXPECT for CAPTURE-NAME (owner type tag reason), as multisets keyed
by (owner, type covered, tag). Prints one line per difference; exit 1 if any."""
import collections, sqlite3, sys
import dns.rdatatype

db, cap, exp = sys.argv[1:4]
want = collections.Counter()
for line in open(exp):
    if line.startswith("#") or not line.strip():
        continue
    c, owner, t, tag, reason = line.split()
    if c == cap:
        want[(owner, dns.rdatatype.from_text(t), int(tag), reason)] += 1
got = collections.Counter()
con = sqlite3.connect(db)
for owner, tc, tag, reason in con.execute(
        "SELECT s.owner, s.type_covered, s.key_tag, c.reason FROM sig_checks c "
        "JOIN signatures s ON s.id = c.signature_id"):
    got[(owner, tc, tag, reason)] += 1
bad = 0
for k in sorted(set(want) | set(got)):
    if want[k] != got[k]:
        bad += 1
        owner, tc, tag, reason = k
        print(f"    {cap}: {owner} RRSIG({dns.rdatatype.to_text(tc)}) tag {tag} reason {reason}: "
              f"expected {want[k]}, got {got[k]}")
print(f"  {cap}: {sum(want.values())} expected checks, {bad} differences")
sys.exit(1 if bad else 0)
