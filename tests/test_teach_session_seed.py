"""paceqi.teach.workshop.session_seed: the notebook's seed outside Voilà, per session inside."""

import pytest

from paceqi.teach import workshop

VOILA = {"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/funnel.ipynb"}


def test_outside_voila_the_notebook_seed_is_kept(monkeypatch):
    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    assert workshop.session_seed(2014) == 2014
    assert not workshop.in_voila()


def test_each_voila_session_draws_its_own_seed():
    seeds = {workshop.session_seed(2014, {**VOILA, "QUERY_STRING": ""}) for _ in range(20)}
    assert len(seeds) > 15 and all(0 < s < workshop.SEED_RANGE for s in seeds)


@pytest.mark.parametrize(
    ("query", "expected"), [("seed=4321", 4321), ("a=1&seed=0", 0), ("seed=12&seed=13", 12)]
)
def test_a_seed_in_the_address_replays_a_run(query, expected):
    assert workshop.session_seed(2014, {**VOILA, "QUERY_STRING": query}) == expected


@pytest.mark.parametrize("query", ["seed=abc", "seed=-5", "seed=99999999999", "seed="])
def test_a_bad_seed_in_the_address_gives_a_random_one(query):
    seed = workshop.session_seed(2014, {**VOILA, "QUERY_STRING": query})
    assert 0 < seed < workshop.SEED_RANGE
