"""A VEN built on openleadr (PyPI), for the VTN's interoperability tests.

It registers with the VTN, offers a TELEMETRY_USAGE report of one power
point (values 1000, 1001, … W, each recorded as sent), polls, answers every event (optOut when the
event's vtnComment contains "opt-out", optIn otherwise), and appends what it
received to a JSON-lines file, so the test can compare what the VEN saw with
what the VTN stored. The first line is the certificate fingerprint as
openleadr computes it.

Usage: openleadr_ven.py URL VEN_NAME CERT KEY CA OUTPUT
"""
import asyncio
import json
import sys
from datetime import timedelta

from openleadr import OpenADRClient, utils

URL, VEN_NAME, CERT, KEY, CA, OUTPUT = sys.argv[1:7]


def record(entry):
    with open(OUTPUT, "a") as out:
        out.write(json.dumps(entry, default=str) + "\n")


def describe(event):
    descriptor = event["event_descriptor"]
    return {
        "kind": "event",
        "event_id": descriptor["event_id"],
        "modification_number": descriptor["modification_number"],
        "status": descriptor["event_status"],
        "comment": descriptor.get("vtn_comment"),
        "dtstart": event["active_period"]["dtstart"],
        "duration": event["active_period"]["duration"].total_seconds(),
        "signals": [
            {
                "name": signal["signal_name"],
                "type": signal["signal_type"],
                "intervals": [
                    {"dtstart": i.get("dtstart"), "duration": i["duration"].total_seconds(),
                     "value": i["signal_payload"], "uid": i.get("uid")}
                    for i in signal["intervals"]
                ],
            }
            for signal in event["event_signals"]
        ],
    }


async def on_event(event):
    record(describe(event))
    comment = event["event_descriptor"].get("vtn_comment") or ""
    return "optOut" if "opt-out" in comment else "optIn"


SENT = {"count": 0}


def power_reading():
    """The VEN's power meter: 1000, 1001, 1002 … W, each value recorded as sent."""
    value = 1000.0 + SENT["count"]
    SENT["count"] += 1
    record({"kind": "reading", "rid": "power", "value": value})
    return value


async def main():
    with open(CERT, "rb") as f:
        record({"kind": "fingerprint", "value": utils.certificate_fingerprint(f.read())})
    client = OpenADRClient(ven_name=VEN_NAME, vtn_url=URL, cert=CERT, key=KEY, ca_file=CA, show_fingerprint=False)
    client.add_handler("on_event", on_event)
    client.add_handler("on_update_event", on_event)
    client.add_report(callback=power_reading, resource_id="meter-1", measurement="power_real",
                      report_specifier_id="usage", r_id="power", sampling_rate=timedelta(seconds=2))
    await client.run()
    while True:
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main())
