"""Runs Carbon Co-op's pyoadr-ven (PyPI, as shipped) against the VTN, for the
interoperability tests: registers by VEN name with its pre-provisioned venID,
then ticks (polls, answers events, sends its TELEMETRY_USAGE report) until
killed.

pyoadr-ven verifies the server with requests' CA bundle, not with its
vtn_ca_cert argument, so the test sets REQUESTS_CA_BUNDLE to the VTN's CA.

Usage: run_pyoadr_ven.py URL VEN_ID VEN_NAME PEM_BUNDLE CA
"""
import sys
import time
from datetime import datetime, timedelta

from pony import orm
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
    # A TELEMETRY_USAGE report of measured and baseline power, as Carbon Co-op configures it.
    report_parameters={
        "telemetry": {
            "report_name_metadata": "METADATA_TELEMETRY_USAGE",
            "report_interval_secs_default": 5,
            "telemetry_parameters": {
                "power": {"r_id": "actual_power", "units": "powerReal", "min_frequency": 30, "max_frequency": 60,
                          "report_type": "usage", "reading_type": "Direct Read", "method_name": "power"},
                "baseline": {"r_id": "baseline_power", "units": "powerReal", "min_frequency": 30, "max_frequency": 60,
                             "report_type": "baseline", "reading_type": "Projected", "method_name": "baseline"},
            },
        }
    },
)
agent.register(VEN_NAME)
minute = 0
while True:
    try:
        # Its meter: one minute of readings per tick (1500, 1501, … W; baseline 2000 W).
        with orm.db_session:
            start = datetime.utcnow().replace(second=0, microsecond=0) + timedelta(minutes=minute)
            agent.add_telemetry_json("telemetry", {"power": 1500.0 + minute, "baseline": 2000.0},
                                     start_time=start, end_time=start + timedelta(minutes=1))
        minute += 1
        agent.tick()
    except Exception as error:  # keep running like a field VEN would; the test reads the VTN's state
        print(f"tick failed: {error!r}", file=sys.stderr, flush=True)
    time.sleep(0.5)
