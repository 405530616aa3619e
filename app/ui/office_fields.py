"""The office details the documents print (印章文字, 地址, 联系电话, 司法确认法院): the same
four fields in the setup wizard's 单位信息 step and in the 单位信息 dialog."""

from __future__ import annotations

from app.models import office
from app.models.office import OfficeDetails
from app.qt.widgets import QFormLayout, QLineEdit
from app.ui.cases.service_dialog import ServiceDialog


class PrintedDetailsFields:
    """One line edit per printed detail; each row's label is the field name the model's
    errors name, so a refused value is shown at its field."""

    def __init__(self, seal_placeholder: str) -> None:
        self.seal_text = QLineEdit()
        self.seal_text.setPlaceholderText(seal_placeholder)
        self.address = QLineEdit()
        self.address.setPlaceholderText("如：青山镇人民路 8 号镇综治中心二楼")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("如：0571-87654321")
        self.court_name = QLineEdit()
        self.court_name.setPlaceholderText("如：青山县人民法院")

    @property
    def edits(self) -> tuple[QLineEdit, QLineEdit, QLineEdit, QLineEdit]:
        """印章文字, 地址, 联系电话, 司法确认法院, in the order the form shows them."""
        return self.seal_text, self.address, self.phone, self.court_name

    def labelled(self) -> dict[str, tuple[str, QLineEdit]]:
        """Each OfficeDetails attribute: its label (the field name) and its edit."""
        return {
            "seal_text": (office.SEAL_FIELD, self.seal_text),
            "address": (office.ADDRESS_FIELD, self.address),
            "phone": (office.PHONE_FIELD, self.phone),
            "court_name": (office.COURT_FIELD, self.court_name),
        }

    def add_to(self, dialog: ServiceDialog, form: QFormLayout | None = None) -> None:
        """Add the four labelled rows to ``form`` (the dialog's own by default)."""
        for label, edit in self.labelled().values():
            dialog.add_row(label, edit, form=form)

    def show(self, details: OfficeDetails) -> None:
        for attribute, (_label, edit) in self.labelled().items():
            edit.setText(getattr(details, attribute))

    def values(self) -> dict[str, str]:
        """What is typed, by OfficeDetails attribute."""
        return {attribute: edit.text() for attribute, (_l, edit) in self.labelled().items()}
