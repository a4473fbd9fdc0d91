#!/usr/bin/python3
"""healthy: the whole private tree validates; every resolver answers NOERROR/NXDOMAIN."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from scenario import Scenario

sc = Scenario("healthy", "The private tree with nothing wrong: signed root (RSASHA256, NSEC), de. "
              "(ECDSAP256SHA256, NSEC3) on NSD, Knot and BIND, signed children with algorithms "
              "8, 13 and 15, unsigned children. Every answer validates.", fmt="pcap")
de = sc.build()
sc.fault = {"kind": "none", "start": None, "fix": None, "zones": [], "names": [],
            "key_tags": {"published": {z["zone"]: z.get("dnskey_tags", []) for z in sc.zone_info.values()},
                         "signing": {z["zone"]: z.get("dnskey_tags", []) for z in sc.zone_info.values()}},
            "bogus_rrsets": []}
sc.up(de)
sc.phase("healthy", 40, "everything validates",
         {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}})
sc.finish()
