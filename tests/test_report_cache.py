"""Per-kernel caches of the batch: parsed extracts keyed by content, one PDSA read per report."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event

from paceqi.data.load import load_extract
from paceqi.pdsa.store import PDSAStore
from paceqi.report import cache

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear_cache()
    yield
    cache.clear_cache()


def test_cached_extract_equals_a_fresh_parse_and_copies_are_independent(tmp_path, monkeypatch):
    source = tmp_path / "extract.csv"
    shutil.copy(DATA / "wide_canonical.csv", source)
    calls = []
    real = load_extract

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr("paceqi.data.load.load_extract", counting)
    first = cache.load_extract_cached(source, as_of="2021-01-01")
    second = cache.load_extract_cached(str(source), None, as_of="2021-01-01")
    assert len(calls) == 1  # parsed once
    fresh = real(source, as_of="2021-01-01")
    for name in ("children", "events", "plans", "notes"):
        pd.testing.assert_frame_equal(getattr(second, name), getattr(fresh, name))
    assert (second.sha256, second.as_of, second.source) == (fresh.sha256, fresh.as_of, fresh.source)
    # a report that changes its frames does not change what the next report gets
    first.events.drop(first.events.index, inplace=True)
    assert len(cache.load_extract_cached(source, as_of="2021-01-01").events) == len(fresh.events)
    assert len(calls) == 1


def test_changed_content_or_date_is_parsed_again(tmp_path, monkeypatch):
    source = tmp_path / "extract.csv"
    shutil.copy(DATA / "wide_canonical.csv", source)
    calls = []
    real = load_extract
    monkeypatch.setattr(
        "paceqi.data.load.load_extract", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    before = cache.load_extract_cached(source, as_of="2021-01-01")
    cache.load_extract_cached(source, as_of="2021-02-01")  # another extract date
    lines = source.read_text().splitlines(keepends=True)
    source.write_text("".join(lines[:-1]))  # same name, one child fewer
    after = cache.load_extract_cached(source, as_of="2021-01-01")
    assert len(calls) == 3
    assert len(after.children) == len(before.children) - 1


def test_cache_keeps_only_the_most_recent_extracts(tmp_path):
    for i in range(cache.MAX_EXTRACTS + 2):
        path = tmp_path / f"e{i}.csv"
        # distinct content: a trailing blank line per file changes the hash, not the data
        path.write_text((DATA / "wide_canonical.csv").read_text() + "\n" * i)
        cache.load_extract_cached(path, as_of="2021-01-01")
    assert len(cache._EXTRACTS) == cache.MAX_EXTRACTS


def test_failures_are_not_cached(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(Exception):  # noqa: B017 - whatever load_extract raises, unchanged
        cache.load_extract_cached(missing)
    assert not cache._EXTRACTS


def test_store_reads_in_one_transaction(tmp_path):
    from paceqi.pdsa.views import pdsa_quality_check

    store = PDSAStore(tmp_path / "p.db")
    try:
        store.add_cycle("Fife", "Two Week Planning Meeting", purpose="test", predictions=["a"])
        begins = []
        event.listen(store.engine, "begin", lambda conn: begins.append(1))
        with store.reading():
            ideas = store.change_ideas("Fife")
            name = ideas["name"].iloc[0]
            store.ramp("Fife", name)
            store.annotations("Fife", name)
            pdsa_quality_check(store, "Fife", name)  # reads through the store
            store.document("Fife")
        assert len(begins) == 1
        store.change_ideas("Fife")  # outside the block: its own transaction again
        assert len(begins) == 2
    finally:
        store.close()
