import numpy as np
import pytest

from paceqi.errors import OptionsError
from paceqi.measures import scottish_bank_holidays, working_days_between
from paceqi.resources import bank_holidays


def test_shipped_file_is_what_the_generator_writes():
    assert bank_holidays.CSV_PATH.read_text(encoding="utf-8") == bank_holidays.render()


@pytest.mark.parametrize(
    "day",
    [
        "2012-06-04",
        "2012-06-05",  # spring bank holiday moved; Diamond Jubilee
        "2020-05-08",  # early May moved to VE day
        "2022-06-02",
        "2022-06-03",
        "2022-09-19",  # Platinum Jubilee; state funeral
        "2023-05-08",  # coronation
        "2026-06-15",  # Scotland at the World Cup (proclamation of 4 February 2026)
        "2021-01-04",  # 2 January on a Saturday -> Monday 4
        "2022-01-03",
        "2022-01-04",  # 1 and 2 January on a weekend
        "2021-12-27",
        "2021-12-28",  # Christmas and Boxing Day on a weekend
        "2025-12-01",  # St Andrew's Day on a Sunday -> Monday
        "2024-03-29",  # Good Friday
        "2024-05-27",
        "2024-08-05",  # spring; summer (first Monday in August)
    ],
)
def test_known_scottish_bank_holidays(day):
    assert np.datetime64(day) in scottish_bank_holidays()


@pytest.mark.parametrize(
    "day", ["2024-04-01", "2012-05-28", "2020-05-04", "2022-05-30", "2024-08-26"]
)
def test_not_scottish_bank_holidays(day):
    # Easter Monday and the late August holiday are English; moved holidays are gone
    assert np.datetime64(day) not in scottish_bank_holidays()


def test_nine_a_year_in_ordinary_years_and_every_date_a_weekday():
    h = scottish_bank_holidays()
    years = h.astype("datetime64[Y]").astype(int) + 1970
    assert (np.bincount(years - 2010) >= 9).all() and len(np.unique(years)) == 21
    assert (np.bincount(years - 2010)[[2019 - 2010, 2024 - 2010]] == 9).all()
    assert np.is_busday(h).all()


def test_counting_and_range_check():
    s = np.array(["2024-01-01", "2024-01-05"], dtype="datetime64[D]")
    e = np.array(["2024-01-10", "2024-01-05"], dtype="datetime64[D]")
    assert working_days_between(s, e).tolist() == [5, 0]
    with pytest.raises(OptionsError, match="between 2010 and 2030"):
        working_days_between(
            np.array(["2009-12-30"], dtype="datetime64[D]"),
            np.array(["2010-01-05"], dtype="datetime64[D]"),
        )
