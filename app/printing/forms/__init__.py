"""The Ministry of Justice's model forms other than the agreement, one module each.

Every module has ``KEY``, ``TITLE``, ``STATES`` (the case states that offer it),
``offered(case)``, ``build(case, office) -> bytes`` and ``build_blank(office) -> bytes``;
:mod:`app.printing.registry` lists them.
"""
