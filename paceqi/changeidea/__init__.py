"""Change-idea reports: parameters, analysis and the sections a change-idea notebook shows."""
