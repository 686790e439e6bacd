"""Reports and tables: exact learning coefficients for lecture notes and papers.

:func:`table` computes (λ, m) for many polynomials or models and returns a
:class:`Table` that renders as text (``str``), Markdown, LaTeX (booktabs),
HTML, CSV and JSON. :mod:`rlct.render` holds the format kernel shared by
all report objects.

>>> from rlct.report import table
>>> print(table(["w1**2*w2**2"], columns="K lambda m").to_markdown())
| K             |   λ |   m |
| :------------ | --: | --: |
| `w1**2*w2**2` | 1/2 |   2 |
"""

from .compare import Report, ReportRow, compare
from ..render import Bound, Math, Rich
from .table import COLUMNS, DEFAULT_COLUMNS, Row, Table, table

__all__ = ["compare", "Report", "ReportRow", "table", "Table", "Row", "COLUMNS", "DEFAULT_COLUMNS", "Math", "Rich", "Bound"]
