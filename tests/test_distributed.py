"""simulate_summary on a dask.distributed cluster: bit-identical to the local run."""

from __future__ import annotations

import json

import numpy as np
import pytest

import careersim
from careersim._params import ArgumentError

distributed = pytest.importorskip("distributed")

FIELDS = ("mean", "mean_se", "histogram", "histogram_pages", "p_ahead", "p_tie", "mean_difference", "mean_difference_se",
          "difference_histogram", "difference_histogram_pages")


def _identical(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in FIELDS)


@pytest.fixture(scope="module")
def cluster():
    # two workers in threads of this process: the same task code and the same pickling-free
    # path as processes would take, started in a fraction of a second (the process variant
    # below is marked slow)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize("assumptions", ["fixed", "uncertain"])
def test_summary_on_cluster_is_bit_identical(client, assumptions):
    # 9 tasks of 1 block: more tasks than are in flight at once, and a partial last block
    worlds = 8 * 2048 + 777
    local = careersim.simulate_summary(worlds=worlds, rng=11, chunk_blocks=1, assumptions=assumptions)
    remote = careersim.simulate_summary(worlds=worlds, rng=11, chunk_blocks=1, assumptions=assumptions, client=client)
    assert remote.worlds == local.worlds and remote.careers == local.careers
    assert _identical(local, remote)
    # and independent of the task size on the cluster too
    assert _identical(local, careersim.simulate_summary(worlds=worlds, rng=11, chunk_blocks=4, assumptions=assumptions, client=client))


def test_summary_on_cluster_frees_its_tasks(client):
    careersim.simulate_summary(worlds=3 * 2048, rng=2, chunk_blocks=1, client=client)
    # releasing a future is a message to the scheduler, handled asynchronously: wait for it
    import time

    deadline = time.monotonic() + 30.0
    while (left := client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == 0


def test_not_a_client_is_refused():
    with pytest.raises(ArgumentError, match="dask.distributed.Client"):
        careersim.simulate_summary(worlds=100, rng=1, client="tcp://localhost:8786")


def test_cli_scheduler(cluster, capsys):
    from careersim.cli import main

    assert main(["run", "--worlds", "5000", "--seed", "3", "--assumptions", "fixed", "--json", "--scheduler", cluster.scheduler_address]) == 0
    remote = json.loads(capsys.readouterr().out)
    table = careersim.simulate_summary(worlds=5000, rng=3).horizon_table()
    for career, doc in remote["careers"].items():
        at = doc["net_worth_at_horizon"]
        assert (at["p50"], at["mean"], at["mean_se"]) == tuple(float(table.loc[career, k]) for k in ("p50", "mean", "mean_se"))


@pytest.mark.parametrize("address", ["nonsense", "", "tcp://", "tcp://host", "foo://127.0.0.1:8786"])
def test_cli_scheduler_not_an_address(address, capsys):
    # refused at once with the value and the form an address takes, never a traceback
    from careersim.cli import main

    assert main(["run", "--worlds", "1000", "--seed", "3", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert f"--scheduler {address!r}: not a scheduler address" in err and "protocol://host:port" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_summary_on_process_cluster_is_bit_identical():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c, distributed.Client(c) as client:
        local = careersim.simulate_summary(worlds=4 * 2048, rng=5, chunk_blocks=1)
        assert _identical(local, careersim.simulate_summary(worlds=4 * 2048, rng=5, chunk_blocks=1, client=client))
