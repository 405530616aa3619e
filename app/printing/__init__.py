"""Documents as PDF (reportlab): plain data in, bytes out. No Qt here, ever.

- :mod:`app.printing.registry` lists every printable document (title, paper, builders).
- :mod:`app.printing.agreement` is the 人民调解协议书.
- :mod:`app.printing.layout` holds the page, type sizes, Chinese line breaking, the PDF builder.
- :mod:`app.printing.fonts` registers the shipped fonts once and falls back per character.
- :mod:`app.printing.money` writes amounts in Chinese capitals and in figures.

See docs/printing.md.
"""
