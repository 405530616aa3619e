"""Header sort arrows that point the way people read them: ▲ for ascending (the smallest,
the earliest first), ▼ for descending.

Qt hands the style "SortDown" for ascending order, and whether that is drawn as ▲ or ▼
depends on the style: the Windows style reverses it itself ("▲ ascending", as Explorer
shows), Fusion draws it as ▼. :func:`fix_sort_arrow` asks the widget's style once how it
draws an ascending arrow and, only where it comes out as ▼, wraps the style of that header
so the arrow is turned round. The header's ``sortIndicatorOrder()`` stays the model's real
order either way.
"""

from __future__ import annotations

from app.qt.core import QRect
from app.qt.gui import QColor, QImage, QPainter, QPalette
from app.qt.widgets import (
    QApplication,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QWidget,
)

_ASCENDING = QStyleOptionHeader.SortIndicator.SortDown  # what Qt gives for AscendingOrder
_DESCENDING = QStyleOptionHeader.SortIndicator.SortUp
_PROBE = 32  # px: the square the probe arrow is drawn in

# style class name -> "draws ascending as ▲" (a style draws the same way every time)
_points_up: dict[str, bool] = {}
# style name -> the turned style shared by every header drawn in it (lives with the app)
_turned: dict[str, QProxyStyle] = {}


def arrow_points_up(image: QImage, area: QRect | None = None) -> bool | None:
    """Whether the arrow painted in ``image`` (within ``area``) points up: True for ▲,
    False for ▼, None when nothing arrow-like is there. An arrow is widest at its base."""
    area = area or image.rect()
    background = image.pixelColor(area.left(), area.top())
    widths: list[int] = []
    for y in range(area.top(), area.bottom() + 1):
        inked = [
            x
            for x in range(area.left(), area.right() + 1)
            if _differs(image.pixelColor(x, y), background)
        ]
        if inked:
            widths.append(max(inked) - min(inked) + 1)
    if len(widths) < 3:
        return None
    top, bottom = widths[0], widths[-1]
    if top == bottom:
        return None
    return bottom > top


def _differs(a: QColor, b: QColor) -> bool:
    return (
        abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) > 90
        or abs(a.alpha() - b.alpha()) > 90
    )


def style_draws_ascending_up(style: QStyle, widget: QWidget | None = None) -> bool:
    """How ``style`` draws the arrow Qt gives it for ascending order (cached per style)."""
    key = type(style).__name__ + style.objectName()
    if key not in _points_up:
        image = QImage(_PROBE, _PROBE, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        option = QStyleOptionHeader()
        # PySide6 6.9's stubs lack QStyleOption's data members (rect, palette, sortIndicator)
        option.rect = QRect(0, 0, _PROBE, _PROBE)  # type: ignore[attr-defined]
        option.sortIndicator = _ASCENDING  # type: ignore[attr-defined]
        palette = QPalette(widget.palette()) if widget is not None else QPalette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
        palette.setColor(QPalette.ColorRole.ButtonText, QColor("black"))
        palette.setColor(QPalette.ColorRole.Text, QColor("black"))
        option.palette = palette  # type: ignore[attr-defined]
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, option, painter)
        painter.end()
        found = arrow_points_up(image)
        # A style that draws nothing recognisable is left alone.
        _points_up[key] = True if found is None else found
    return _points_up[key]


class _TurnedArrowStyle(QProxyStyle):
    """The header's own style, with the sort arrow turned round."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            turned = QStyleOptionHeader(option)
            # (the stubs of PySide6 6.9 lack sortIndicator, see above)
            if option.sortIndicator == _ASCENDING:  # type: ignore[attr-defined]
                turned.sortIndicator = _DESCENDING  # type: ignore[attr-defined]
            elif option.sortIndicator == _DESCENDING:  # type: ignore[attr-defined]
                turned.sortIndicator = _ASCENDING  # type: ignore[attr-defined]
            super().drawPrimitive(element, turned, painter, widget)
            return
        super().drawPrimitive(element, option, painter, widget)


def fix_sort_arrow(header: QHeaderView) -> None:
    """Make ``header`` draw ▲ for ascending and ▼ for descending order."""
    if style_draws_ascending_up(header.style(), header):
        return
    name = header.style().name()
    proxy = _turned.get(name)
    if proxy is None:
        proxy = _TurnedArrowStyle(name)
        # Owned by the application: a style must outlive every widget that uses it.
        proxy.setParent(QApplication.instance())
        _turned[name] = proxy
    header.setStyle(proxy)
