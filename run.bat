@echo off
rem Set everything up (first time only) and open Mediation Desk (Windows 10 or newer).
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || python -m venv .venv || (echo 找不到 Python 3.10+，请先安装 & exit /b 1)
)
.venv\Scripts\python.exe -m pip install -q -e . || exit /b 1
.venv\Scripts\pythonw.exe -m app %*
