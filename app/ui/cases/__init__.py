"""Case work: the 登记纠纷 dialog, the case window and one small dialog per life-cycle step.

The main window imports the modules lazily:
``app.ui.cases.register_dialog.RegisterDialog`` and ``app.ui.cases.case_window.CaseWindow``.
"""
