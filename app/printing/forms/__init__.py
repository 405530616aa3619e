"""The Ministry of Justice's model forms other than the agreement, one module each.

Every module holds one form class (:mod:`app.printing.forms.base`) and its instance
``FORM``, which :mod:`app.printing.registry` lists; the module's ``KEY``, ``TITLE``,
``build(case, office)``, ``build_blank(office)`` and ``offered(case)`` are the form's.
"""
