"""Hand-made events with known answers for the measures tests (see the comments per child)."""

import pandas as pd

AS_OF = "2024-06-30"


def hand_events() -> pd.DataFrame:
    rows = [
        # A/c1: two week meeting after 9 days, recommendation after 121 days (route po)
        ("A", "c1", "looked_after", "2024-01-01", 1, None),
        ("A", "c1", "two_week_meeting", "2024-01-10", 1, None),
        ("A", "c1", "first_review", "2024-02-05", 1, None),
        ("A", "c1", "permanence_recommended", "2024-05-01", 1, "po"),
        # A/c2: repeated stages: second looked-after episode and a re-recommendation
        ("A", "c2", "looked_after", "2024-01-15", 1, None),
        ("A", "c2", "two_week_meeting", "2024-02-10", 1, None),
        ("A", "c2", "looked_after", "2024-03-01", 2, None),
        ("A", "c2", "permanence_recommended", "2024-04-01", 1, "adoption"),
        ("A", "c2", "permanence_recommended", "2024-06-01", 2, "adoption"),
        # A/c3: no events after becoming looked after
        ("A", "c3", "looked_after", "2024-02-01", 1, None),
        # A/c4: route change home -> po at a second recommendation
        ("A", "c4", "looked_after", "2024-03-01", 1, None),
        ("A", "c4", "permanence_recommended", "2024-04-15", 1, "home"),
        ("A", "c4", "permanence_recommended", "2024-05-20", 2, "po"),
        # A/c5: became looked after 10 days before as_of
        ("A", "c5", "looked_after", "2024-06-20", 1, None),
        # A/c6: its meeting is dated after as_of (not yet happened on the extract date)
        ("A", "c6", "looked_after", "2024-05-01", 1, None),
        ("A", "c6", "two_week_meeting", "2024-07-05", 1, None),
        # B/c1: same pseudonym in another authority is another child
        ("B", "c1", "looked_after", "2024-01-01", 1, None),
        ("B", "c1", "two_week_meeting", "2024-01-05", 1, None),
    ]
    ev = pd.DataFrame(
        rows, columns=["authority", "child_id", "stage", "date", "occurrence", "route"]
    )
    ev["date"] = pd.to_datetime(ev["date"])
    ev["outcome"] = None
    return ev
