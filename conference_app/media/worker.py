"""Image and PDF processing in a worker process, so no conference waits for an upload.

Decoding a 12-megapixel photo or drawing PDF pages takes seconds of CPU and can take hundreds of
megabytes; on the server's event loop that froze every live conference. Each upload is processed by
a fresh child process (`python -m conference_app.media.worker`) that:
- runs at a lower priority than the server (`nice`), so slide changes go first on a busy machine;
- has a memory ceiling (`MEDIA_WORKER_MEMORY_MB`, address space) and a CPU-time limit, so one
  hostile file cannot take the machine: past them the upload is refused with a clear message;
- answers with JSON on stdout: the files it stored, or why the upload was refused.
At most `MEDIA_WORKERS` children run at once per server process; further uploads wait their turn
(cooperatively: under gevent, waiting for a child blocks only that request's greenlet).
"""
import json
import os
import resource
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

from . import pipeline

CPU_SECONDS = 120
WALL_SECONDS = 300
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slot(workers: int) -> threading.BoundedSemaphore:
    """One semaphore per size (threading's, which gevent makes cooperative in the server)."""
    if workers not in _slots:
        _slots[workers] = threading.BoundedSemaphore(workers)
    return _slots[workers]


def process(raw: Path, target: Path, folder: str, memory_mb: int, workers: int) -> pipeline.Ingested:
    """Process one stored upload in a child process; raises pipeline.Rejected as the pipeline does."""
    command = [sys.executable, "-m", "conference_app.media.worker", str(raw), str(target), folder, str(memory_mb)]
    with _slot(workers):
        try:
            done = subprocess.run(command, capture_output=True, timeout=WALL_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise pipeline.Rejected("This file took too long to process. Try a smaller file or fewer pages.", 422)
    try:
        answer = json.loads(done.stdout.decode() or "null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if done.returncode < 0 or b"MemoryError" in done.stderr:  # killed at a limit, or out of memory
            raise pipeline.Rejected("This file needs more memory or time to process than the school's server "
                                    "allows. Try a smaller file or fewer pages.", 413)
        raise pipeline.Rejected("This file could not be processed. It may be damaged.", 422)
    if "rejected" in answer:
        raise pipeline.Rejected(answer["rejected"], answer["status"])
    files = [pipeline.StoredFile(**f) for f in answer.pop("files")]
    return pipeline.Ingested(files=files, **answer)


def off_loop(call, *args):
    """Run a blocking call (a file copy) in gevent's thread pool when serving with gevent, else here."""
    from gevent import get_hub, monkey

    if monkey.is_module_patched("socket"):
        return get_hub().threadpool.apply(call, args)
    return call(*args)


def _limit(memory_mb: int) -> None:
    os.nice(10)
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))


def main(argv: list[str]) -> int:
    raw, target, folder, memory_mb = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    _limit(memory_mb)
    try:
        result = pipeline.process(raw, target, folder)
        answer = asdict(result)
    except pipeline.Rejected as e:
        answer = {"rejected": str(e), "status": e.status}
    except MemoryError:
        answer = {"rejected": "This file needs more memory to process than the school's server allows. "
                              "Try a smaller file or fewer pages.", "status": 413}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
