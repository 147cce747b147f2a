; Inno Setup 6 script for Hearth. packaging\windows\build.ps1 runs it as
;   iscc /DAppVersion=0.1.0 /DFlavor=-cuda /DSourceDir=...\dist\hearth /DIconFile=...\hearth.ico /O...\dist hearth.iss
; Per-user install by default (no admin prompt); the user can choose all users.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Flavor
  #define Flavor ""
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\hearth"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\hearth.ico"
#endif

[Setup]
AppId={{6B7C1E2A-4F0D-4C55-9B59-8E2D3A1F7C41}
AppName=Hearth
AppVersion={#AppVersion}
AppVerName=Hearth {#AppVersion}
AppPublisher=Hearth developers
DefaultDirName={autopf}\Hearth
DefaultGroupName=Hearth
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename=Hearth-{#AppVersion}-windows-x64{#Flavor}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\HearthApp.exe
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
ChangesEnvironment=yes
MinVersion=10.0.17763

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the 'hearth' command to PATH"; GroupDescription: "Command line:"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Hearth"; Filename: "{app}\HearthApp.exe"; AppUserModelID: "io.hearth.Hearth"
Name: "{autodesktop}\Hearth"; Filename: "{app}\HearthApp.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\HearthApp.exe"; Description: "{cm:LaunchProgram,Hearth}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the app wrote next to itself; the user's models, chats and documents stay in
; their data folder (hearth doctor prints it).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Current) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
