"""Issue-4 benchmark: our Python server vs a minimal Node.js Socket.IO peer.

One command, e.g. from the repo root:

    .venv/bin/python bench/run.py                      # 1000 followers, 250 conferences
    .venv/bin/python bench/run.py --quick              # 100 followers, 25 conferences (CI)
    .venv/bin/python bench/run.py --layout production --database-url postgresql+psycopg://... # nginx, 2 processes vs 1

It installs the Node parts (npm ci), starts each server itself on a free port
(our app under gevent's production WSGI server, the peer under node), seeds
it, runs the `burst` and `staggered` scenarios against both with the same
generator, prints a table and one JSON line per scenario, and stops every
process it started. Every step has a timeout.

With --layout production the targets are the production layout instead (bench/production.py): nginx
in front of two `serve` processes on PostgreSQL and Redis, then the same with one process, and the
JSON lines compare them.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import production

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER_DIR = BENCH / "peer"
GEN_DIR = BENCH / "gen"

# The server under test: the real app, seeded into a fresh SQLite database in the run's temporary
# folder and served by its production command. {python}, {bin}, {seed}, {port}, {conferences} and
# {slides} are filled in.
DEFAULT_APP_SEED = "{python} bench/seed.py --conferences {conferences} --slides {slides} --out {seed}"
DEFAULT_APP_SERVE = "{bin}/conference-app serve --host 127.0.0.1 --port {port}"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Showcase live-slide benchmark (issue 4)")
    p.add_argument("--followers", type=int, default=1000)
    p.add_argument("--conferences", type=int, default=250)
    p.add_argument("--advances", type=int, default=10, help="K: advances per presenter per scenario")
    p.add_argument("--slides", type=int, default=40)
    p.add_argument("--warmup", type=int, default=1, help="unmeasured rounds before the K advances")
    p.add_argument("--quick", action="store_true", help="CI size: 100 followers in 25 conferences, 5 advances")
    p.add_argument("--scenarios", default="burst,staggered,during_uploads,during_feedback,join_storm,mass_leave",
                   help="during_*: the app only, staggered slide changes under extra load, against the same "
                        "run's unloaded staggered p95; join_storm and mass_leave run last, together")
    p.add_argument("--storm-phones", type=int, default=1000, help="join_storm: new phones joining")
    p.add_argument("--database-url", help="run the app on this database (e.g. postgresql+psycopg://postgres@"
                                          "127.0.0.1:5432/bench; its public schema is dropped first), not SQLite")
    p.add_argument("--storm-window", type=float, default=10, help="join_storm: seconds over which they start")
    p.add_argument("--uploads", type=int, default=20, help="during_uploads: 12-MP photos uploaded at once")
    p.add_argument("--feedback-phones", type=int, default=300, help="during_feedback: phones sending at once")
    p.add_argument("--targets", help="comma list of app, peer, nginx-N (the production layout with N processes); "
                                     "default app,peer, or nginx-2,nginx-1 with --layout production")
    p.add_argument("--layout", choices=("direct", "production"), default="direct",
                   help="production: nginx in front of two `serve` processes against one, on PostgreSQL "
                        "(--database-url) and Redis (--redis-url)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                   help="the production layout's message queue and rate limits")
    p.add_argument("--app-seed", default=DEFAULT_APP_SEED)
    p.add_argument("--app-serve", default=DEFAULT_APP_SERVE)
    p.add_argument("--app-args", default="", help="extra arguments appended to --app-serve")
    p.add_argument("--gen-nice", type=int, default=0, help="run the generator with this niceness")
    p.add_argument("--gen-client", choices=("raw", "socket.io-client"), default="raw",
                   help="raw: Engine.IO/Socket.IO frames over bare ws (light); socket.io-client: the library")
    p.add_argument("--wave", type=int, default=50, help="connections opened at once")
    p.add_argument("--repeat", type=int, default=1,
                   help="run app and peer alternately this many times; report medians (shared machines are noisy)")
    p.add_argument("--no-install", action="store_true", help="skip npm ci")
    p.add_argument("--timeout", type=int, default=300, help="seconds allowed per generator run")
    p.add_argument("--json-out", help="also write the JSON lines to this file")
    a = p.parse_args(argv)
    if a.quick:
        a.followers, a.conferences, a.advances = 100, 25, 5
    a.targets = (a.targets or ("nginx-2,nginx-1" if a.layout == "production" else "app,peer")).split(",")
    if any(t.startswith("nginx-") for t in a.targets) and not (a.database_url or "").startswith("postgresql"):
        p.error("the production layout runs on PostgreSQL: give --database-url postgresql+psycopg://...")
    return a


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def npm_ci(d: Path):
    lock = d / "package-lock.json"
    stamp = d / "node_modules" / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    log(f"npm ci in {d.relative_to(ROOT)}")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=d, check=True, timeout=300)


def wait_port(port, proc, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


def tree(pid):
    """A process and its descendants (`serve` is gunicorn and its worker; nginx, its workers)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return pids


def cpu_s(pid):
    """CPU seconds (user + system) used so far by a process and its descendants."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


class MemWatch:
    """Peak resident memory of processes and their descendants (VmHWM, MB)."""

    def __init__(self, pids):
        self.pids = pids
        self.hwm = {}  # pid -> kB
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def sample(self):
        for p in (p for pid in self.pids for p in tree(pid)):
            try:
                with open(f"/proc/{p}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            self.hwm[p] = max(self.hwm.get(p, 0), kb)
            except OSError:
                pass

    def _run(self):
        while not self._stop.wait(0.2):
            self.sample()

    def stop(self):
        self.sample()
        self._stop.set()
        self._t.join()
        return round(sum(self.hwm.values()) / 1024, 1)


def cpu_stall_us():
    """Total µs some task waited for a CPU (PSI), or None where PSI is absent."""
    try:
        with open("/proc/pressure/cpu") as f:
            return int(f.readline().rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def start(cmd, log_path, env=None):
    """A process in its own group (stop() ends it with its children), in the repo, its output in log_path."""
    log(f"start: {cmd}")
    with open(log_path, "w") as out:
        return subprocess.Popen(cmd if isinstance(cmd, list) else shlex.split(cmd), cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def fresh_database(url: str, tmp: Path) -> None:
    """An empty database: the SQLite file removed, or PostgreSQL's public schema dropped and made again."""
    if url.startswith("sqlite"):
        for f in tmp.glob("bench.db*"):
            f.unlink()
        return
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["psql", dsn, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True,
                   timeout=60, capture_output=True)


def upload_files(tmp: Path, photos: int) -> list[str]:
    """`photos` different 12-megapixel JPEGs, as a phone takes them, and a PDF with a 595 x 100,000 pt page."""
    import pypdfium2 as pdfium
    from PIL import Image

    files = []
    for i in range(photos):
        path = tmp / f"photo-{i}.jpg"
        if not path.exists():
            base = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
            noise = Image.effect_noise((4000, 3000), 40 + i).convert("RGB")
            Image.blend(base, noise, 0.3).save(path, "JPEG", quality=88)
        files.append(str(path))
    tall = tmp / "tall.pdf"
    if not tall.exists():
        doc = pdfium.PdfDocument.new()
        doc.new_page(595, 100_000)
        doc.save(str(tall))
    return files + [str(tall)]


# The app's limits for the run: sized for 1,250 joins and sign-ins within a few seconds (a real school's
# come over minutes).
APP_LIMITS = dict(JOIN_RATE_LIMIT="100000 per minute", LOGIN_RATE_LIMIT="100000 per minute",
                  LOGIN_RATE_LIMIT_PER_ADDRESS="100000 per minute")


def seed_app(a, fill, env, tmp):
    """A fresh database (one for every run: --repeat), seeded by --app-seed; the generator's seed list."""
    fresh_database(env["DATABASE_URL"], tmp)
    subprocess.run(shlex.split(a.app_seed.format(**fill)), cwd=ROOT, env=env, check=True, timeout=300)
    return json.loads(Path(fill["seed"]).read_text())


@contextmanager
def serving(target, a, tmp):
    """Seed a target and start its servers; yield what the generator needs (url, seed, the processes to
    measure, its environment); stop them all."""
    port = free_port()
    fill = dict(python=shlex.quote(sys.executable), bin=shlex.quote(str(Path(sys.executable).parent)),
                seed=tmp / f"seed-{target}.json", port=port, conferences=a.conferences, slides=a.slides)
    served = dict(url=f"http://127.0.0.1:{port}", log=tmp / f"server-{target}.log", nginx=None, stack=None,
                  gen_env=None)
    if target.startswith("nginx-"):
        # the production layout (bench/production.py), each run in a folder of its own
        n = int(target.removeprefix("nginx-"))
        stack = production.Stack(Path(tempfile.mkdtemp(prefix=f"{target}-", dir=tmp)),
                                 [free_port() for _ in range(n)], (free_port(), free_port()), a.database_url,
                                 a.redis_url, APP_LIMITS)
        seed = seed_app(a, fill, stack.render(), tmp)
        try:
            stack.start(start)
            wait_port(stack.https_port, stack.nginx)
            yield dict(served, url=stack.url, seed=seed, procs=stack.apps, nginx=stack.nginx, stack=stack,
                       log=stack.base, gen_env={**os.environ, "NODE_EXTRA_CA_CERTS": str(stack.cert)})
        finally:
            for proc in [stack.nginx, *stack.apps]:
                if proc:
                    stop(proc)
        return
    if target == "app":
        env = {**os.environ, "DATABASE_URL": a.database_url or f"sqlite:///{tmp / 'bench.db'}",
               "MEDIA_ROOT": str(tmp / "media"), "SECRET_KEY": "bench", **APP_LIMITS}
        seed = seed_app(a, fill, env, tmp)
        cmd = a.app_serve.format(**fill) + (" " + a.app_args if a.app_args else "")
    else:
        env, seed = None, [{"conference": i + 1, "code": f"P{i + 1:05d}"} for i in range(a.conferences)]
        cmd = ["node", str(PEER_DIR / "server.js"), str(port)]
    proc = start(cmd, served["log"], env)
    try:
        wait_port(port, proc)
        yield dict(served, seed=seed, procs=[proc])
    finally:
        stop(proc)


def run_target(target, a, tmp):
    """Start one target's servers, seed them, run the generator against them, stop them."""
    with serving(target, a, tmp) as served:
        procs = served["procs"]
        mem = MemWatch([p.pid for p in procs])
        scenarios = [sc for sc in a.scenarios.split(",") if (target != "peer" or not sc.startswith("during_"))
                     and sc not in ("join_storm", "mass_leave")]
        cfg = dict(target="peer" if target == "peer" else "app", url=served["url"], seed=served["seed"],
                   followers=a.followers, advances=a.advances, scenarios=scenarios, slides=a.slides,
                   upload_files=upload_files(tmp, a.uploads), feedback_phones=a.feedback_phones,
                   storm="join_storm" in a.scenarios.split(","), storm_phones=a.storm_phones,
                   storm_window_ms=int(a.storm_window * 1000), wave=a.wave, deadline_s=a.timeout - 10,
                   server_pids=[p.pid for p in procs], nginx_pids=[served["nginx"].pid] if served["nginx"] else [],
                   client=a.gen_client, warmup=a.warmup)
        cfg_path = tmp / f"gen-{target}.json"
        cfg_path.write_text(json.dumps(cfg))
        gen_cmd = ["node", str(GEN_DIR / "gen.js"), str(cfg_path)]
        if a.gen_nice:
            gen_cmd = ["nice", "-n", str(a.gen_nice)] + gen_cmd
        stall0, t0, cpu0 = cpu_stall_us(), time.monotonic(), [cpu_s(p.pid) for p in procs]
        res = subprocess.run(gen_cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=a.timeout,
                             env=served["gen_env"])
        stall1, t1, cpu1 = cpu_stall_us(), time.monotonic(), [cpu_s(p.pid) for p in procs]
        peak = mem.stop()
        results = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
        if res.returncode != 0:
            log(f"generator for {target} exited {res.returncode}; server log: {served['log']}")
        for r in results:
            r["target"] = target
            r["peak_rss_mb"] = peak
            # share of the run during which something on the machine waited for a CPU
            r["cpu_pressure_pct"] = (round((stall1 - stall0) / 1e4 / (t1 - t0), 1)
                                     if stall0 is not None and stall1 is not None else None)
            if served["stack"]:
                # how nginx spread the phones: join forms posted to each process, its CPU over the whole run
                r["joins_per_process"] = served["stack"].joins()
                r["cpu_s_per_process"] = [round(b - a, 1) for a, b in zip(cpu0, cpu1)]
        for p in procs:
            if p.poll() is not None:
                log(f"{target} server died (exit {p.returncode}); log: {served['log']}")
        return results


def merge(rs):
    """One row from repeated runs: medians of the latencies, sums of the misses."""
    if len(rs) == 1:
        return rs[0]
    out = dict(rs[0])
    for k in ("p50_ms", "p95_ms", "p99_ms", "p95_round_median_ms", "cpu_pressure_pct", "server_cpu_ms_per_advance",
              "gen_cpu_ms_per_advance", "cpu_s", "cpu_ms_per_join", "unloaded_p95_ms", "ratio_p95"):
        values = [r[k] for r in rs if r.get(k) is not None]
        if values:
            out[k] = round(statistics.median(values), 2)
    out["max_ms"] = max(r["max_ms"] for r in rs if r.get("max_ms") is not None)
    for k in ("missed", "missed_followers", "out_of_order", "wrong_payload", "disconnected", "samples", "expected",
              "errors"):
        if k in rs[0]:
            out[k] = sum(r[k] for r in rs)
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rs)
    out["p95_runs"] = [r["p95_ms"] for r in rs]
    out["repeats"] = len(rs)
    return out


def layout_lines(results):
    """One JSON line per scenario: two processes behind nginx, against one behind it (`one_`: the
    production layout, message queue included) and, when run too, one without nginx or message queue
    (`direct_`, target `app`). `ratio_p95_one_to_two`: how many times lower the p95 is with two processes
    (the issue asks for 1.6 at the storm)."""
    keys = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "missed", "out_of_order", "errors", "joined", "cpu_s",
            "cpu_ms_per_join", "nginx_cpu_s", "server_cpu_ms_per_advance", "nginx_cpu_ms_per_advance",
            "unloaded_p95_ms", "peak_rss_mb", "first_errors")
    lines = []
    for sc, two in results["nginx-2"].items():
        line = {"scenario": sc, "layout": "production", "processes": 2, **{k: two[k] for k in keys if k in two},
                "joins_per_process": two.get("joins_per_process"), "cpu_s_per_process": two.get("cpu_s_per_process")}
        for target, name in (("nginx-1", "one"), ("app", "direct")):
            other = results.get(target, {}).get(sc)
            if other:
                line.update({f"{name}_{k}": other[k] for k in keys if k in other})
                line[f"ratio_p95_{name}_to_two"] = (round(other["p95_ms"] / two["p95_ms"], 2)
                                                    if other.get("p95_ms") and two.get("p95_ms") else None)
        lines.append(json.dumps(line))
    return lines


def table(rows):
    cols = ["target", "scenario", "followers", "conferences", "p50_ms", "p95_ms", "p99_ms", "max_ms",
            "p95_round_median_ms",
            "missed", "out_of_order", "peak_rss_mb", "server_cpu_ms_per_advance", "gen_cpu_ms_per_advance",
            "nginx_cpu_ms_per_advance", "cpu_pressure_pct", "p95_runs", "joins_per_process"]
    widths = [max([len(c)] + [len(str(r.get(c))) for r in rows]) for c in cols]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(str(r.get(c)).ljust(w) for c, w in zip(cols, widths)))
    return "\n".join(out)


def main(argv=None):
    a = parse_args(argv)
    if not a.no_install:
        npm_ci(PEER_DIR)
        npm_ci(GEN_DIR)
    targets = a.targets
    with tempfile.TemporaryDirectory(prefix="showcase-bench-") as d:
        tmp = Path(d)
        runs = {t: {} for t in targets}  # target -> scenario -> [result per repeat]
        for _ in range(a.repeat):
            for t in targets:
                for r in run_target(t, a, tmp):
                    runs[t].setdefault(r["scenario"], []).append(r)
        results = {t: {sc: merge(rs) for sc, rs in by_sc.items()} for t, by_sc in runs.items()}
        if os.environ.get("BENCH_KEEP_LOGS"):
            for f in [*tmp.glob("server-*.log"), *tmp.glob("nginx-*/app-*.log")]:
                print(f"--- {f.name}\n{f.read_text()[-3000:]}", file=sys.stderr)
    rows = [r for t in targets for r in results[t].values()]
    print(table(rows))
    lines = layout_lines(results) if "nginx-2" in targets else []
    for sc in a.scenarios.split(",") if not lines else ():
        app, peer = results.get("app", {}).get(sc), results.get("peer", {}).get(sc)
        unloaded = results.get("app", {}).get("staggered")
        if sc in ("join_storm", "mass_leave") and app:
            keys = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "joined", "cpu_s", "cpu_ms_per_join",
                    "unloaded_p95_ms", "left", "first_errors")
            line = {"scenario": sc, **{k: app[k] for k in keys if k in app}}
            if peer:
                line.update(peer_p95_ms=peer.get("p95_ms"), peer_cpu_s=peer.get("cpu_s"),
                            peer_errors=peer.get("errors"),
                            ratio_p95=round(app["p95_ms"] / peer["p95_ms"], 2) if peer.get("p95_ms") else None,
                            ratio_cpu=round(app["cpu_s"] / peer["cpu_s"], 2) if peer.get("cpu_s") else None)
            if sc == "mass_leave":
                line["ratio_p95_to_unloaded"] = app.get("ratio_p95")
            lines.append(json.dumps(line))
            continue
        if sc.startswith("during_") and app:
            lines.append(json.dumps({
                "scenario": sc, "followers": app["followers"], "conferences": app["conferences"],
                "p50_ms": app["p50_ms"], "p95_ms": app["p95_ms"], "max_ms": app["max_ms"],
                "unloaded_p95_ms": unloaded["p95_ms"] if unloaded else None,
                "ratio_p95": round(app["p95_ms"] / unloaded["p95_ms"], 2) if unloaded and unloaded["p95_ms"] else None,
                "missed": app["missed"], "out_of_order": app["out_of_order"],
                "server_cpu_ms_per_advance": app["server_cpu_ms_per_advance"],
                "load": app.get("load"), "load_ms": app.get("load_ms"), "load_statuses": app.get("load_statuses"),
                "load_error": app.get("error"), "round_p95_ms": app.get("round_p95_ms"),
                "gen_loop_delay_max_ms": app.get("gen_loop_delay_max_ms"),
                "unloaded_gen_loop_delay_max_ms": unloaded.get("gen_loop_delay_max_ms") if unloaded else None,
                "repeats": a.repeat}))
            continue
        main_r = app or peer
        if not main_r:
            continue
        line = {
            "scenario": sc,
            "followers": main_r["followers"],
            "conferences": main_r["conferences"],
            "advances": main_r["advances"],
            "p50_ms": main_r["p50_ms"],
            "p95_ms": main_r["p95_ms"],
            "p99_ms": main_r["p99_ms"],
            "missed": main_r["missed"],
            "out_of_order": main_r["out_of_order"],
            "peak_rss_mb": main_r["peak_rss_mb"],
            "server_cpu_ms_per_advance": main_r["server_cpu_ms_per_advance"],
            "peer_server_cpu_ms_per_advance": peer["server_cpu_ms_per_advance"] if peer else None,
            "repeats": a.repeat,
            "p95_round_median_ms": main_r["p95_round_median_ms"],
            "peer_p95_ms": peer["p95_ms"] if peer else None,
            "peer_p95_round_median_ms": peer["p95_round_median_ms"] if peer else None,
            "peer_peak_rss_mb": peer["peak_rss_mb"] if peer else None,
            "ratio_p95": round(app["p95_ms"] / peer["p95_ms"], 2) if app and peer and peer["p95_ms"] else None,
            "ratio_p95_round_median": (round(app["p95_round_median_ms"] / peer["p95_round_median_ms"], 2)
                                       if app and peer and peer["p95_round_median_ms"] else None),
            "ratio_server_cpu": (round(app["server_cpu_ms_per_advance"] / peer["server_cpu_ms_per_advance"], 2)
                                 if app and peer and peer["server_cpu_ms_per_advance"] else None),
            "max_ms": main_r["max_ms"],
        }
        lines.append(json.dumps(line))
    print("\n".join(lines))
    if a.json_out:
        Path(a.json_out).write_text("\n".join(lines) + "\n")
    ok = all(r.get("missed", 0) == 0 and r.get("out_of_order", 0) == 0 and r.get("errors", 0) == 0 for r in rows)
    spread = all(all(r.get("joins_per_process", [1])) for r in rows)
    if not spread:
        log("a process of the production layout got no phones: nginx did not spread them")
    return 0 if ok and spread else 1


if __name__ == "__main__":
    sys.exit(main())
