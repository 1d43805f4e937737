; Dispatch Desk - the Windows installer (NSIS 3). Per-machine, 64-bit, silent-capable.
;
; Compile (installer/README.md, "Windows"):
;   makensis -DVERSION=0.1.0 -DPAYLOAD=dist\windows\dispatch-desk ^
;            -DOUTFILE=dist\dispatch-desk-setup-0.1.0.exe ^
;            -DICON=resources\icons\dispatch-desk.ico installer\windows\dispatch-desk.nsi
; PAYLOAD is the Windows PyInstaller build (dispatch-desk.exe, dispatch.exe, _internal\).
;
; Install silently:   dispatch-desk-setup-0.1.0.exe /S [/D=C:\Program Files\Dispatch Desk]
; Uninstall silently: "C:\Program Files\Dispatch Desk\uninstall.exe" /S
; (/D must come last and is written without quotes, as NSIS wants it.)
; User data (%LOCALAPPDATA%\dispatch-desk) and the machine-wide configuration
; (%PROGRAMDATA%\dispatch-desk\config.toml) are never touched by install, upgrade or uninstall.

Unicode true

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef PAYLOAD
  !error "define PAYLOAD: the Windows PyInstaller build, e.g. -DPAYLOAD=dist\windows\dispatch-desk"
!endif
!ifndef OUTFILE
  !define OUTFILE "dispatch-desk-setup-${VERSION}.exe"
!endif

!define APP "Dispatch Desk"
!define PUBLISHER "Dispatch Desk developers"
!define REGKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DispatchDesk"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "Software\${APP}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ManifestDPIAware true
BrandingText "${APP} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\dispatch-desk.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "GPL-3.0-or-later"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all  ; Start menu entry for every user of the PC
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "${APP}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program: the old libraries go first so none is left over.
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortCut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\dispatch-desk.exe" "" \
    "$INSTDIR\dispatch-desk.exe" 0
  CreateShortCut "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${REGKEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${REGKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${REGKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${REGKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${REGKEY}" "DisplayIcon" "$INSTDIR\dispatch-desk.exe"
  WriteRegStr HKLM "${REGKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${REGKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${REGKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${REGKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  ; Only what the installer put there: never the users' data or %PROGRAMDATA%.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\dispatch-desk.exe"
  Delete "$INSTDIR\dispatch.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${REGKEY}"
  DeleteRegKey HKLM "Software\${APP}"
SectionEnd
