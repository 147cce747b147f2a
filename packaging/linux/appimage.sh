#!/usr/bin/env bash
# Turn dist/hearth/ into dist/Hearth-<version>-x86_64.AppImage (build.sh --appimage runs this).
#
#   bash packaging/linux/appimage.sh [VERSION]
#
# Needs appimagetool (https://github.com/AppImage/appimagetool/releases): on PATH, or its
# path in APPIMAGETOOL. Without it the AppDir is still prepared (build/AppDir) and the
# script says so. Build on the oldest distribution you support (glibc of the build machine
# is the floor), e.g. in a Debian 12 or Ubuntu 22.04 container.
#
# HEARTH_BUNDLE (default dist/hearth), HEARTH_ICONS (default build/icons, from icons.py) and
# APPDIR (default build/AppDir) point it elsewhere.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VERSION="${1:-$("$ROOT/.venv/bin/python" -c 'import app; print(app.__version__)')}"
BUNDLE="${HEARTH_BUNDLE:-$ROOT/dist/hearth}"
ICONS="${HEARTH_ICONS:-$ROOT/build/icons}"
APPDIR="${APPDIR:-$ROOT/build/AppDir}"
[ -x "$BUNDLE/hearth" ] || { echo "appimage.sh: build dist/hearth first (make package)" >&2; exit 1; }
[ -f "$ICONS/hearth.png" ] || { echo "appimage.sh: no $ICONS/hearth.png (packaging/icons.py)" >&2; exit 1; }

rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/bin" "$APPDIR/usr/share"
cp -a "$BUNDLE" "$APPDIR/usr/lib/hearth"
ln -s ../lib/hearth/hearth "$APPDIR/usr/bin/hearth"
cp -a "$BUNDLE/share/." "$APPDIR/usr/share/"
rm -f "$APPDIR/usr/lib/hearth/install.sh"
cp packaging/linux/hearth.desktop "$APPDIR/io.hearth.Hearth.desktop"
cp "$ICONS/hearth.png" "$APPDIR/io.hearth.Hearth.png"
ln -s io.hearth.Hearth.png "$APPDIR/.DirIcon"
# appimagetool validates the AppStream file under this name
cp packaging/linux/io.hearth.Hearth.metainfo.xml "$APPDIR/usr/share/metainfo/io.hearth.Hearth.appdata.xml"
rm -f "$APPDIR/usr/share/metainfo/io.hearth.Hearth.metainfo.xml"
cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
# The AppImage's entry: the bundled hearth with the arguments given (none: the window).
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/hearth/hearth" "$@"
RUN
chmod +x "$APPDIR/AppRun"

TOOL="${APPIMAGETOOL:-$(command -v appimagetool || true)}"
OUT="$ROOT/dist/Hearth-$VERSION-x86_64.AppImage"
if [ -z "$TOOL" ]; then
    echo "appimage.sh: AppDir ready at $APPDIR; install appimagetool (or set APPIMAGETOOL) to pack it"
    exit 0
fi
ARCH=x86_64 "$TOOL" "$APPDIR" "$OUT"
echo "==> $OUT ($(du -h "$OUT" | cut -f1))"
