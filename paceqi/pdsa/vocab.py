"""Closed vocabularies of the PDSA tracker (DOMAIN.md A6; IHI PDSA worksheet).

Each tuple is the complete list of allowed values, in display order. The store, the importers,
the CLI and the widgets all check against these, and the database repeats them as CHECK
constraints.
"""

from __future__ import annotations

__all__ = [
    "PURPOSES",
    "ACT_DECISIONS",
    "CHANGE_IDEA_STATUSES",
    "DRIVER_LEVELS",
    "DRIVER_STRENGTHS",
    "ANNOTATION_KINDS",
    "MEASURE_FAMILIES",
]

#: "This PDSA cycle will: collect information / develop a change / test a change / implement a
#: change" (series-style IHI worksheet, DOMAIN.md 4.1).
PURPOSES = ("collect_info", "develop", "test", "implement")

#: Act: adopt (implement at scale), adapt (improve and test again), abandon (DOMAIN.md 4.1).
ACT_DECISIONS = ("adopt", "adapt", "abandon")

#: Life cycle of a change idea (DOMAIN.md A6).
CHANGE_IDEA_STATUSES = ("idea", "testing", "implementing", "adopted", "abandoned")

#: Driver diagram levels (IHI QI Essentials; DOMAIN.md 4.2).
DRIVER_LEVELS = ("primary", "secondary")

#: Strength of a driver's link: solid (strong) or dotted (weak) line (DOMAIN.md 4.2).
DRIVER_STRENGTHS = ("strong", "weak")

#: What a chart annotation marks (DOMAIN.md A6).
ANNOTATION_KINDS = ("pdsa_start", "pdsa_end", "system_change", "data_issue")

#: Family of measures (DOMAIN.md 4.2, NHS Lothian measurement plan).
MEASURE_FAMILIES = ("outcome", "process", "balancing", "experience")
