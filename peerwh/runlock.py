"""One run at a time: `peerwh run` holds `<warehouse>/run.lock` for as long as it runs.

The lock is an advisory `flock` on the file, so the system releases it when the process ends,
however it ends (a run killed with signal 9 leaves no stale lock). The file says which run holds
it (pid, host, start time), for the message a second run gives before it stops.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "run.lock"


class WarehouseBusy(Exception):
    """Another run holds the warehouse; the message names it."""


def holder(warehouse_dir: Path) -> str:
    """Who holds (or last held) the warehouse, as the lock file says."""
    try:
        return (warehouse_dir / LOCK_FILE).read_text().strip()
    except OSError:
        return ""


@contextmanager
def run_lock(warehouse_dir: Path) -> Iterator[None]:
    """Hold the warehouse for one run; raise WarehouseBusy, touching nothing, if another does."""
    path = warehouse_dir / LOCK_FILE
    if not warehouse_dir.is_dir():
        warehouse_dir.mkdir(parents=True)  # a first run: nobody else can hold it yet
    # O_CLOEXEC (Python's default): a child left behind by a killed run cannot keep the lock.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        who = holder(warehouse_dir) or "a run that has not yet said which"
        raise WarehouseBusy(
            f"the warehouse {warehouse_dir} is in use by another run ({who}); nothing was "
            "touched. Wait for that run to end, or stop it (kill the process group: "
            "kill -TERM -<pid>), then run again."
        ) from None
    try:
        started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(
            fd, f"pid {os.getpid()} on {socket.gethostname()}, started {started}\n".encode(), 0
        )
        yield
    finally:
        os.close(fd)
