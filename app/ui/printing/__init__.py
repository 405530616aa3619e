"""Printing in the program: preview, print, save as PDF, the 打印 menu of a case and the
bound case file (打印卷宗). The documents themselves come from app/printing.

    from app.ui.printing.menu import documents_menu, open_case_file, open_preview

    documents_menu(db, case_id, parent) -> QMenu      # "打印": the case's documents,
                                                     # 打印卷宗…, 空白表格 ▸ (re-read on show)
    open_preview(db, key, case_id, parent)           # one document; case_id=None: blank form
    open_case_file(db, case_id, parent)              # closed/archived cases, off the GUI thread

Modules:
  preview.py        PreviewWindow: QPdfView of the exact bytes, zoom, pages, 打印…, 另存为PDF…;
                    font problems shown once (warn_font_problems)
  render.py         pages of a QPdfDocument onto a QPrinter (print range, copies, A4 fit)
  files.py          file names for the save dialog; all-or-nothing writes with plain messages
  case_file_job.py  the bound case file (app/printing/case_file.py) built in a worker thread
  menu.py           the menu and the two entry points above; why a document is not offered
                    is the document's to say (PrintableForm.unavailable_reason)
  context.py        OfficeInfo from the database (the case's own committee)
"""
