"""The openleadr (PyPI) VTN, for the side-by-side benchmark in `make bench`:
plain HTTP on 127.0.0.1, accepts every registration and queues one SIMPLE
event for each VEN. (openleadr's VTN knows VENs by venID; no certificates.)

Usage: openleadr_vtn.py PORT
"""
import asyncio
import sys
from datetime import datetime, timedelta, timezone

from openleadr import OpenADRServer

server = OpenADRServer(vtn_id="openleadr-vtn", http_port=int(sys.argv[1]), http_host="127.0.0.1",
                       requested_poll_freq=timedelta(seconds=10), show_fingerprint=False)


async def on_answer(ven_id, event_id, opt_type):
    pass


async def on_create_party_registration(registration_info):
    name = registration_info["ven_name"]
    ven_id = f"ven-{name}"
    server.add_event(ven_id=ven_id, signal_name="simple", signal_type="level",
                     intervals=[{"dtstart": datetime.now(timezone.utc) + timedelta(hours=1),
                                 "duration": timedelta(hours=1), "signal_payload": 1.0}],
                     callback=on_answer)
    return ven_id, f"reg-{name}"


async def on_register_report(ven_id, resource_id, measurement, unit, scale, min_sampling_interval,
                             max_sampling_interval):
    return None


server.add_handler("on_create_party_registration", on_create_party_registration)
server.add_handler("on_register_report", on_register_report)


async def main():
    await server.run()
    while True:
        await asyncio.sleep(3600)


asyncio.run(main())
