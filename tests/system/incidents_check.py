#!/usr/bin/python3
"""Compares the incident tables of one database with a lab truth file.

Windows, every edge within one bucket of the truth: the first bogus evidence
within one bucket of the fault (or of the step that breaks the zone); the
last within one bucket of the fix (without a fix: no earlier than one bucket
before the last phase ends, the fault lasting to the end of the run);
recovered_ns, a bucket start, in the fix's bucket or a neighbour, and the
first valid check after the window within one bucket of the fix. This holds
because the lab makes both resolvers drop their cached data for the broken
zones as soon as a fault or a fix is in place (fault.flushes: unbound-control
flush_zone, rndc flushtree) and its client asks each resolver for a new name
in each broken zone every 0.5 s, the two resolvers a quarter second apart
(client_load.focus): the first bogus answer is on the wire right after the
fault and validation recovers right after the fix, instead of one TTL (30 s)
later when cached copies expire. Root-cause class per zone; collateral
unsigned zones; NTA moment; stale answers, which may go on after
serve-stale's fix for up to STALE_TAIL (not an incident window: that scenario
keeps its caches on purpose, it is about serving from them)."""
import json, math, sqlite3, sys

# s: unbound's infra-host-ttl, how long a resolver may keep the restarted
# server marked unreachable and go on answering from its stale cache
STALE_TAIL = 30.0

CAUSES = {
    'keytag-collision': {'de.': 'key_tag_collision'},
    'keytag-collision-one-server': {'de.': 'key_tag_collision'},
    'keytag-collision+nta': {'de.': 'key_tag_collision'},
    'ds-mismatch': {'rsa8.de.': 'ds_mismatch'},
    'signer-clock': {'rsa8.de.': 'expired_signatures', 'ed15.de.': 'not_yet_valid_signatures'},
    # ed15.de.'s wrong-salt NSEC3 chain (step 2): valid signatures over an
    # NSEC3 chain that proves nothing: the denial proofs fail.
    'missing-rrsigs+bogus-nsec3': {'ecdsa13.de.': 'missing_rrsigs', 'ed15.de.': 'bogus_denial'},
    'server-down-serve-stale': {},
    'none': {},
}

truth = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
name = truth['scenario']
fault = truth['fault']
errors = []
bucket = (db.execute('SELECT max(bucket_ns) FROM resolver_buckets').fetchone()[0] or 1e9) / 1e9
inc = {}
for row in db.execute('SELECT id, zone, start_ns, end_ns, root_cause, recovered_ns, '
                      'coalesce(collateral_zones, \'\') FROM incidents ORDER BY start_ns'):
    inc.setdefault(row[1], []).append(row)
want = CAUSES[fault['kind']]
if set(inc) != set(want):
    errors.append('incident zones %s, want %s' % (sorted(inc), sorted(want)))
start = fault['start']['epoch'] if fault.get('start') else None
fix = fault['fix']['epoch'] if fault.get('fix') else None
steps = {s['zone']: s for s in fault.get('steps', [])}
for zone, cause in want.items():
    rows = inc.get(zone)
    if not rows:
        continue
    if len(rows) != 1:
        errors.append('%s: %d windows, want 1' % (zone, len(rows)))
    r = rows[0]
    z_start = steps[zone]['start']['epoch'] if zone in steps else start
    z_fix = steps[zone]['end']['epoch'] if zone in steps else fix
    s_ns, e_ns, rec = r[2] / 1e9, r[3] / 1e9, (r[5] / 1e9 if r[5] is not None else None)
    last = truth['phases'][-1]['end']['epoch']
    fix_b = math.floor(z_fix / bucket) * bucket if z_fix else None
    print('%s %s: start %+.1fs after fault, end %s, cause %s, recovered %s (bucket %.1fs)' % (
        name, zone, s_ns - z_start,
        '%+.1fs after fix' % (e_ns - z_fix) if z_fix else 'no fix, %+.1fs after the last phase' % (e_ns - last),
        r[4], '%+.1fs after fix, %+d buckets from the fix\'s' % (rec - z_fix, round((rec - fix_b) / bucket))
        if rec and z_fix else rec, bucket))
    if r[4] != cause:
        errors.append('%s: root cause %s, want %s' % (zone, r[4], cause))
    if not (z_start - bucket <= s_ns <= z_start + bucket):
        errors.append('%s: window starts %.1fs after the fault' % (zone, s_ns - z_start))
    if z_fix:
        if not (z_fix - bucket <= e_ns <= z_fix + bucket):
            errors.append('%s: window ends %.1fs after the fix' % (zone, e_ns - z_fix))
        # recovered_ns is the start of the bucket of the first valid check
        # after the last bogus one: its bucket is the fix's or a neighbour.
        if rec is None or not (fix_b - bucket - 1e-6 <= rec <= fix_b + bucket + 1e-6):
            errors.append('%s: recovered %s, fix at %.1f' % (zone, rec, z_fix))
        # and the check itself (not its bucket) within one bucket of the fix
        v = db.execute('SELECT min(c.ts_ns) FROM sig_checks c JOIN signatures s ON s.id = c.signature_id'
                       ' WHERE s.zone = ? AND c.verdict = \'valid\' AND c.chain = \'secure\''
                       ' AND c.ts_ns > ?', (zone, r[3])).fetchone()[0]
        if v is None or not (z_fix - bucket <= v / 1e9 <= z_fix + bucket):
            errors.append('%s: first valid check after the window %s, fix at %.1f' % (zone, v, z_fix))
        else:
            print('%s %s: first valid check after the window %+.2fs after fix' % (name, zone, v / 1e9 - z_fix))
    elif e_ns < last - bucket:
        errors.append('%s: no fix, but the window ends %.1fs before the last phase' % (zone, last - e_ns))
if 'de.' in want:
    coll = set(filter(None, inc['de.'][0][6].split(','))) if 'de.' in inc else set()
    expect = {'plain.de.', 'shop.de.'}
    if not coll or not coll <= expect:
        errors.append('collateral zones %s, want a subset of %s' % (sorted(coll), sorted(expect)))
    if name == 'de-keytag-collision' and coll != expect:
        errors.append('collateral zones %s, want %s' % (sorted(coll), sorted(expect)))
# Negative trust anchor: only the resolver that got one, at that moment.
addrs = {r['name']: r['addresses'] for r in truth['resolvers']}
nta = db.execute('SELECT resolver, zone, min(first_ts_ns) FROM nta_events GROUP BY resolver, zone').fetchall()
if fault.get('nta'):
    n = fault['nta']
    mine = [x for x in nta if x[0] in addrs[n['resolver']] and x[1] == n['zone']]
    others = [x for x in nta if x[0] not in addrs[n['resolver']]]
    if not mine:
        errors.append('no NTA found for %s on %s' % (n['resolver'], n['zone']))
    else:
        t = min(x[2] for x in mine) / 1e9
        print('%s NTA: %+.1fs after truth' % (name, t - n['added']['epoch']))
        if not (n['added']['epoch'] - bucket <= t <= n['added']['epoch'] + bucket):
            errors.append('NTA at %.1f, truth %.1f' % (t, n['added']['epoch']))
    if others:
        errors.append('NTA reported for other resolvers: %s' % others)
elif nta:
    errors.append('NTA reported without one: %s' % nta)
# Stale answers (EDE 3) counted per resolver equal what the clients logged.
stale_truth = {}
for p in truth['phases']:
    for r, o in p.get('observed', {}).items():
        if isinstance(o, dict):
            stale_truth[r] = stale_truth.get(r, 0) + int(o.get('ede', {}).get('3', 0))
for r, want_n in stale_truth.items():
    got = 0
    for a in addrs[r]:
        got += db.execute('SELECT coalesce(sum(stale), 0) FROM resolver_buckets WHERE resolver = ?',
                          (a,)).fetchone()[0]
    if abs(got - want_n) > max(1, want_n // 10):
        errors.append('%s: %d stale answers, clients saw %d' % (r, got, want_n))
    elif want_n:
        print('%s %s: %d stale answers (clients saw %d)' % (name, r, got, want_n))
if fault['kind'] == 'server-down-serve-stale' and fix:
    late = db.execute('SELECT count(*) FROM resolver_buckets WHERE stale > 0 AND '
                      '(bucket_start_ns < ? OR bucket_start_ns > ?)',
                      (int((start - bucket) * 1e9), int((fix + STALE_TAIL) * 1e9))).fetchone()[0]
    if late:
        errors.append('%d buckets with stale answers outside the outage' % late)
# Every incident has its proof frames.
for (iid,) in db.execute('SELECT id FROM incidents'):
    claims = {c for (c,) in db.execute('SELECT claim FROM incident_evidence WHERE incident_id = ?'
                                        ' AND frame IS NOT NULL', (iid,))}
    for c in ('first_bogus', 'last_bogus'):
        if c not in claims:
            errors.append('incident %d lacks %s evidence' % (iid, c))
for e in errors:
    print('FAIL %s: %s' % (name, e))
if not errors:
    print('ok %s' % name)
sys.exit(1 if errors else 0)
