@echo off
rem Set everything up (first time only) and run every check offscreen, as test.sh does:
rem lint, format, types, the whole test suite. Extra arguments go to pytest.
cd /d "%~dp0"
call scripts\setup.bat --dev || exit /b 1
set QT_QPA_PLATFORM=offscreen
.venv\Scripts\ruff.exe check . || exit /b 1
.venv\Scripts\ruff.exe format --check . || exit /b 1
.venv\Scripts\mypy.exe || exit /b 1
.venv\Scripts\python.exe -m pytest -n auto --dist loadfile %*
