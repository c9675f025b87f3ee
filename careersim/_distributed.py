"""Running a summary's tasks on a ``dask.distributed`` cluster.

:func:`careersim.simulate_summary` cuts a run into tasks of whole blocks of worlds; every
task is a pure function of its arguments (the seed travels inside them), so it can run on
any worker of any machine. Results are merged on the client *in task order*, exactly as a
local run merges them, so a run on a cluster is bit-identical to the same run here.

Only a bounded number of tasks is in flight at once (a few per worker thread), so the
client's memory does not grow with the number of worlds either.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ._params import ArgumentError, short_repr


def check_client(client: Any) -> Any:
    """``client`` if it looks like a ``dask.distributed.Client``, else an :class:`ArgumentError`."""
    if not all(hasattr(client, name) for name in ("submit", "gather", "nthreads")):
        raise ArgumentError(f"client = {short_repr(client)}: must be a dask.distributed.Client (or None to run on this machine)")
    return client


def client_threads(client: Any) -> int:
    """Worker threads the cluster has now (at least 1: a cluster still starting gets work later)."""
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # a scheduler that does not answer yet
        return 1


def ordered_on_client(client: Any, fn: Callable[[Any], Any], tasks: Iterable[Any], *, ahead: int | None = None) -> Iterator[Any]:
    """``map(fn, tasks)`` on the cluster, results yielded in task order.

    At most ``ahead`` tasks (default: three per worker thread) are submitted and not yet
    consumed, so a run of billions of worlds lists nothing up front. Each finished future is
    released as soon as its result is read.
    """
    ahead = max(1, ahead if ahead is not None else 3 * client_threads(client))
    pending: collections.deque = collections.deque()
    try:
        for task in tasks:
            pending.append(client.submit(fn, task, pure=False))
            if len(pending) >= ahead:
                future = pending.popleft()
                yield future.result()
                future.release()
        while pending:
            future = pending.popleft()
            yield future.result()
            future.release()
    finally:
        for future in pending:  # an error or an abandoned run: cancel what has not run
            future.cancel()


def connect(address: str) -> Any:
    """A ``dask.distributed.Client`` connected to the scheduler at ``address`` (``tcp://host:8786``)."""
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - an install without the analysis extra
        raise ArgumentError("--scheduler needs dask.distributed: pip install 'careersim[analysis]'") from err
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port
    from distributed.comm.registry import get_backend

    # the address's form first, by dask's own parsers: a Client made for a malformed one
    # fails on its event loop's thread, and its teardown could hang this one
    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except (ValueError, TypeError) as err:  # not an address: no port, an unknown protocol
        raise ArgumentError(f"--scheduler {address!r}: not a scheduler address ({err}); give one as the scheduler prints it, "
                            "e.g. tcp://10.0.0.5:8786 (protocol://host:port)") from None
    try:
        return Client(address, timeout="30s")
    except (OSError, TimeoutError) as err:
        raise ArgumentError(f"--scheduler {address}: no Dask scheduler answered there ({err})") from err
