"""Mediation Desk (乡镇人民调解工作台)."""

__version__ = "1.0.0"
APP_NAME = "mediation-desk"
APP_TITLE = "乡镇人民调解工作台"
