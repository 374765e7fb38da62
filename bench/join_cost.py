"""The server's CPU for one phone joining, with nothing else going on: the join page, the join form,
Socket.IO and the first slide, then leaving, N phones one after another, against `conference-app serve`.

    .venv/bin/python bench/join_cost.py --phones 300

Prints one JSON line: CPU milliseconds per join (the page, the join, the socket up to the first slide) and
for leaving. A quick,
steady figure to compare changes with; the join storm (`bench/run.py --scenarios join_storm`) is the
measure under load.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU of a process and its children (the gunicorn worker), from /proc."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def children(pid: int) -> list[int]:
    out = []
    for kid in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        out += [int(kid), *children(int(kid))]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phones", type=int, default=300)
    p.add_argument("--conferences", type=int, default=10)
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="join-cost-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "join-cost",
           "DATA_DIR": str(tmp / "data")}
    seed = tmp / "seed.json"
    bin_dir = Path(sys.executable).parent
    subprocess.run([sys.executable, "bench/seed.py", "--conferences", str(a.conferences), "--slides", "20",
                    "--out", str(seed)], cwd=ROOT, env=env, check=True)
    conferences = json.loads(seed.read_text())
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "conference-app"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        steps = {"page": 0.0, "join": 0.0, "socket": 0.0, "leave": 0.0}
        headers = {"Accept-Encoding": "gzip, deflate, br"}
        for n in range(a.phones + 20):  # the first 20 warm up
            conference = conferences[n % len(conferences)]
            http = requests.Session()
            marks = [cpu_seconds(server.pid)]
            page = http.get(f"{base}/j/{conference['code']}", headers=headers)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
            marks.append(cpu_seconds(server.pid))
            joined = http.post(f"{base}/j/{conference['code']}", headers=headers,
                               data={"csrf_token": token, "name": f"Phone {n}", "role": "family"})
            assert joined.status_code == 200, joined.status_code
            marks.append(cpu_seconds(server.pid))
            client = socketio.Client(reconnection=False)
            first = []
            client.on("slide", first.append)
            client.connect(base, transports=["websocket"], auth={"conference": conference["conference"]},
                           headers={"Cookie": "; ".join(f"{k}={v}" for k, v in http.cookies.items())})
            client.call("sync", {})
            assert first, "no slide"
            marks.append(cpu_seconds(server.pid))
            client.disconnect()
            time.sleep(0.3)  # the server's side of leaving (and the presence it stores) is counted as leaving
            marks.append(cpu_seconds(server.pid))
            if n >= 20:
                for step, (before, after) in zip(steps, zip(marks, marks[1:])):
                    steps[step] += after - before
        per = {k: round(1000 * v / a.phones, 2) for k, v in steps.items()}
        joining = per["page"] + per["join"] + per["socket"]
        print(json.dumps({"scenario": "join_cost", "phones": a.phones, "cpu_ms_per_join": round(joining, 2),
                          **{f"{k}_cpu_ms": v for k, v in per.items()}}))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
