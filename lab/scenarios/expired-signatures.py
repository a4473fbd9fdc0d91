#!/usr/bin/python3
"""expired-signatures: signers whose clocks are wrong.

rsa8.de. is re-signed by dnssec-signzone on a machine whose clock is 30 days
behind: its signatures expired 16 days ago (EDE 7 expected). ed15.de. is
re-signed by ldns-signzone on a machine whose clock is 30 days ahead: its
signatures become valid in 30 days (EDE 8 expected). Then both are re-signed
with the right clock.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from scenario import Scenario, tsnap
import zones

sc = Scenario("expired-signatures", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.up(de0, focus=["rsa8.de.", "ed15.de."])
sc.phase("healthy", 20, "everything validates", ok)
day = 86400
behind = (sc.inception - 30 * day, sc.expiration - 30 * day)
ahead = (sc.inception + 30 * day, sc.expiration + 30 * day)
sc.serial += 1
texts = {"rsa8.de.": sc.sign_kid("rsa8.de.", *behind), "ed15.de.": sc.sign_kid("ed15.de.", *ahead)}
t_f = lab.event("fault: rsa8.de. signed with a clock 30 days behind (expired), ed15.de. with a "
                "clock 30 days ahead (not yet valid)")
for z, text in texts.items():
    lab.reload_zone("kids", z, text)
sc.flush(list(texts), "fault")
sc.phase("fault", 45, "rsa8.de. names: expired signatures; ed15.de. names: not-yet-valid signatures",
         {"unbound": {"clients_fail": True, "ede": [7, 8]}, "bind": {"clients_fail": True, "ede": [7, 8]}})
sc.serial += 1
texts = {"rsa8.de.": sc.sign_kid("rsa8.de."), "ed15.de.": sc.sign_kid("ed15.de.")}
t_x = lab.event("fix: both zones re-signed with the right clock")
for z, text in texts.items():
    lab.reload_zone("kids", z, text)
sc.flush(list(texts), "fix", fix=True)
sc.phase("fixed", 35, "everything validates again", ok)
sc.fault = dict(kind="signer-clock", start=tsnap(t_f), fix=tsnap(t_x), zones=["rsa8.de.", "ed15.de."],
                names=["rsa8.de.", "www.rsa8.de.", "big.rsa8.de.", "nx-*.rsa8.de.",
                       "ed15.de.", "www.ed15.de.", "big.ed15.de.", "nx-*.ed15.de."],
                key_tags=dict(published={"rsa8.de.": [sc.keys["rsa8-ksk"].tag, sc.keys["rsa8-zsk"].tag],
                                         "ed15.de.": [sc.keys["ed15-ksk"].tag, sc.keys["ed15-zsk"].tag]},
                              signing={"rsa8.de.": [sc.keys["rsa8-ksk"].tag, sc.keys["rsa8-zsk"].tag],
                                       "ed15.de.": [sc.keys["ed15-ksk"].tag, sc.keys["ed15-zsk"].tag]}),
                validity={"rsa8.de.": dict(inception=tsnap(behind[0]), expiration=tsnap(behind[1]),
                                           clock_error_days=-30),
                          "ed15.de.": dict(inception=tsnap(ahead[0]), expiration=tsnap(ahead[1]),
                                           clock_error_days=30)},
                bogus_rrsets=[dict(zone="rsa8.de.", owner="*", type="all", why="signature expired", expected_ede=7),
                              dict(zone="ed15.de.", owner="*", type="all", why="signature not yet valid",
                                   expected_ede=8)])
sc.finish()
