@echo off
rem Set everything up (first time only) and open Mediation Desk from source: Windows 10 or
rem newer with 64-bit Python 3.11 from python.org. Office PCs use the installer instead.
rem Extra arguments go to the program, e.g. run.bat --demo
cd /d "%~dp0"
call scripts\setup.bat || exit /b 1
.venv\Scripts\pythonw.exe -m app %*
