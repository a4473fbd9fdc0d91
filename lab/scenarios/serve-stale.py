#!/usr/bin/python3
"""serve-stale: the children's authoritative server (Knot) stops.

Both resolvers run with serve-stale (unbound serve-expired with a client
timeout, BIND stale-answer-enable with stale-answer-client-timeout): once the
30-second TTLs run out, cached answers are served stale (RFC 8767, EDE 3 Stale
Answer) while names never cached fail. Then the server comes back.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from scenario import Scenario, tsnap

sc = Scenario("serve-stale", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.up(de0, unbound_stale=True, bind_stale=True)
sc.phase("healthy", 30, "everything validates; caches fill", ok)
t_f = lab.event("fault: kids (Knot, serving rsa8/ecdsa13/ed15/plain/shop.de.) stops")
lab.stop("kids")
sc.phase("outage", 60, "children unreachable: stale answers with EDE 3 for cached names, SERVFAIL for the rest",
         {"unbound": {"clients_fail": True, "ede": [3]}, "bind": {"clients_fail": True, "ede": [3]}})
t_x = lab.event("fix: kids restarted")
lab.start_auth("kids", "knot", sc.kids)
sc.phase("fixed", 35, "fresh answers again (a resolver may keep the server marked unreachable a while)", ok)
sc.fault = dict(kind="server-down-serve-stale", start=tsnap(t_f), fix=tsnap(t_x),
                zones=list(sc.kids), names=["*.rsa8.de.", "*.ecdsa13.de.", "*.ed15.de.", "*.plain.de.", "*.shop.de."],
                key_tags=dict(published={}, signing={}), bogus_rrsets=[],
                stale_note="answers past their TTL served with EDE 3; DNSSEC state unchanged")
sc.finish()
