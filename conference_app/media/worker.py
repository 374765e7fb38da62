"""Image and PDF processing in worker processes, so no conference waits for an upload.

Decoding a 12-megapixel photo or drawing PDF pages takes seconds of CPU and can take hundreds of
megabytes; on the server's event loop that froze every live conference. Uploads are processed by a
small pool of long-lived worker processes (`python -m conference_app.media.worker`), each:
- running at a lower priority than the server (`nice`), so slide changes go first on a busy machine;
- with a memory ceiling (`MEDIA_WORKER_MEMORY_MB`, address space) and a CPU-time limit, so one hostile
  file cannot take the machine: past them the upload is refused with a clear message and the worker
  is replaced;
- taking one job at a time: a JSON line on stdin (the stored upload), a JSON line back on stdout (the
  files it wrote, or why the upload was refused).
At most `MEDIA_WORKERS` run per server process; further uploads wait their turn, cooperatively (under
gevent, waiting for a worker blocks only that request's greenlet).
"""
from flask_babel import lazy_gettext as _l
import atexit
import json
import os
import queue
import resource
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from . import pipeline

CPU_SECONDS = 300  # per worker process; it is replaced after JOBS_PER_WORKER jobs
JOB_SECONDS = 180
JOBS_PER_WORKER = 50
TOO_BIG = (_l("This file needs more memory or time to process than the school's server allows. "
           "Try a smaller file or fewer pages."))


class _Worker:
    def __init__(self, memory_mb: int):
        self.proc = subprocess.Popen([sys.executable, "-m", "conference_app.media.worker", str(memory_mb)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.jobs = 0

    def ask(self, job: dict) -> dict | None:
        """The worker's answer, or None if it died, hung or broke its limits (it is then stopped)."""
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.flush()
            with selectors.DefaultSelector() as waiting:  # not select(): a server has fds past 1,024
                waiting.register(self.proc.stdout, selectors.EVENT_READ)
                ready = waiting.select(JOB_SECONDS)
            line = self.proc.stdout.readline() if ready else b""
            self.jobs += 1
            return json.loads(line) if line else None
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class Pool:
    """Up to `size` workers, started when first needed and replaced when they fail or grow old."""

    def __init__(self, size: int, memory_mb: int):
        self.size, self.memory_mb = size, memory_mb
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.started = 0
        self.lock = threading.Lock()

    def _take(self) -> _Worker:
        with self.lock:
            if self.idle.empty() and self.started < self.size:
                self.started += 1
                return _Worker(self.memory_mb)
        worker = self.idle.get()  # a free worker, or None: the place of one that was stopped
        return worker or _Worker(self.memory_mb)

    def run(self, job: dict) -> dict | None:
        worker = self._take()
        answer = worker.ask(job)
        if answer is None or answer.pop("restart", False) or worker.jobs >= JOBS_PER_WORKER:
            worker.stop()
            self.idle.put(None)
        else:
            self.idle.put(worker)
        return answer

    def close(self) -> None:
        """Stop the idle workers (at exit; a busy one ends when its pipe closes)."""
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return
            if worker is not None:
                worker.stop()


_pools: dict[tuple[int, int], Pool] = {}
_pools_lock = threading.Lock()


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        try:
            pool.close()
        except Exception:  # (the process is ending; its workers end with their pipes)
            pass


def _pool(size: int, memory_mb: int) -> Pool:
    with _pools_lock:
        key = (size, memory_mb)
        if key not in _pools:
            _pools[key] = Pool(size, memory_mb)
        return _pools[key]


def process(raw: Path, target: Path, folder: str, memory_mb: int, workers: int) -> pipeline.Ingested:
    """Process one stored upload in a worker; raises pipeline.Rejected as the pipeline does."""
    answer = _pool(workers, memory_mb).run({"raw": str(raw), "target": str(target), "folder": folder})
    if answer is None:
        raise pipeline.Rejected(TOO_BIG, 413)
    if "rejected" in answer:
        raise pipeline.Rejected(answer["rejected"], answer["status"])
    answer.pop("cpu_s", None)
    files = [pipeline.StoredFile(**f) for f in answer.pop("files")]
    return pipeline.Ingested(files=files, **answer)


def _answer(job: dict) -> dict:
    try:
        return asdict(pipeline.process(Path(job["raw"]), Path(job["target"]), job["folder"]))
    except pipeline.Rejected as e:
        return {"rejected": str(e), "status": e.status}
    except MemoryError:
        return {"rejected": TOO_BIG, "status": 413, "restart": True}
    except OSError as e:
        if e.errno in pipeline.STORAGE_ERRORS:
            return {"rejected": pipeline.NOT_STORED, "status": 507}
        raise


def main(memory_mb: int) -> None:
    os.nice(10)
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    for line in sys.stdin:  # one job per line, until the server closes the pipe
        started = time.process_time()
        answer = _answer(json.loads(line))
        answer["cpu_s"] = round(time.process_time() - started, 3)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]))
