"""Statistical constants used by paceqi, each defined once with its source.

Docstrings elsewhere refer to these names rather than repeating the numbers, so that a
constant and its documentation cannot drift apart.

References
----------
.. [Montgomery] Montgomery DC. *Introduction to Statistical Quality Control*, 7th ed. Wiley,
   2013 (Appendix Table VI: factors for control charts; equations cited by number).
.. [Nelson1982] Nelson LS. Control charts for individual measurements. *J Qual Technol*
   1982;14:172-173.
.. [Nelson1994] Nelson LS. A control chart for parts-per-million nonconforming items.
   *J Qual Technol* 1994;26:239-240 (the 1/3.6 power transformation for times between events).
.. [Perla2011] Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for
   learning from variation in healthcare processes. *BMJ Qual Saf* 2011;20:46-51.
.. [SwedEisenhart1943] Swed FS, Eisenhart C. Tables for testing randomness of grouping in a
   sequence of alternatives. *Ann Math Stat* 1943;14:66-87.
.. [HCDG] Provost LP, Murray SK. *The Health Care Data Guide: Learning from Data for
   Improvement*. Jossey-Bass, 2011 (chapter 5: rules for detecting special cause).
.. [Anhoej2014] Anhøj J, Olesen AV. Run charts revisited: a simulation study of run chart rules
   for detection of non-random variation in health care processes. *PLoS One* 2014;9:e113825.
.. [Schilling2012] Schilling MF. The surprising predictability of long runs. *Math Mag*
   2012;85:141-149.
.. [Chen2010] Chen Z. A note on the runs test. *Model Assist Stat Appl* 2010;5:73-77.
.. [MDC] NHS England / NHS Improvement. *Making Data Count: Getting started*, 2019; and the MDC
   team's 2023 change to the 2-of-3 rule (NHSRplotthedots issue #194); implemented in
   NHSRplotthedots 0.2.2 (``R/ptd_spc_standard.R``, ``R/ptd_calculate_point_type.R``).
.. [Laney2002] Laney DB. Improved control charts for attributes. *Qual Eng* 2002;14:531-537.
"""

from __future__ import annotations

from typing import Final

# --- XmR (individuals) charts ------------------------------------------------------------------

#: d2 for moving ranges of two observations: sigma-hat = MR-bar / D2_MR [Montgomery] eq. 6.33,
#: Table VI (n = 2). Used by qicharts2 and PowerBI-SPC, so XmR limits are CL ± 3/1.128·MR-bar.
D2_MR: Final = 1.128

#: D4 for moving ranges of two observations [Montgomery] Table VI (n = 2): the upper limit of an
#: MR chart is D4_MR·MR-bar, and moving ranges at or above D4_MR·MR-bar are screened out before
#: MR-bar is recomputed [Nelson1982].
D4_MR: Final = 3.267

#: Screening factor for moving ranges (same number as :data:`D4_MR`) [Nelson1982].
MR_SCREEN_FACTOR: Final = D4_MR

#: The Making Data Count XmR multiplier: process limits are mean ± XMR_LIMIT_FACTOR_MDC·MR-bar
#: [MDC]; 2.66 is 3/1.128 rounded, as in Wheeler's texts and the MDC Excel tool.
XMR_LIMIT_FACTOR_MDC: Final = 2.66

#: Number of sigmas for the control limits (Shewhart 3-sigma limits) [Montgomery] §5.3.
SIGMA_LIMITS: Final = 3.0

#: Number of sigmas for the warning lines used by the 2-of-3 rule [HCDG], [MDC].
SIGMA_WARNING: Final = 2.0

#: Number of sigmas for the inner band used by the 15-points-hugging rule [HCDG].
SIGMA_INNER: Final = 1.0

# --- T chart ---------------------------------------------------------------------------------

#: Times between events are transformed y**(1/T_CHART_POWER) before an I chart, and the lines
#: back-transformed with **T_CHART_POWER [Nelson1994]; [Montgomery] §7.3.5.
T_CHART_POWER: Final = 3.6

# --- Run-chart and special-cause rules --------------------------------------------------------

#: IHI run chart: a shift is this many or more consecutive points on one side of the median
#: [Perla2011] rule 1.
IHI_RUN_SHIFT: Final = 6

#: IHI run chart: a trend is this many or more consecutive points all going up or all going down
#: [Perla2011] rule 2.
IHI_RUN_TREND: Final = 5

#: Health Care Data Guide control-chart shift: this many or more consecutive points on one side
#: of the centre line [HCDG] rule 2.
HCDG_SHIFT: Final = 8

#: Health Care Data Guide control-chart trend: this many or more consecutive increases or
#: decreases [HCDG] rule 3.
HCDG_TREND: Final = 6

#: Health Care Data Guide: this many or more consecutive points within 1 sigma of the centre line
#: signal less variation than the limits imply [HCDG] rule 5.
HCDG_HUGGING: Final = 15

#: Making Data Count: shift (points on one side of the mean) and trend lengths [MDC]; the MDC
#: Excel tool offers 6 as a local option (``shift_n`` / ``trend_n``).
MDC_SHIFT: Final = 7
MDC_TREND: Final = 7

#: The 2-of-3 rule: at least TWO_OF_THREE_NEED of TWO_OF_THREE_WINDOW consecutive points beyond
#: the 2-sigma line on the same side [HCDG] rule 4; [MDC].
TWO_OF_THREE_NEED: Final = 2
TWO_OF_THREE_WINDOW: Final = 3

#: One-sided risk for the IHI too-few / too-many runs limits, taken from the exact runs
#: distribution [SwedEisenhart1943], as Perla's table does at "about 5 %" [Perla2011].
RUNS_TEST_ALPHA: Final = 0.05

#: Anhøj: the longest run signals when longer than round(log2(n_useful)) + this [Schilling2012].
ANHOEJ_LONGEST_RUN_OFFSET: Final = 3

#: Anhøj: crossings signal when fewer than the ANHOEJ_CROSSINGS_ALPHA quantile of
#: Binomial(n_useful - 1, 1/2) [Chen2010]; [Anhoej2014].
ANHOEJ_CROSSINGS_ALPHA: Final = 0.05

# --- Caveats -----------------------------------------------------------------------------------

#: Limits computed from fewer points than this are *trial limits* (NHSRplotthedots'
#: short-group warning; the MDC Excel tool fixes limits after 12 to 20 points) [MDC].
MIN_POINTS_FOR_LIMITS: Final = 12

#: Runs analysis needs at least this many useful observations (points not on the centre line):
#: Perla's table and Anhøj's critical values both start at 10 [Perla2011]; [Anhoej2014].
MIN_USEFUL_FOR_RUNS: Final = 10
