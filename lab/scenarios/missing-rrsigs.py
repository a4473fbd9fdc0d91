#!/usr/bin/python3
"""missing-rrsigs: a zone served without signatures, then a bogus NSEC3 chain.

Phase missing-rrsigs: ecdsa13.de. (signed, DS in de.) is served with every
RRSIG stripped except the DNSKEY RRset's (EDE 10 RRSIGs Missing expected).
Phase bogus-nsec3: ecdsa13.de. is fine again; ed15.de. is re-signed with
NSEC3 records whose owner hashes were computed with a salt (abcd) other than
the one they state (none): every record is correctly signed but no NSEC3
matches or covers the names a validator hashes, so NXDOMAIN and NODATA
answers cannot be proven (EDE 6 or 12 expected) while positive answers
validate. Then ed15.de. is re-signed by ldns-signzone.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from scenario import Scenario, tsnap
import zones

sc = Scenario("missing-rrsigs", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.up(de0, focus=["ecdsa13.de.", "ed15.de."])
sc.phase("healthy", 20, "everything validates", ok)
sc.serial += 1
text = sc.sign_kid("ecdsa13.de.", strip=True)
t1 = lab.event("fault 1: ecdsa13.de. served without RRSIGs (DNSKEY's kept)")
lab.reload_zone("kids", "ecdsa13.de.", text)
sc.flush(["ecdsa13.de."], "fault 1")
sc.phase("missing-rrsigs", 40, "ecdsa13.de. names: RRSIGs missing",
         {"unbound": {"clients_fail": True, "ede": [10]}, "bind": {"clients_fail": True, "ede": [10]}})
sc.serial += 1
fixed13 = sc.sign_kid("ecdsa13.de.")
ksk, zsk = sc.keys["ed15-ksk"], sc.keys["ed15-zsk"]
text, _ = zones.sign_py("ed15.de.", zones.kid_text("ed15.de.", sc.serial), ksk, [ksk, zsk],
                        lambda n, t: zsk, sc.inception, sc.expiration, hash_salt="abcd")
t2 = lab.event("fault 2: ecdsa13.de. fixed; ed15.de. NSEC3 chain hashed with the wrong salt")
lab.reload_zone("kids", "ecdsa13.de.", fixed13)
lab.reload_zone("kids", "ed15.de.", text)
sc.flush(["ecdsa13.de.", "ed15.de."], "fix of fault 1, fault 2", fix=True)
sc.phase("bogus-nsec3", 40, "ed15.de. NXDOMAIN answers unprovable; positive answers validate",
         {"unbound": {"clients_fail": True, "ede": [6, 12]}, "bind": {"clients_fail": True, "ede": [6, 12]}})
sc.serial += 1
text = sc.sign_kid("ed15.de.")
t3 = lab.event("fix: ed15.de. re-signed by ldns-signzone")
lab.reload_zone("kids", "ed15.de.", text)
sc.flush(["ed15.de."], "fix", fix=True)
sc.phase("fixed", 35, "everything validates again", ok)
sc.fault = dict(kind="missing-rrsigs+bogus-nsec3", start=tsnap(t1), fix=tsnap(t3),
                steps=[dict(start=tsnap(t1), end=tsnap(t2), zone="ecdsa13.de.", what="RRSIGs stripped"),
                       dict(start=tsnap(t2), end=tsnap(t3), zone="ed15.de.",
                            what="NSEC3 owner hashes computed with salt abcd, records say salt -")],
                zones=["ecdsa13.de.", "ed15.de."],
                names=["ecdsa13.de.", "www.ecdsa13.de.", "nx-*.ecdsa13.de.", "nx-*.ed15.de."],
                key_tags=dict(published={"ecdsa13.de.": [sc.keys["ecdsa13-ksk"].tag, sc.keys["ecdsa13-zsk"].tag],
                                         "ed15.de.": [ksk.tag, zsk.tag]},
                              signing={"ecdsa13.de.": [sc.keys["ecdsa13-ksk"].tag],
                                       "ed15.de.": [ksk.tag, zsk.tag]}),
                bogus_rrsets=[dict(zone="ecdsa13.de.", owner="*", type="all but DNSKEY",
                                   why="RRSIG missing", expected_ede=10),
                              dict(zone="ed15.de.", owner="nx-*.ed15.de.", type="NSEC3 proof",
                                   why="no NSEC3 matches the closest encloser / covers the next closer name",
                                   expected_ede=12)])
sc.finish()
