"""Runs Carbon Co-op's pyoadr-ven (PyPI, as shipped) against the VTN, for the
interoperability tests: registers by VEN name with its pre-provisioned venID,
then ticks (polls, answers events) until killed.

pyoadr-ven verifies the server with requests' CA bundle, not with its
vtn_ca_cert argument, so the test sets REQUESTS_CA_BUNDLE to the VTN's CA.

Usage: run_pyoadr_ven.py URL VEN_ID VEN_NAME PEM_BUNDLE CA
"""
import sys
import time

from pyoadr_ven import OpenADRVenAgent

URL, VEN_ID, VEN_NAME, BUNDLE, CA = sys.argv[1:6]

agent = OpenADRVenAgent(
    ven_id=VEN_ID,
    vtn_id="openadr-vtn",
    vtn_address=URL,
    client_pem_bundle=BUNDLE,
    vtn_ca_cert=CA,
    poll_interval_secs=6,
    opt_timeout_secs=1,
)
agent.register(VEN_NAME)
while True:
    try:
        agent.tick()
    except Exception as error:  # keep running like a field VEN would; the test reads the VTN's state
        print(f"tick failed: {error!r}", file=sys.stderr, flush=True)
    time.sleep(0.5)
