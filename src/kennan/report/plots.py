"""A run's results drawn: outcomes over time, risk against benefit, metrics over time.

The report's figures and a notebook's are the same (each an :class:`SvgFigure`, shown
inline through ``_repr_svg_``): ``plot_outcomes(results)`` in a notebook draws what
the report shows.
"""

from __future__ import annotations

from kennan.errors import UsageError
from kennan.experiments.results import Results, wilson
from kennan.report import figures

__all__ = ["plot_outcomes", "plot_risk_benefit", "plot_trajectories"]


def plot_outcomes(results: Results, outcomes: list[str] | None = None) -> figures.SvgFigure:
    """Cumulative probability of each outcome over time, one panel per outcome, a line
    per course with its 95% band."""
    chosen = results.outcomes if outcomes is None else outcomes
    for o in chosen:
        results.check_outcome(o)
    n = results.draws
    panels = []
    for o in chosen:
        k = results.outcomes.index(o)
        series = []
        for c, course in enumerate(results.courses):
            p = results.summary.cumulative(c, k)
            bands = [wilson(v, n) for v in p]
            series.append(figures.Series(course, results.course_labels[course], p,
                                         [b[0] for b in bands], [b[1] for b in bands],
                                         figures.colour(c)))
        panels.append(figures.Panel(results.outcome_labels[o], series, "probability",
                                    (0.0, max(0.05, max(max(s.high or [0]) for s in series)))))
    columns = min(3, len(panels))
    return figures.line_panels(panels, results.period_labels(), columns=columns,
                               panel_width=1110 // columns if columns > 1 else 560,
                               title="Probability of each outcome by each month")

def plot_risk_benefit(results: Results, benefit: str | None = None,
                      risk: str | None = None) -> figures.SvgFigure:
    """Each course as a point: ``risk`` (an outcome or metric id) across, the probability
    of ``benefit`` (an outcome) up, both with 95% intervals."""
    benefit = benefit or results.outcomes[0]
    for o in benefit.split(","):
        results.check_outcome(o)
    risk = risk or results.default_risk(benefit)
    if risk not in results.outcomes and risk not in results.metrics:
        raise UsageError(f"unknown risk '{risk}': expected an outcome or a metric; valid: "
                         f"{', '.join([*results.outcomes, *results.metrics])}")
    points = []
    for c, course in enumerate(results.courses):
        y, ylo, yhi = results.outcome_interval(course, benefit)
        x, xlo, xhi = (results.outcome_interval(course, risk) if risk in results.outcomes
                       else results.metric_interval(course, risk))
        points.append(figures.Point(course, results.course_labels[course], x, y, xlo, xhi,
                                    ylo, yhi, figures.colour(c)))
    label = {**results.outcome_labels, **results.metric_labels}
    return figures.scatter(points, x_label=label[risk], y_label=results.outcome_label(benefit),
                           title="Risk against benefit, by course")

def plot_trajectories(results: Results, metrics: list[str] | None = None) -> figures.SvgFigure:
    """Mean of each metric in each period, a line per course (default: the metrics whose
    id or label mentions influence, else all)."""
    chosen = results.influence_metrics() if metrics is None else metrics
    for m in chosen:
        results.check_metric(m)
    panels = []
    for m in chosen:
        k = results.metrics.index(m)
        series = [figures.Series(course, results.course_labels[course],
                                 results.summary.trajectory(k, c), colour=figures.colour(c))
                  for c, course in enumerate(results.courses)]
        panels.append(figures.Panel(results.metric_labels[m], series))
    columns = min(3, len(panels))
    return figures.line_panels(panels, results.period_labels(), columns=columns,
                               panel_width=1110 // columns if columns > 1 else 560,
                               title="Metrics over time")
