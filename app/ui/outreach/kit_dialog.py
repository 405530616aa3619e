"""打印七个一: each village's outreach kit, after saying what is missing.

The list shows every village and community with what its registries lack (cheap checks,
``registries.kit_gaps``). Choosing one shows what its kit will leave out or print
incomplete (``kit.kit_problems``, the printables laid out) and the 装户图 privacy choices of
its grids (saved at once, remembered per grid). 预览 builds that village's kit; 全部村（社区）
builds every kit in one file off the GUI thread, with progress and cancel. Both open the
same preview as the mediation forms (print, save as PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from functools import partial

from app.models import office
from app.models import registries as reg
from app.models.db import Database, StorageError, connect
from app.printing.outreach import kit, source
from app.printing.outreach.text import OutreachError
from app.qt.core import QSize, Qt
from app.qt.widgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import call_service, keep_typed
from app.ui.cases.widgets import FieldErrors, current_actor, em, error_banner, fit_to_screen
from app.ui.jobs import BackgroundJob, Progress
from app.ui.look import ERROR, SUCCESS, Heading, tint
from app.ui.printing.preview import PreviewWindow, show_preview

TITLE = "打印七个一"
PRIVACY = (
    ("mask_phones", "隐去电话中间四位"),
    ("hide_members", "不印家庭成员姓名"),
    ("heads_only", "只印门牌号和户主"),
)


class KitDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.job: BackgroundJob | None = None
        self.preview: PreviewWindow | None = None
        self.privacy: dict[str, dict[str, QCheckBox]] = {}

        self.villages = QListWidget()
        for v in office.villages(db):
            item = QListWidgetItem(v.name)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            self.villages.addItem(item)
        self._mark_gaps()

        self.heading = Heading(scale=1.2)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.privacy_box = QGroupBox("装户图隐私设置（按网格记住）")
        self.privacy_grid = QGridLayout(self.privacy_box)
        self.a4 = QRadioButton("A4")
        self.a3 = QRadioButton("A3")
        self.a4.setChecked(True)
        paper = QHBoxLayout()
        paper.addWidget(QLabel("评理说事点标牌纸张："))
        paper.addWidget(self.a4)
        paper.addWidget(self.a3)
        paper.addStretch(1)
        self.banner = error_banner()
        self.errors = FieldErrors(self, self.banner, None)

        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.problems)
        right.addWidget(self.privacy_box)
        right.addLayout(paper)
        right.addStretch(1)
        right.addWidget(self.banner)
        self.villages.setMinimumWidth(em(self) * 11)  # "河东社区　（1项待补）" at any type size
        body = QHBoxLayout()
        body.addWidget(self.villages, 1)
        body.addLayout(right, 3)

        self.preview_button = QPushButton("预览本村七个一(&P)")
        self.all_button = QPushButton("全部村（社区）一起打印(&A)…")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.preview_button, self.all_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        self.villages.currentRowChanged.connect(self._village_chosen)
        self.villages.itemActivated.connect(lambda _item: self.preview_village())
        self.preview_button.clicked.connect(self.preview_village)
        self.all_button.clicked.connect(self.print_all)
        self.close_button.clicked.connect(self.reject)
        self.villages.setCurrentRow(0)
        fit_to_screen(self, QSize(em(self) * 56, em(self) * 36))

    # ---- the village

    def village_id(self) -> str | None:
        item = self.villages.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _mark_gaps(self) -> None:
        for row in range(self.villages.count()):
            item = self.villages.item(row)
            gaps = reg.kit_gaps(self.db, str(item.data(Qt.ItemDataRole.UserRole)))
            name = item.text().split("　")[0]
            item.setText(f"{name}　（{len(gaps)}项待补）" if gaps else name)
            item.setToolTip("\n".join(gaps))

    def _village_chosen(self, *_args: object) -> None:
        village_id = self.village_id()
        self.preview_button.setEnabled(village_id is not None)
        if village_id is None:
            return
        data = source.kit_data(self.db, village_id)
        self.heading.setText(f"{data.village}的七个一")
        problems = kit.kit_problems(data)
        if problems:
            self.problems.setText("打印前请注意：\n" + "\n".join(f"· {p}" for p in problems))
            tint(self.problems, ERROR)
        else:
            self.problems.setText("七样材料齐全，可以打印。")
            tint(self.problems, SUCCESS)
        self._fill_privacy(village_id)

    def _fill_privacy(self, village_id: str) -> None:
        while self.privacy_grid.count():
            taken = self.privacy_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.privacy = {}
        # the options as shown: a change writes only what the user changed from them
        self._shown_options: dict[str, reg.ChartOptions] = {}
        grids = reg.GRIDS.list(self.db, village_id=village_id)
        for row, grid in enumerate(grids):
            self.privacy_grid.addWidget(QLabel(grid.name), row, 0)
            options = reg.chart_options(self.db, grid.id)
            self._shown_options[grid.id] = options
            boxes: dict[str, QCheckBox] = {}
            for col, (key, text) in enumerate(PRIVACY, start=1):
                box = QCheckBox(text)
                box.setChecked(bool(getattr(options, key)))
                box.toggled.connect(partial(self._privacy_changed, grid.id))
                self.privacy_grid.addWidget(box, row, col)
                boxes[key] = box
            self.privacy[grid.id] = boxes
        self.privacy_box.setVisible(bool(grids))

    def _privacy_changed(self, grid_id: str, *_args: object) -> None:
        boxes = self.privacy[grid_id]
        options = reg.ChartOptions(
            grid_id=grid_id, **{key: boxes[key].isChecked() for key, _text in PRIVACY}
        )
        loaded = self._shown_options.get(grid_id)

        def call() -> None:
            reg.save_chart_options(self.db, options, by=current_actor(self.db), loaded=loaded)

        reload = partial(self._reload_privacy, grid_id)
        if call_service(self, self.errors, call, title=TITLE, reload=reload):
            self._shown_options[grid_id] = options

    def _reload_privacy(self, grid_id: str) -> None:
        """重新载入: the grid's options as stored now, with the user's own change kept (and
        saved) where the other change did not touch it."""
        boxes = self.privacy[grid_id]
        before = self._shown_options[grid_id]
        typed = reg.ChartOptions(grid_id, **{key: boxes[key].isChecked() for key, _ in PRIVACY})
        now = self._shown_options[grid_id] = reg.chart_options(self.db, grid_id)
        merged, _both = keep_typed(asdict(before), asdict(typed), asdict(now))
        for key, _text in PRIVACY:
            box = boxes[key]
            box.blockSignals(True)
            box.setChecked(bool(merged[key]))
            box.blockSignals(False)
        if reg.ChartOptions(**merged) != now:
            self._privacy_changed(grid_id)

    # ---- printing

    def paper(self) -> str:
        return "A3" if self.a3.isChecked() else "A4"

    def preview_village(self) -> PreviewWindow | None:
        village_id = self.village_id()
        if village_id is None:
            return None
        try:
            data = source.kit_data(self.db, village_id, issued_on=date.today())
            pdf = kit.village_kit_pdf(data, talk_point_paper=self.paper())
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return None
        except OutreachError as exc:
            messages.warning(self, "无法打印七个一", str(exc))
            return None
        self.preview = show_preview(pdf, title=f"{data.village}七个一宣传材料", parent=self)
        return self.preview

    def print_all(self) -> BackgroundJob | None:
        if self.db.path is None:  # pragma: no cover - the program always works on a file
            raise ValueError("printing every kit needs a database file")
        path, paper, today = self.db.path, self.paper(), date.today()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> bytes:
            db = connect(path, migrate=False)
            try:
                datas = source.all_kit_data(db, issued_on=today)
            finally:
                db.close()
            return kit.all_villages_kit_pdf(datas, progress, cancelled, talk_point_paper=paper)

        job = BackgroundJob(
            work,
            self,
            title="打印全部村（社区）七个一",
            cancel_errors=(kit.Cancelled,),
            failure="生成七个一材料时出了错，没有生成。详细情况已记入日志，请联系技术人员。",
            describe=_describe,
        )
        job.done.connect(self._all_done)
        self.job = job
        job.start()
        return job

    def _all_done(self, pdf: object) -> None:
        assert isinstance(pdf, bytes)
        self.preview = show_preview(pdf, title="全部村（社区）七个一宣传材料", parent=self)


def _describe(n: int, total: int, what: str) -> str:
    if n >= total:
        return "正在生成文件…"
    return f"正在生成第{n}个村（社区），共{total - 1}个：{what}"


def open_kit_dialog(db: Database, parent: QWidget | None = None) -> KitDialog:
    dialog = KitDialog(db, parent)
    dialog.open()
    return dialog
