@echo off
rem Shared set-up for run.bat and test.bat, the Windows side of scripts/setup.sh: .venv with
rem 64-bit Python 3.11 (python.org), then the locked packages, only what is missing
rem (scripts\deps.py, from requirements\ with hashes; --dev adds the test tools).
rem   scripts\setup.bat [--dev]
rem UTF-8 for the Chinese lines below (this file is UTF-8).
chcp 65001 >nul
setlocal
rem and for Python's own lines when they go to a pipe or a file, not the console
set PYTHONUTF8=1
cd /d "%~dp0.."
set "done="
if not exist .venv\Scripts\python.exe goto make
findstr /r /c:"^version.* = 3\.11\." .venv\pyvenv.cfg >nul 2>&1 && goto deps

:make
rem a .venv made by another Python, or half made, is made anew
echo 创建 Python 环境（.venv）……
if exist .venv rmdir /s /q .venv
py -3.11 -m venv .venv >nul 2>&1
if exist .venv\Scripts\python.exe goto made
python -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" >nul 2>&1 && python -m venv .venv
if exist .venv\Scripts\python.exe goto made
echo 找不到 Python 3.11。请从 python.org 安装 64 位的 Python 3.11（或用安装程序安装本程序）。
exit /b 1
:made
set "done=--say-done"

:deps
.venv\Scripts\python.exe scripts\deps.py %1 %done%
