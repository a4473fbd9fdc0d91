#!/usr/bin/python3
"""lab/lib/client.py PLAN.json LOG.jsonl STOPFILE -- the lab's client load.

Runs inside the resolver namespace. Every `interval` seconds it takes the next
`per_tick` (qname, qtype) pairs of the plan and asks each resolver, rotating
through IPv4/IPv6, UDP/TCP, DO on/off and EDNS buffer 1232/4096 (UDP answers
that do not fit come back truncated and are asked again over TCP). Every
`focus_interval` seconds it also asks each resolver every pair of `focus`
(a scenario's faulty zones, unique nonexistent names, so each query goes
upstream), the resolvers in turn, evenly spread over the interval: the
evidence of a fault and of its fix then reaches the wire within that time,
not when some cached entry happens to expire. Every
response message received is logged as one JSON line: what the resolver sent
(rcode, EDE codes, AD, TC), which is the "observed" half of the truth file.
Stops when STOPFILE exists.
"""
import json, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

import dns.edns, dns.flags, dns.message, dns.query, dns.rcode

plan = json.load(open(sys.argv[1]))
logf = open(sys.argv[2], "a")
stopfile = sys.argv[3]
lock = threading.Lock()
SRC = {4: "127.0.0.1", 6: "::1"}


def log(rec):
    with lock:
        logf.write(json.dumps(rec, sort_keys=True) + "\n")
        logf.flush()


def ask(resolver, addr, fam, proto, qname, qtype, do, bufsize):
    q = dns.message.make_query(qname, qtype, want_dnssec=do, use_edns=0, payload=bufsize)
    base = dict(resolver=resolver, server=addr, family=fam, qname=qname, qtype=qtype, do=do,
                bufsize=bufsize, id=q.id)
    for attempt in ("udp", "tcp") if proto == "udp" else ("tcp",):
        t0 = time.time()
        try:
            if attempt == "udp":
                r = dns.query.udp(q, addr, timeout=12, source=SRC[fam], ignore_trailing=True)
            else:
                r = dns.query.tcp(q, addr, timeout=12, source=SRC[fam])
        except Exception as e:  # timeouts are part of the story too
            log(dict(base, t=round(t0, 6), rt=round(time.time(), 6), proto=attempt, timeout=True,
                     error=type(e).__name__))
            return
        ede = [o for o in r.options if isinstance(o, dns.edns.EDEOption)]
        tc = bool(r.flags & dns.flags.TC)
        log(dict(base, t=round(t0, 6), rt=round(time.time(), 6), proto=attempt, timeout=False,
                 rcode=dns.rcode.to_text(r.rcode()), ede=[int(o.code) for o in ede],
                 ede_text=[o.text or "" for o in ede], tc=tc, ad=bool(r.flags & dns.flags.AD),
                 ancount=sum(len(x) for x in r.answer)))
        if not tc:
            return


def main():
    qs = plan["queries"]
    focus = plan.get("focus", [])
    res = plan["resolvers"]
    # a resolver that cannot answer holds a worker for the 12 s timeout
    pool = ThreadPoolExecutor(max_workers=256)
    i = n = 0

    def send(pairs, only=None):
        nonlocal i, n
        for qname, qtype in pairs:
            i += 1
            qname = qname.replace("{n}", "%d-%d" % (os.getpid() % 1000, i))
            for rname, (v4, v6) in sorted(res.items()):
                if only and rname != only:
                    continue
                n += 1
                fam = 6 if n % 3 == 0 else 4
                proto = "tcp" if n % 8 == 0 else "udp"
                do = (n % 4) != 1
                bufsize = 1232 if n % 2 else 4096
                pool.submit(ask, rname, v6 if fam == 6 else v4, fam, proto, qname, qtype, do, bufsize)

    k = f = 0
    next_t = next_f = time.time()
    while not os.path.exists(stopfile):
        if time.time() >= next_t:
            send([qs[(k + j) % len(qs)] for j in range(plan.get("per_tick", 2))])
            k += plan.get("per_tick", 2)
            next_t += plan.get("interval", 1.0)
        if focus and time.time() >= next_f:
            send(focus, sorted(res)[f % len(res)])
            f += 1
            next_f += plan.get("focus_interval", 1.0) / len(res)
        time.sleep(max(0.0, min(next_t, next_f if focus else next_t) - time.time()))
    pool.shutdown(wait=True)


main()
