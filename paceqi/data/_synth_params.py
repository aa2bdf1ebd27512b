"""Parameters of the synthetic data generator, each with where it comes from.

Everything here is *synthetic*: shares and gap distributions are realistic-looking choices, not
estimates from Scottish data (no public permanence-stage data set exists for Scotland; shared
DOMAIN.md section 3.4 and E). Targets they are meant to straddle are cited from the stage
catalogue (``parameters/catalogues/scotland.yaml``).
"""

from __future__ import annotations

import datetime as dt

#: Children become looked after between these dates (inclusive); the extract is taken later.
#: The window opens on 1 August 2009, the start of the 2009-10 Children Looked After Statistics
#: collection year (the CLAS longitudinal research extract covers 2008/09 onwards, shared
#: DOMAIN.md section 3.2), so that by the 2015-2018 tests of change the journeys of several
#: years held in the baselines have had time to finish (an extract opening in 2012 holds only
#: short journeys in its first years).
LOOKED_AFTER_FROM = dt.date(2009, 8, 1)
LOOKED_AFTER_TO = dt.date(2020, 12, 31)
EXTRACT_DATE = dt.date(2021, 3, 31)

#: Default seed of ``paceqi synth`` (and ``make reports``: Makefile ``SEED``).
DEFAULT_SEED = 20140101

#: Children looked after at 31 July 2016 by council, rounded to the nearest 10. Source:
#: Scottish Government, *Children's Social Work Statistics Scotland 2015-16* (published March
#: 2017), children looked after by local authority. WRITTEN FROM MEMORY, without network
#: access to the publication: the figures are approximate (their sum, 15,680, is within 3% of
#: the published Scotland total of 15,317) and only weight the sizes of the synthetic
#: authorities. What matters is the several-fold difference in looked-after rates between
#: councils: Glasgow City holds about a fifth of Scotland's looked-after children, Aberdeen
#: City more than Aberdeenshire, West Dunbartonshire more than East Dunbartonshire.
LOOKED_AFTER_2016: dict[str, int] = {
    "Aberdeen City": 590,
    "Aberdeenshire": 380,
    "Angus": 260,
    "Argyll and Bute": 200,
    "City of Edinburgh": 1380,
    "Clackmannanshire": 230,
    "Dumfries and Galloway": 390,
    "Dundee City": 480,
    "East Ayrshire": 480,
    "East Dunbartonshire": 190,
    "East Lothian": 240,
    "East Renfrewshire": 120,
    "Falkirk": 390,
    "Fife": 1040,
    "Glasgow City": 3250,
    "Highland": 520,
    "Inverclyde": 270,
    "Midlothian": 240,
    "Moray": 170,
    "Na h-Eileanan Siar": 40,
    "North Ayrshire": 520,
    "North Lanarkshire": 960,
    "Orkney Islands": 30,
    "Perth and Kinross": 270,
    "Renfrewshire": 620,
    "Scottish Borders": 200,
    "Shetland Islands": 40,
    "South Ayrshire": 340,
    "South Lanarkshire": 720,
    "Stirling": 220,
    "West Dunbartonshire": 420,
    "West Lothian": 480,
}

#: Children entering the generator's permanence journeys per year, per child looked after in
#: the authority in 2016. Scotland had roughly 4,000-4,500 children starting to be looked after
#: a year in 2012-2016 (Children's Social Work Statistics, same series; from memory); the
#: generator follows about a quarter of that flow, about 1,100 children a year (Glasgow City
#: about 230, the island authorities 2-3), which keeps ``make reports`` in its time budget.
ENTRY_RATE_PER_LOOKED_AFTER = 0.07

#: Share of children by first permanence route (synthetic; DOMAIN.md section 2 lists the routes).
ROUTE_SHARES: dict[str, float] = {"home": 0.42, "po": 0.22, "kco": 0.14, "adoption": 0.22}

#: Probability of a Two Week Planning Meeting record before / after the authority introduced it.
TWM_RATE_BEFORE = 0.04
TWM_RATE_AFTER = 0.85

#: Synthetic stage gaps (log-normal medians in days, then sigma), before any change idea acts.
#: Together they give median waits from becoming looked after to a permanence order of about
#: 2.5-3 years, the "several years" that Scottish studies of the period describe: SCRA (2011)
#: *Care and Permanence Planning for Looked After Children in Scotland* and its follow-up under
#: the 2007 Act, SCRA (2015) *Permanence Planning and Decision Making for Looked After Children
#: in Scotland* (chapters on panel, advice hearings, petitions and overall timescales; shared
#: DOMAIN.md section 1.6). Their exact figures could not be re-read here (no network): the
#: medians below are set to that order of magnitude, not fitted to them.
#: first_review is due within 42 days (LAC (Scotland) Regs 2009 reg 45(2)(a)); second_review
#: within 3 months of the first (reg 45(2)(b)).
FIRST_REVIEW_MEDIAN = (40.0, 33.0)  # without / with the Two Week Planning Meeting's effect
SECOND_REVIEW_GAP_MEDIAN = 90.0
#: Return home: the plan is ready this long after becoming looked after, and is recommended at
#: the next meeting. Away: the recommendation this long after the second review (PACE aim 2
#: asks for one within 6 months of accommodation; the baseline mostly misses it).
HOME_DECISION_MEDIAN = 120.0
AWAY_DECISION_GAP_MEDIAN = 230.0
#: Kinship options ruled in or out (Aberdeen City PACE aim: by the 18-week review, 126 days);
#: before the change about a third are in time.
KINSHIP_MEDIAN, KINSHIP_SIGMA = 150.0, 0.45
#: Legal referral -> opinion (Aberdeenshire: about four weeks before its test; target 28 days).
LEGAL_MEDIAN, LEGAL_SIGMA = 35.0, 0.4
#: Recommendation -> panel (PACE local aims: 12 weeks, 84 days; about 1 in 10 in time before).
PANEL_MEDIAN, PANEL_SIGMA = 150.0, 0.45
#: Panel -> agency decision (AA(S)R 2009 reg 13: 14 days; about 1 in 4 in time before).
ADM_MEDIAN, ADM_SIGMA = 19.0, 0.5
#: ADM -> referral to the Reporter -> advice hearing (placeholders; DOMAIN.md 1.6 [U]).
SCRA_MEDIAN, ADVICE_MEDIAN = 30.0, 24.0
#: ADM (or advice hearing) -> application lodged, and lodged -> order, by route.
LODGE_MEDIAN = {"po": 150.0, "adoption": 180.0, "kco": 120.0}
ORDER_MEDIAN = {"po": 270.0, "adoption": 200.0, "kco": 150.0}
#: At home: the CSO ends this long after the decision; if that is after two years on the CSO,
#: the plan is reviewed (PACE aim 1) this long after the two years - widely spread before the
#: change (local placeholder target: within 91 days).
HOME_CONFIRMED_MEDIAN = 900.0
CSO_REVIEW_DELAY_MEDIAN, CSO_REVIEW_DELAY_SIGMA = 120.0, 0.8
#: Share of reviews after which the CSO is terminated (home_confirmed), and how long after.
CONFIRMED_AFTER_REVIEW, CONFIRMED_AFTER_REVIEW_MEDIAN = 0.5, 90.0

#: Outcomes of decisions and hearings. The agency decision maker does not agree with the
#: panel's recommendation for a few children (``outcome: refused``; the plan is then revisited
#: outside the extract); an advice hearing is continued to a second date for about one child
#: in five (``continued``, then ``occurrence: 2``). Synthetic shares.
ADM_REFUSED = 0.05
HEARING_CONTINUED = 0.2

#: Placement moves (optional ``placement_move`` events, repeatable): a Poisson number over the
#: first two years looked after, before a return home. Mean 0.55 gives about a third of children
#: a move in their first 12 months (synthetic; Children's Social Work Statistics report
#: placements per child in the year, and a minority of children have several).
PLACEMENT_MOVES_MEAN, PLACEMENT_WINDOW_DAYS = 0.55, 730
#: Returning to care after going home (optional ``returned_to_care`` event): share of children
#: whose permanence at home was confirmed who come back, and the median days until they do
#: (synthetic; returns home that break down are the balancing measure PACE cared about).
RETURNED_TO_CARE, RETURNED_TO_CARE_MEDIAN = 0.12, 200.0

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
