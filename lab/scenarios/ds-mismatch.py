#!/usr/bin/python3
"""ds-mismatch: rsa8.de.'s KSK is replaced while de.'s DS still names the old one.

The child re-signs with a new KSK (the old DNSKEY removed); the parent keeps
the DS of the old KSK, so the chain of trust breaks at the delegation: every
rsa8.de. answer is bogus (EDE 9 DNSKEY Missing / 6 expected). Then de. publishes
the new DS.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from scenario import Scenario, tsnap

sc = Scenario("ds-mismatch", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
old, new = sc.keys["rsa8-ksk"], sc.keys["rsa8-ksk-new"]
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.up(de0, focus=["rsa8.de."])
sc.phase("healthy", 20, "everything validates", ok)
sc.serial += 1
text = sc.sign_kid("rsa8.de.", ksk=new)
t_f = lab.event("fault: rsa8.de. re-signed with a new KSK (tag %d), old KSK (tag %d) removed; "
                "de. DS still names %d" % (new.tag, old.tag, old.tag))
lab.reload_zone("kids", "rsa8.de.", text)
sc.flush(["rsa8.de."], "fault")
sc.phase("fault", 45, "rsa8.de. bogus: no DNSKEY matches the DS",
         {"unbound": {"clients_fail": True, "ede": [9]}, "bind": {"clients_fail": True, "ede": [9]}})
sc.serial += 1
sc.kid_ds["rsa8.de."] = [new.ds()]
fixed_de = sc.de_healthy(sc.serial)
t_x = lab.event("fix: de. publishes the DS of the new KSK")
for s in sc.de_servers:
    lab.reload_zone(s, "de.", fixed_de)
sc.flush(["rsa8.de."], "fix", fix=True)
sc.phase("fixed", 40, "validates again (the resolvers dropped the old DS and the bad key at the fix)", ok)
sc.fault = dict(kind="ds-mismatch", start=tsnap(t_f), fix=tsnap(t_x), zones=["rsa8.de."],
                names=["rsa8.de.", "www.rsa8.de.", "big.rsa8.de.", "nx-*.rsa8.de."],
                key_tags=dict(published={"rsa8.de.": [new.tag, sc.keys["rsa8-zsk"].tag]},
                              signing={"rsa8.de.": [new.tag, sc.keys["rsa8-zsk"].tag]},
                              ds_in_parent={"during fault": [old.tag], "after fix": [new.tag]},
                              old_ksk=old.tag, new_ksk=new.tag),
                bogus_rrsets=[dict(zone="rsa8.de.", owner="rsa8.de.", type="DNSKEY",
                                   why="no DNSKEY matches the parent's DS (old KSK %d)" % old.tag,
                                   expected_ede=9),
                              dict(zone="rsa8.de.", owner="*", type="all",
                                   why="chain of trust broken at the DS", expected_ede=6)])
sc.finish()
