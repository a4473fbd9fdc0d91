#!/usr/bin/python3
"""negative-trust-anchor: scenario 2's fault, then an NTA on one resolver.

de. on three servers, each signing with its own HSM key behind one key tag
(33834); the good server de-a is unreachable from the start of the fault, so
both resolvers fail. Mid-fault the operator of the unbound resolver adds a
negative trust anchor for de. (unbound-control insecure_add de. followed by
flush_zone and flush_bogus): unbound answers again, without AD, while BIND
keeps failing.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import scenario as S
from scenario import Scenario, tsnap

sc = Scenario("negative-trust-anchor", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
hsm = S.hsm_keys(sc)
pub = S.keytag_published(sc)
pub_labels = {k.label for k in pub}
copies = {"de-a": 0, "de-b": 1, "de-c": 2}
why = "RRSIG by an unpublished HSM key sharing key tag 33834 with the published ZSK"
sc.up(de0, focus=["de."])
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.phase("healthy", 20, "everything validates", ok)
serial = sc.serial + 1
bogus, texts = [], {}
for s in ("de-b", "de-c"):
    i = copies[s]
    texts[s], used = sc.de_sign(lambda n, t, i=i: hsm[i], pub, serial)
    bogus += S.bogus_from_used(used, s, pub_labels, why)
t_f = lab.event("fault: key-tag collision rollover on all de. servers; de-a (the good one) unreachable")
lab.stop("de-a")
for s, text in texts.items():
    lab.reload_zone(s, "de.", text)
sc.flush(["de."], "fault")
sc.phase("outage", 40, "both resolvers SERVFAIL for de. and below",
         {"unbound": {"clients_fail": True, "ede": [6, 9]}, "bind": {"clients_fail": True, "ede": [6]}})
t_n = lab.event("operator: negative trust anchor for de. on unbound")
lab.unbound_control("insecure_add", "de.")
lab.unbound_control("flush_zone", "de.")
lab.unbound_control("flush_bogus")
lab.unbound_control("flush_requestlist")
sc.phase("nta", 45, "unbound answers de. and below without validation (no AD); BIND still fails",
         {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": True, "ede": [6]}})
sc.fault = dict(kind="keytag-collision+nta", start=tsnap(t_f), fix=None, nta=dict(
                    resolver="unbound", zone="de.", added=tsnap(t_n),
                    commands=["unbound-control insecure_add de.", "unbound-control flush_zone de.",
                              "unbound-control flush_bogus", "unbound-control flush_requestlist"]),
                zones=["de."], names=["de. and everything below"],
                key_tags=dict(published={"de.": [sc.keys["de-ksk"].tag] + [k.tag for k in pub]},
                              signing={"de-b": [hsm[1].tag], "de-c": [hsm[2].tag]},
                              colliding_tag=hsm[0].tag),
                keys=S.keytag_keys_truth(sc), servers={"good (unreachable)": ["de-a"], "bogus": ["de-b", "de-c"]},
                bogus_rrsets=bogus)
sc.finish()
