@echo off
rem Set everything up (first time only) and run every check offscreen (Windows 10 or newer).
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || python -m venv .venv || (echo 找不到 Python 3.10+，请先安装 & exit /b 1)
)
.venv\Scripts\python.exe -m pip install -q -e .[dev] || exit /b 1
set QT_QPA_PLATFORM=offscreen
.venv\Scripts\ruff.exe check . || exit /b 1
.venv\Scripts\mypy.exe || exit /b 1
.venv\Scripts\python.exe -m pytest %*
