#!/usr/bin/env bash
# Install this Hearth folder for the current user: a `hearth` command in ~/.local/bin, the
# menu entry and the icons. Run it from the unpacked folder; `install.sh --uninstall` undoes it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN="$HOME/.local/bin"
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$BIN/hearth" "$DATA/applications/io.hearth.Hearth.desktop" "$DATA/metainfo/io.hearth.Hearth.metainfo.xml"
    find "$DATA/icons/hicolor" -name 'io.hearth.Hearth.*' -delete 2>/dev/null || true
    echo "Hearth removed from the menu (this folder and your data are left alone)."
    exit 0
fi
mkdir -p "$BIN" "$DATA/applications" "$DATA/metainfo"
ln -sf "$HERE/hearth" "$BIN/hearth"
sed "s|^Exec=hearth|Exec=$HERE/hearth|; s|^TryExec=hearth|TryExec=$HERE/hearth|" \
    "$HERE/share/applications/io.hearth.Hearth.desktop" > "$DATA/applications/io.hearth.Hearth.desktop"
cp "$HERE/share/metainfo/io.hearth.Hearth.metainfo.xml" "$DATA/metainfo/"
mkdir -p "$DATA/icons"
cp -r "$HERE/share/icons/hicolor" "$DATA/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "Hearth installed: find it in your applications menu, or run 'hearth' ($BIN must be on PATH)."
