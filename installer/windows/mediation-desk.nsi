; The Windows installer of 乡镇人民调解工作台 (Mediation Desk), for NSIS 3 (makensis).
;
; Built by installer/windows/build_windows.sh, which passes:
;   /DVERSION=1.0.0          the package version (app/__init__.py __version__)
;   /DGENERATED=<dir>        install_files.nsh / uninstall_files.nsh from nsis_filelist.py
;   /DOUTFILE=<path.exe>     where the installer goes
;   /DICON=<path.ico>        installer/icons/mediation-desk.ico
; See installer/windows/README.md for what it does and the steps on a Windows machine.
;
; Install mode: per-machine (Program Files, all users' Start menu and desktop, HKLM) when the
; user can be an administrator (Windows asks once, UAC), per-user (%LOCALAPPDATA%\Programs,
; HKCU, no administrator needed) when not. /CurrentUser on the command line asks for
; per-user even to an administrator. The user's data is never in the program folder: it is
; in %LOCALAPPDATA%\MediationDesk\mediation-desk of each Windows user (platformdirs), which
; neither an upgrade nor the uninstaller touches.

; A 64-bit installer for a 64-bit program (Windows 10/11 x64; ARM64 Windows runs it
; emulated). It also runs under a 64-bit-only wine, where the build is tested.
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS Win10
SetCompressor /SOLID lzma
SetCompressorDictSize 64
RequestExecutionLevel highest

!ifndef VERSION
  !error "VERSION is not set (makensis /DVERSION=x.y.z)"
!endif
!ifndef GENERATED
  !error "GENERATED is not set (the folder with install_files.nsh and uninstall_files.nsh)"
!endif
!ifndef OUTFILE
  !define OUTFILE "mediation-desk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "../icons/mediation-desk.ico"
!endif
; VIProductVersion takes four numbers: 1.0.0 -> 1.0.0.0 (build_windows.sh passes it).
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif

!define APP_TITLE "乡镇人民调解工作台"
!define APP_ID "MediationDesk"
!define EXE "mediation-desk.exe"
!define PUBLISHER "乡镇人民调解工作台项目组"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define APP_KEY "Software\${APP_ID}"
; The sync starter file (外出准备文件) opens the program with --starter.
!define STARTER_EXT ".mdstart"
!define STARTER_PROGID "MediationDesk.StarterFile"
!define SHORTCUT "${APP_TITLE}.lnk"
; platformdirs.user_data_dir("mediation-desk", "MediationDesk") on Windows.
!define DATA_DIR_TEXT "%LOCALAPPDATA%\MediationDesk\mediation-desk"

Name "${APP_TITLE}"
Caption "${APP_TITLE} ${VERSION} 安装程序"
UninstallCaption "卸载${APP_TITLE}"
OutFile "${OUTFILE}"
BrandingText "${APP_TITLE} ${VERSION}"
InstallDir "$PROGRAMFILES64\${APP_ID}"
ShowInstDetails hide
ShowUninstDetails hide

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"

Var Mode          ; "machine" or "user"
Var OldVersion    ; DisplayVersion of an install found in the same scope, or ""
Var OldDir        ; where that install lies

; ---------------------------------------------------------------- pages

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "确实要退出${APP_TITLE}的安装吗？"

!define MUI_WELCOMEPAGE_TITLE "安装${APP_TITLE} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "本向导把${APP_TITLE}安装到这台电脑上。$\r$\n$\r$\n\
  案件数据保存在每个 Windows 用户自己的数据文件夹（${DATA_DIR_TEXT}）里，\
  不在程序文件夹中：升级或卸载程序都不会删除它。$\r$\n$\r$\n\
  如果程序正开着，请先保存手头的工作并关闭它。$\r$\n$\r$\n$_CLICK"
!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipDirectoryOnUpgrade
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "现在打开${APP_TITLE}"
!define MUI_FINISHPAGE_RUN_FUNCTION LaunchProgram
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从这台电脑上卸载${APP_TITLE}（$INSTDIR）。$\r$\n\
  案件数据（${DATA_DIR_TEXT}）和备份不会被删除，重新安装后可以继续使用。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APP_TITLE}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APP_TITLE}安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "${PUBLISHER}"

; ---------------------------------------------------------------- shared helpers

; Per-machine or per-user: sets $Mode, the shell folders ($SMPROGRAMS, $DESKTOP), SHCTX
; (HKLM or HKCU) and the 64-bit registry view. Used by the installer and the uninstaller.
!macro SET_MODE MODE
  StrCpy $Mode "${MODE}"
  SetRegView 64
  ${If} $Mode == "machine"
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

; Is the program running from $INSTDIR? Its .exe cannot be opened for writing while it runs
; (Windows holds the image). Asks the user to close it (重试/取消); a silent run waits up to
; 60 s (an administrator's push while a user is still in the program), then gives up.
!macro DEFINE_WAIT_FOR_CLOSE PREFIX
Function ${PREFIX}WaitForProgramToClose
  Push $0
  Push $1
  StrCpy $1 0
  ${DoWhile} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    ${If} ${Silent}
      IntOp $1 $1 + 1
      ${If} $1 > 60
        SetErrorLevel 5
        Quit
      ${EndIf}
      Sleep 1000
    ${Else}
      ${If} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
          "${APP_TITLE}正在运行。$\r$\n$\r$\n请先保存手头的工作，关闭程序的所有窗口，再点“重试”。" \
          IDCANCEL`
        SetErrorLevel 5
        Quit
      ${EndIf}
    ${EndIf}
  ${Loop}
  Pop $1
  Pop $0
FunctionEnd
!macroend
!insertmacro DEFINE_WAIT_FOR_CLOSE ""
!insertmacro DEFINE_WAIT_FOR_CLOSE "un."

; ---------------------------------------------------------------- installer

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APP_TITLE}需要 64 位的 Windows 10 或 Windows 11。" /SD IDOK
    SetErrorLevel 1
    Quit
  ${EndIf}
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${APP_TITLE}需要 Windows 10 或 Windows 11（64 位）。$\r$\n\
      这台电脑的 Windows 版本太旧，请联系单位的信息管理人员。" /SD IDOK
    SetErrorLevel 1
    Quit
  ${EndIf}

  ; Per-machine when this process can be an administrator (highestAvailable: Windows asked
  ; an administrator once), unless /CurrentUser was given.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/CurrentUser" $R1
  ${If} ${Errors}
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 == "Admin"
      !insertmacro SET_MODE "machine"
    ${Else}
      !insertmacro SET_MODE "user"
    ${EndIf}
  ${Else}
    !insertmacro SET_MODE "user"
  ${EndIf}

  ; A per-user install when a per-machine one already exists (or the other way round)
  ; would give two entries in 应用和功能 and two shortcuts: say which one is there.
  ${If} $Mode == "user"
    ReadRegStr $R2 HKLM "${UNINST_KEY}" "InstallLocation"
    ${If} $R2 != ""
      MessageBox MB_OK|MB_ICONSTOP "这台电脑已经为所有用户安装了${APP_TITLE}（$R2）。$\r$\n$\r$\n\
        升级它需要管理员权限：请用管理员账户运行这个安装程序，或请单位的信息管理人员升级。" /SD IDOK
      SetErrorLevel 4
      Quit
    ${EndIf}
  ${EndIf}

  ; Default folder, then the one an earlier version used (an upgrade stays where it was).
  ${If} $Mode == "machine"
    StrCpy $INSTDIR "$PROGRAMFILES64\${APP_ID}"
  ${Else}
    StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APP_ID}"
  ${EndIf}
  ReadRegStr $OldVersion SHCTX "${UNINST_KEY}" "DisplayVersion"
  ReadRegStr $OldDir SHCTX "${UNINST_KEY}" "InstallLocation"
  ${If} $OldDir != ""
  ${AndIf} ${FileExists} "$OldDir\${UNINSTALLER}"
    StrCpy $INSTDIR $OldDir
  ${Else}
    StrCpy $OldDir ""
    StrCpy $OldVersion ""
  ${EndIf}

  ${If} $OldVersion != ""
    ${VersionCompare} "${VERSION}" "$OldVersion" $R3
    ${If} $R3 == 2  ; this installer is older than what is installed
      ${If} ${Cmd} `MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
          "这台电脑上已经装了较新的${APP_TITLE} $OldVersion，这个安装程序是较旧的 ${VERSION}。$\r$\n$\r$\n\
          新版本用过的数据库，旧版本可能打不开。仍要换成旧版本吗？" /SD IDNO IDNO`
        SetErrorLevel 3
        Quit
      ${EndIf}
    ${EndIf}
  ${EndIf}
FunctionEnd

Function SkipDirectoryOnUpgrade
  ${If} $OldDir != ""
    Abort  ; an upgrade goes where the installed version is
  ${EndIf}
FunctionEnd

Section "-Program" SecProgram
  SetOutPath "$INSTDIR"
  Call WaitForProgramToClose

  ; An upgrade: the installed version's own uninstaller removes exactly its files (the
  ; list it was built with), keeping shortcuts, registry entries and, as always, the data.
  ; Run in place (_?=) so this installer waits for it.
  ${If} $OldDir != ""
    DetailPrint "正在移除旧版本 $OldVersion 的程序文件……"
    ClearErrors
    ExecWait '"$OldDir\${UNINSTALLER}" /S /UPGRADE _?=$OldDir' $R0
    ${If} ${Errors}
    ${OrIf} $R0 != 0
      DetailPrint "旧版本的卸载程序没有正常结束（$R0），直接覆盖安装。"
    ${EndIf}
    Delete "$OldDir\${UNINSTALLER}"
  ${EndIf}

  !include "${GENERATED}/install_files.nsh"

  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  ; Start menu (directly under 程序, as Windows 10/11 lists it) and desktop.
  SetOutPath "$INSTDIR"
  CreateShortcut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "登记、调解、结案、回访、归档人民调解案件"
  CreateShortcut "$DESKTOP\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "登记、调解、结案、回访、归档人民调解案件"

  ; Double-clicking a 外出准备文件 (.mdstart) opens it in the program.
  WriteRegStr SHCTX "Software\Classes\${STARTER_EXT}" "" "${STARTER_PROGID}"
  WriteRegStr SHCTX "Software\Classes\${STARTER_PROGID}" "" "调解工作台外出准备文件"
  WriteRegStr SHCTX "Software\Classes\${STARTER_PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "Software\Classes\${STARTER_PROGID}\shell\open\command" "" \
    '"$INSTDIR\${EXE}" --starter "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED

  ; 应用和功能 (Apps & features) / 程序和功能.
  WriteRegStr SHCTX "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegStr SHCTX "${UNINST_KEY}" "Comments" "案件数据保存在 ${DATA_DIR_TEXT}，卸载不会删除"
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $R0 $R1 $R2  ; KiB, as EstimatedSize wants
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$R0"
SectionEnd

; From an elevated installer the program would run as the administrator who approved
; the UAC prompt (with that account's data folder): start it through Explorer instead,
; which runs it as the signed-in user.
Function LaunchProgram
  ${If} $Mode == "machine"
    Exec '"$WINDIR\explorer.exe" "$INSTDIR\${EXE}"'
  ${Else}
    Exec '"$INSTDIR\${EXE}"'
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstaller

Function un.onInit
  ; Which scope this copy was installed in: the per-machine entry names this folder.
  ReadRegStr $R0 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $R0 == $INSTDIR
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      MessageBox MB_OK|MB_ICONSTOP "${APP_TITLE}是为这台电脑的所有用户安装的，卸载需要管理员权限。$\r$\n\
        请用管理员账户卸载，或请单位的信息管理人员卸载。" /SD IDOK
      SetErrorLevel 4
      Quit
    ${EndIf}
    !insertmacro SET_MODE "machine"
  ${Else}
    !insertmacro SET_MODE "user"
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Call un.WaitForProgramToClose

  ; Exactly the files this version installed; folders only once empty. The data folder
  ; (${DATA_DIR_TEXT}) is not under $INSTDIR and is never named here.
  !include "${GENERATED}/uninstall_files.nsh"

  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/UPGRADE" $R1
  ${If} ${Errors}  ; a real uninstall, not the first step of an upgrade
    Delete "$SMPROGRAMS\${SHORTCUT}"
    Delete "$DESKTOP\${SHORTCUT}"
    ReadRegStr $R2 SHCTX "Software\Classes\${STARTER_EXT}" ""
    ${If} $R2 == "${STARTER_PROGID}"
      DeleteRegKey SHCTX "Software\Classes\${STARTER_EXT}"
    ${EndIf}
    DeleteRegKey SHCTX "Software\Classes\${STARTER_PROGID}"
    System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
    DeleteRegKey SHCTX "${UNINST_KEY}"
    DeleteRegKey SHCTX "${APP_KEY}"
  ${EndIf}

  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
SectionEnd
