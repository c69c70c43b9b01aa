"""Funnel plot: points at (yi, SE), funnel centred on the pooled value, inverted SE axis."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from living_review.meta import metaprop
from living_review.meta.funnel import funnel

N = [8, 15, 20, 17, 34, 42]
ORR = [2, 0, 2, 4, 1, 5]  # Cao 2024, Figure 3


def test_funnel_points_and_centre():
    r = metaprop(ORR, N, studies=list("ABCDEF"))
    fig = funnel(r, annotate=True, title="ORR")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    pts = ax.collections[0].get_offsets()
    np.testing.assert_allclose(pts[:, 0], r.studies["yi"])
    np.testing.assert_allclose(pts[:, 1], np.sqrt(r.studies["vi"]))
    lo, hi = ax.get_ylim()
    assert lo > hi == 0  # standard error axis inverted, 0 at the top
    apex = ax.lines[0].get_xydata()[1]
    assert apex[0] == pytest.approx(r.fixed_te) and apex[1] == 0


def test_funnel_refuses_glmm():
    with pytest.warns(UserWarning):
        r = metaprop(ORR, N, transform="PLOGIT", model="glmm")
    with pytest.raises(ValueError, match="inverse-variance"):
        funnel(r)


def test_every_transform_has_an_axis_label():
    from living_review.meta.funnel import SCALE_LABEL
    from living_review.meta.options import TRANSFORMS

    assert set(SCALE_LABEL) == set(TRANSFORMS)
    fig = funnel(metaprop(ORR, N, transform="PLN", tau2_method="GENQ"))
    assert fig.axes[0].get_xlabel() == "Log proportion"
