# Build dist\hearth\ (hearth.exe for the command line, HearthApp.exe for the window) and the
# installer dist\Hearth-<version>-windows-x64[-cuda]-setup.exe.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1          # CPU
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -Cuda    # NVIDIA CUDA
#
# Needs: Python 3.11 (py launcher), Visual Studio 2022 Build Tools (C++ workload), CMake,
# Inno Setup 6 (iscc.exe on PATH or in its default folder). -Cuda also needs the CUDA
# Toolkit 12.x (CUDA_PATH set by its installer): llama-cpp-python is compiled with
# CMAKE_ARGS="-DGGML_CUDA=on" and the cudart/cuBLAS DLLs are copied into the bundle.
# A separate venv (.venv-windows-release\) keeps the development venv as it is.
param(
    [switch]$Cuda,
    [string]$CudaArchitectures = "75;80;86;89;90",  # Turing to Hopper; add 120 for Blackwell
    [switch]$SkipChecks
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root
$Venv = Join-Path $Root ".venv-windows-release"
$Py = Join-Path $Venv "Scripts\python.exe"
$LlamaVersion = (Select-String -Path Makefile -Pattern '^LLAMA_VERSION := (.+)$').Matches[0].Groups[1].Value
$TorchVersion = (Select-String -Path Makefile -Pattern '^TORCH_VERSION := (.+)$').Matches[0].Groups[1].Value

if ($Cuda) {
    if (-not $env:CUDA_PATH) { throw "-Cuda needs the CUDA Toolkit (CUDA_PATH is not set)" }
    $env:CMAKE_ARGS = "-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=$CudaArchitectures"
    $Expect = "cuda"; $Flavor = "-cuda"
} else {
    $env:CMAKE_ARGS = "-DGGML_CUDA=off"
    $Expect = "cpu"; $Flavor = ""
}

Write-Host "==> venv $Venv (llama-cpp-python $LlamaVersion, CMAKE_ARGS=$env:CMAKE_ARGS)"
if (-not (Test-Path $Py)) { py -3.11 -m venv $Venv }
& $Py -m pip install --quiet --upgrade pip wheel setuptools
# CPU torch: the embedder runs on the CPU; the CUDA wheel would add ~2.5 GB to the bundle.
& $Py -m pip install --quiet "torch==$TorchVersion"  # PyPI has only the CPU build for Windows
& $Py -m pip install --quiet --no-cache-dir --force-reinstall --no-deps "llama-cpp-python==$LlamaVersion"
& $Py -m pip install --quiet -e ".[dev]"
if ($LASTEXITCODE -ne 0) { throw "pip failed" }

Write-Host "==> icons (build\icons\hearth.ico)"
$env:QT_QPA_PLATFORM = "offscreen"
& $Py packaging\icons.py build\icons
Remove-Item Env:\QT_QPA_PLATFORM

Write-Host "==> PyInstaller (dist\hearth)"
$sw = [Diagnostics.Stopwatch]::StartNew()
& $Py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller-windows packaging\hearth.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Size = "{0:N0} MB" -f ((Get-ChildItem dist\hearth -Recurse | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "==> built in $([int]$sw.Elapsed.TotalSeconds) s, $Size"

if (-not $SkipChecks) {
    Write-Host "==> release checks (expect backend: $Expect)"
    & $Py packaging\check_bundle.py dist\hearth\hearth.exe --expect-backend $Expect
    if ($LASTEXITCODE -ne 0) { throw "bundle checks failed" }
}

$Version = (& $Py -c "import app; print(app.__version__)").Trim()
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
Write-Host "==> installer ($Iscc)"
& $Iscc "/DAppVersion=$Version" "/DFlavor=$Flavor" "/DSourceDir=$Root\dist\hearth" "/DIconFile=$Root\build\icons\hearth.ico" "/O$Root\dist" packaging\windows\hearth.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "==> done: dist\Hearth-$Version-windows-x64$Flavor-setup.exe"
