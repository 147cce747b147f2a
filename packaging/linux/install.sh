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
# The menu entry runs this folder's hearth by its full path, which may hold spaces or other
# characters the Desktop Entry format reserves. Exec takes a quoted argument: inside the
# quotes \ " ` $ are backslash-escaped, % is doubled, and then (as in every string value)
# each backslash is doubled once more. TryExec is a plain string: only \ is escaped.
exe="$HERE/hearth"
arg="${exe//\\/\\\\}"
arg="${arg//\"/\\\"}"
arg="${arg//\`/\\\`}"
arg="${arg//\$/\\\$}"
arg="${arg//%/%%}"
arg="${arg//\\/\\\\}"
try="${exe//\\/\\\\}"
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        Exec=hearth | "Exec=hearth "*) printf 'Exec="%s"%s\n' "$arg" "${line#Exec=hearth}" ;;
        TryExec=hearth) printf 'TryExec=%s\n' "$try" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$HERE/share/applications/io.hearth.Hearth.desktop" > "$DATA/applications/io.hearth.Hearth.desktop"
cp "$HERE/share/metainfo/io.hearth.Hearth.metainfo.xml" "$DATA/metainfo/"
mkdir -p "$DATA/icons"
cp -r "$HERE/share/icons/hicolor" "$DATA/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "Hearth installed: find it in your applications menu, or run 'hearth' ($BIN must be on PATH)."
