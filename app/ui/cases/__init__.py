"""Case work: the 登记纠纷 dialog, the case window and one small dialog per life-cycle step.

The main window uses ``register_dialog.RegisterDialog`` (signal ``registered(case_id)``)
and ``case_window.CaseWindow`` (signal ``changed(case_id)``). Inside:

- widgets.py: shared inputs, field error lines, formatting; flow_layout.py: wrapping row
- service_dialog.py: the base of every form that ends in one service call
- party_form.py: one party (person or organisation) and the 增加/修改当事人 dialog
- action_dialogs.py, close_dialog.py: one dialog per step, looked up by ``dialog_for``
- details_page.py: the editable 案情 tab; case_pages.py: the text of the read-only panes
- tables.py: the table model and its column sets
"""
