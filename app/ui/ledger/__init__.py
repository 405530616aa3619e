"""The 台账 in and out of Excel: 导出台账 (export.py) and 从 Excel 台账导入 (import_wizard.py).

Both run their long work off the GUI thread (app/ui/jobs.py); the rules of the files are
in app/models/ledger.py, app/models/ledger_import/ and docs/ledger.md.
"""

from app.ui.ledger.export import ExportDialog, open_export
from app.ui.ledger.import_wizard import ImportWizard, open_import

__all__ = ["ExportDialog", "ImportWizard", "open_export", "open_import"]
