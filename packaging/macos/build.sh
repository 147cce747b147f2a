#!/usr/bin/env bash
# Build dist/Hearth.app and dist/Hearth-<version>-macos-<arch>.dmg on a Mac (Apple Silicon:
# Metal; Intel: CPU). Run from anywhere; needs Python 3.11, Xcode command line tools, CMake.
#
#   bash packaging/macos/build.sh             # Metal build of llama-cpp-python (default on arm64)
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

if [ "${HEARTH_CPU_ONLY:-0}" = 1 ] || [ "$ARCH" != arm64 ]; then
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=off}"
    EXPECT=cpu
else
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=on}"
    EXPECT=metal
fi
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-12.0}"

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
# Our Info.plist template carries the document types and descriptions PyInstaller does not.
VERSION="$("$PY" -c 'import app; print(app.__version__)')"
sed "s/@VERSION@/$VERSION/g" packaging/macos/Info.plist > "$APP/Contents/Info.plist"
plutil -lint "$APP/Contents/Info.plist"
echo "==> built in $(( $(date +%s) - start )) s, $(du -sh "$APP" | cut -f1)"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    echo "==> signing with hardened runtime"
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

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
