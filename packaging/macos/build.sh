#!/usr/bin/env bash
# Build dist/Hearth.app and dist/Hearth-<version>-macos-arm64.dmg on an Apple Silicon Mac
# with macOS 14 or later (Metal). Run from anywhere; needs Python 3.11, Xcode command line
# tools, CMake. Intel Macs cannot build it: PyTorch (the document Q&A embedder) publishes no
# macOS x86_64 wheels after 2.2, and torch 2.13's arm64 wheels need macOS 14.
#
#   bash packaging/macos/build.sh             # Metal build of llama-cpp-python (the default)
#   HEARTH_CPU_ONLY=1 bash packaging/macos/build.sh
#   CODESIGN_IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=hearth bash packaging/macos/build.sh
#
# llama-cpp-python is compiled here with CMAKE_ARGS="-DGGML_METAL=on" into a separate venv
# (.venv-macos-release/), so the development .venv stays as it is. The Metal shaders are
# embedded in libggml-metal (GGML_METAL_EMBED_LIBRARY, the default), so nothing extra ships.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv-macos-release}"
PY="$VENV/bin/python"
LLAMA_VERSION="$(sed -n 's/^LLAMA_VERSION := //p' Makefile)"
TORCH_VERSION="$(sed -n 's/^TORCH_VERSION := //p' Makefile)"
ARCH="$(uname -m)"

if [ "$ARCH" != arm64 ]; then
    echo "build.sh: $ARCH is not supported: torch $TORCH_VERSION has no macOS $ARCH wheel (PyTorch" >&2
    echo "  stopped publishing Intel-Mac builds after 2.2). Build on an Apple Silicon Mac." >&2
    exit 1
fi
if [ "${HEARTH_CPU_ONLY:-0}" = 1 ]; then
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=off}"
    EXPECT=cpu
else
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=on}"
    EXPECT=metal
fi
# The same floor as LSMinimumSystemVersion in Info.plist (torch's wheels need macOS 14).
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-14.0}"

echo "==> venv $VENV (llama-cpp-python $LLAMA_VERSION, CMAKE_ARGS=$CMAKE_ARGS)"
[ -x "$PY" ] || python3.11 -m venv "$VENV"
"$PY" -m pip install --quiet --upgrade pip wheel setuptools
# torch from PyPI is CPU/MPS on macOS (no CUDA payload to avoid).
"$PY" -m pip install --quiet "torch==$TORCH_VERSION"
"$PY" -m pip install --quiet --no-cache-dir --force-reinstall --no-deps "llama-cpp-python==$LLAMA_VERSION"
"$PY" -m pip install --quiet -e ".[dev]"

echo "==> icons (build/icons/hearth.icns)"
QT_QPA_PLATFORM=offscreen "$PY" packaging/icons.py "$ROOT/build/icons"

echo "==> PyInstaller (dist/Hearth.app)"
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller-macos \
    packaging/hearth.spec
APP="dist/Hearth.app"
VERSION="$("$PY" -c 'import app; print(app.__version__)')"
# The spec wrote Info.plist from packaging/macos/Info.plist before PyInstaller signed the .app
# (ad hoc); changing anything inside the .app now would invalidate that signature.
plutil -lint "$APP/Contents/Info.plist"
[ "$(plutil -extract CFBundleShortVersionString raw "$APP/Contents/Info.plist")" = "$VERSION" ] || {
    echo "build.sh: Info.plist of $APP does not carry version $VERSION" >&2; exit 1; }
plutil -extract CFBundleDocumentTypes xml1 -o /dev/null "$APP/Contents/Info.plist"
echo "==> built in $(( $(date +%s) - start )) s, $(du -sh "$APP" | cut -f1)"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    echo "==> signing with hardened runtime"
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
else
    # Apple Silicon runs nothing unsigned: seal the final contents ad hoc (PyInstaller signs
    # ad hoc as well; this keeps the seal valid whatever a later step of PyInstaller wrote).
    codesign --force --deep --sign - "$APP"
fi
codesign --verify --deep --strict --verbose=2 "$APP"

echo "==> release checks (expect backend: $EXPECT)"
"$PY" packaging/check_bundle.py "$APP/Contents/MacOS/hearth" --expect-backend "$EXPECT"

DMG="dist/Hearth-$VERSION-macos-$ARCH.dmg"
echo "==> $DMG"
rm -f "$DMG"
STAGE="$(mktemp -d)"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Hearth $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    codesign --sign "$CODESIGN_IDENTITY" --timestamp "$DMG"
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
fi
echo "==> done: $APP, $DMG"
