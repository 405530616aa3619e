"""Reading what people type and what spreadsheet cells hold: the one place for it.

- :mod:`.dates`: dates (2023.5.6, 2023年5月6日, 二〇二三年五月六日, 5月6日 with a year
  given, Excel serials) → ``datetime.date``;
- :mod:`.money`: amounts (3600, 1.2万元, 12,000, ¥12000.00, 壹万贰仟元整) → whole fen;
- :mod:`.numerals`: Chinese numerals, for both;
- :mod:`.cells`: what a sheet's cell holds, and the text the user sees in it;
- :mod:`.errors`: :class:`~.errors.ParseError`, whose ``message`` says in plain Chinese what
  was written and how to write it.

Each reader comes in the shapes its callers need: a text (what is typed or written),
a cell (a number, a date or a text, as a spreadsheet reader gives it) and a form's field
(a ValidationError naming the field). The UI only calls these and shows their messages.
docs/architecture.md ("Adding a date or money format") says where a new spelling goes.
"""
