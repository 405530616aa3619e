"""村居档案: the village registries of the 七个一 work (app.models.registries), in one window.

Each registry is declared once, in app/models/registries (a RegistryKind: its fields, table
columns, services and spreadsheet); these widgets read the declaration.

page.py    one registry: place filter, table, 新增/修改/停用/删除, import/export
form.py    the add/edit form built from the registry's fields
sheets.py  template, export, and import with a preview (nothing written until 导入)
window.py  RegistriesWindow: a tab per registry
"""
