#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/hearth/) and, with --appimage, an AppImage.
#
#   bash packaging/linux/build.sh              # what `make package` runs
#   bash packaging/linux/build.sh --appimage   # also dist/Hearth-<version>-x86_64.AppImage
#   bash packaging/linux/build.sh --tarball    # also dist/hearth-<version>-linux-x86_64.tar.gz
#   bash packaging/linux/build.sh --check      # also run the release checks on the bundle
#   bash packaging/linux/build.sh --check --expect-backend cuda   # ... and require that backend
#
# Needs .venv/ (make venv). GPU build: `make clean-venv && make venv CMAKE_ARGS="-DGGML_CUDA=on"`
# first (llama-cpp-python is compiled into .venv/wheels/), then this script; the CUDA runtime
# libraries llama.cpp links (libcudart, libcublas, libcublasLt) are collected from the
# system by PyInstaller's dependency analysis, so build on a machine with the CUDA toolkit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
APPIMAGE=0
CHECK=0
TARBALL=0
EXPECT_BACKEND=""
while [ $# -gt 0 ]; do
    case "$1" in
        --appimage) APPIMAGE=1 ;;
        --check) CHECK=1 ;;
        --tarball) TARBALL=1 ;;
        --expect-backend | --expect-backend=*)
            if [ "$1" = --expect-backend ]; then
                [ $# -ge 2 ] || { echo "build.sh: --expect-backend needs a value" >&2; exit 2; }
                EXPECT_BACKEND="$2"
                shift
            else
                EXPECT_BACKEND="${1#--expect-backend=}"
            fi
            case "$EXPECT_BACKEND" in
                cpu | cuda | vulkan) CHECK=1 ;;
                *) echo "build.sh: --expect-backend is one of cpu, cuda, vulkan (Linux)" >&2; exit 2 ;;
            esac
            ;;
        -h | --help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is missing; installing it into .venv (it is in the dev extra)"
    "$PY" -m pip install --quiet "pyinstaller>=6.10"
fi

# One build at a time in this checkout (parallel `make test` runs share dist/ and build/).
mkdir -p "$ROOT/build"
if command -v flock >/dev/null; then
    exec 9>"$ROOT/build/.package.lock"
    flock 9
fi

if [ "$("$PY" -c 'import torch; print(torch.version.cuda or "")' 2>/dev/null)" != "" ]; then
    # Linux wheels of torch on PyPI are CUDA builds: ~3 GB of nvidia-* libraries the app
    # never uses (the embedder runs on the CPU; llama.cpp does the GPU work).
    echo "build.sh: WARNING: .venv has a CUDA build of torch; the bundle will be ~3 GB larger." >&2
    echo "  Fix: .venv/bin/pip install --force-reinstall torch==<version> --index-url https://download.pytorch.org/whl/cpu" >&2
fi

# Qt's X11 and Wayland plugins need a few libraries that are bundled only if the build
# machine has them; without them the window does not open on a user's minimal system.
QT_PLATFORMS="$("$PY" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms"))')"
missing="$(ldd "$QT_PLATFORMS"/*.so 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')"
if [ -n "$missing" ]; then
    echo "build.sh: WARNING: Qt platform plugins miss: $missing" >&2
    echo "  Fix (Debian/Ubuntu): apt install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libwayland-cursor0" >&2
fi

VERSION="$("$PY" -c 'import app; print(app.__version__)')"
start=$(date +%s)

echo "==> icons"
QT_QPA_PLATFORM=offscreen "$PY" packaging/icons.py "$ROOT/build/icons"

echo "==> PyInstaller (dist/hearth)"
# The work folder is kept between builds: PyInstaller reuses its analysis caches.
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/hearth.spec

BUNDLE="$DIST/hearth"
INTERNAL="$BUNDLE/_internal"

echo "==> desktop integration files"
install -Dm644 packaging/linux/hearth.desktop "$BUNDLE/share/applications/io.hearth.Hearth.desktop"
install -Dm644 packaging/linux/io.hearth.Hearth.metainfo.xml "$BUNDLE/share/metainfo/io.hearth.Hearth.metainfo.xml"
rm -rf "$BUNDLE/share/icons"
mkdir -p "$BUNDLE/share/icons"
cp -r "$ROOT/build/icons/hicolor" "$BUNDLE/share/icons/"
install -Dm755 packaging/linux/install.sh "$BUNDLE/install.sh"

echo "==> llama.cpp libraries: identical copies become links"
# The wheel stores libllama.so, libllama.so.0 and libllama.so.0.5.0 as three copies.
if [ -d "$INTERNAL/llama_cpp/lib" ]; then
    (
        cd "$INTERNAL/llama_cpp/lib"
        for f in *.so.*.*; do
            [ -f "$f" ] || continue
            base="${f%%.so.*}.so"
            for alias in "$base" "$base".[0-9]; do
                if [ -f "$alias" ] && [ ! -L "$alias" ] && [ "$alias" != "$f" ] && cmp -s "$alias" "$f"; then
                    ln -sf "$f" "$alias"
                fi
            done
        done
    )
fi

end=$(date +%s)
size_mb=$(du -sm "$BUNDLE" | cut -f1)
echo "==> dist/hearth: ${size_mb} MB, built in $((end - start)) s (hearth $VERSION)"
echo "$((end - start)) ${size_mb}" > "$ROOT/build/package-stats.txt"

if [ "$TARBALL" = 1 ]; then
    tar -C "$DIST" -czf "$DIST/hearth-$VERSION-linux-x86_64.tar.gz" hearth
    echo "==> dist/hearth-$VERSION-linux-x86_64.tar.gz ($(du -h "$DIST/hearth-$VERSION-linux-x86_64.tar.gz" | cut -f1))"
fi

if [ "$APPIMAGE" = 1 ]; then
    bash packaging/linux/appimage.sh "$VERSION"
fi

if [ "$CHECK" = 1 ]; then
    "$PY" packaging/check_bundle.py "$BUNDLE/hearth" ${EXPECT_BACKEND:+--expect-backend "$EXPECT_BACKEND"}
fi
