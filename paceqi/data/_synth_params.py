"""Parameters of the synthetic data generator, each with where it comes from.

Everything here is *synthetic*: shares and gap distributions are realistic-looking choices, not
estimates from Scottish data (no public permanence-stage data set exists for Scotland; shared
DOMAIN.md section 3.4 and E). Targets they are meant to straddle are cited from the stage
catalogue (``parameters/catalogues/scotland.yaml``).
"""

from __future__ import annotations

import datetime as dt

#: Children become looked after between these dates (inclusive); the extract is taken later.
LOOKED_AFTER_FROM = dt.date(2012, 1, 1)
LOOKED_AFTER_TO = dt.date(2020, 12, 31)
EXTRACT_DATE = dt.date(2021, 3, 31)

#: The Two Week Planning Meeting is introduced on the first of a month in this range.
TWM_FROM = dt.date(2015, 1, 1)
TWM_TO = dt.date(2018, 12, 1)

#: Default seed of ``paceqi synth`` (and ``make reports``: Makefile ``SEED``).
DEFAULT_SEED = 20140101

#: Mid-2019 population of each council area, in thousands, rounded (National Records of
#: Scotland, "Mid-2019 Population Estimates Scotland", table 2; Scotland 5,463.3 thousand).
#: Used only to make authority sizes roughly proportional to population.
POPULATION_THOUSANDS: dict[str, float] = {
    "Aberdeen City": 228.7,
    "Aberdeenshire": 261.5,
    "Angus": 116.0,
    "Argyll and Bute": 85.9,
    "City of Edinburgh": 524.9,
    "Clackmannanshire": 51.5,
    "Dumfries and Galloway": 148.9,
    "Dundee City": 149.3,
    "East Ayrshire": 122.0,
    "East Dunbartonshire": 108.6,
    "East Lothian": 107.1,
    "East Renfrewshire": 95.5,
    "Falkirk": 160.9,
    "Fife": 373.6,
    "Glasgow City": 633.1,
    "Highland": 235.5,
    "Inverclyde": 77.8,
    "Midlothian": 92.5,
    "Moray": 95.8,
    "Na h-Eileanan Siar": 26.7,
    "North Ayrshire": 134.7,
    "North Lanarkshire": 341.4,
    "Orkney Islands": 22.3,
    "Perth and Kinross": 152.0,
    "Renfrewshire": 179.1,
    "Scottish Borders": 115.5,
    "Shetland Islands": 22.9,
    "South Ayrshire": 112.6,
    "South Lanarkshire": 320.5,
    "Stirling": 94.3,
    "West Dunbartonshire": 88.9,
    "West Lothian": 183.1,
}

#: Children entering the generator's journeys per 1,000 population per year (synthetic: chosen
#: so that Glasgow City has about 160 a year and the island authorities about 5-7; DOMAIN.md E
#: asks for ~150/yr city and small island presets).
ENTRY_RATE_PER_1000 = 0.25

#: Share of children by first permanence route (synthetic; DOMAIN.md section 2 lists the routes).
ROUTE_SHARES: dict[str, float] = {"home": 0.42, "po": 0.22, "kco": 0.14, "adoption": 0.22}

#: Probability of a Two Week Planning Meeting record before / after the authority introduced it.
TWM_RATE_BEFORE = 0.04
TWM_RATE_AFTER = 0.85

#: Share of authorities in which the meeting shortens the early stages (DOMAIN.md E: an
#: "intervention" date after which selected segments shorten, in some authorities only).
TWM_EFFECT_SHARE = 0.6
#: Days after introduction over which the effect ramps up from 40% to all children.
TWM_EFFECT_RAMP_DAYS = 180

#: Median days (log-normal) of the early gaps, without / with the meeting's effect.
#: first_review is due within 42 days (LAC (Scotland) Regs 2009 reg 45(2)(a)); second_review
#: within 3 months of the first (reg 45(2)(b)); permanence recommendation within 182 days
#: (PACE aim 2) - the synthetic baseline mostly misses it, the effect brings most within it.
FIRST_REVIEW_MEDIAN = (40.0, 33.0)
SECOND_REVIEW_GAP_MEDIAN = 90.0
HOME_DECISION_MEDIAN = (95.0, 55.0)
AWAY_DECISION_GAP_MEDIAN = (105.0, 30.0)  # from the second review to the recommendation

#: Share of children whose plan drifts, and the median factor by which their decision is delayed.
DRIFT = 0.06
DRIFT_FACTOR = 3.5

#: Route changes (DOMAIN.md section 2: "route changes and why", Dumfries and Galloway).
REPLAN_HOME = 0.12  # a return home breaks down: a second recommendation away from home
REPLAN_HOME_TO = {"po": 0.45, "adoption": 0.25, "kco": 0.30}
REPLAN_KCO_TO_PO = 0.08  # a kinship plan falls through: permanence order instead
PO_TO_ADOPTION = 0.15  # panel recommends adoption (PO with authority to adopt) instead of a PO

#: Re-presentation to panel (the first presentation deferred).
PANEL_DEFERRED = 0.10
#: Share of kinship care order cases the authority takes to panel (local practice varies).
KCO_PANEL = 0.60

#: A recorded stage is missing from the extract with this probability (looked_after never).
MISSING_STAGE = 0.04
MISSING_RECOMMENDATION = 0.02
