"""The packaging files, checked without building a bundle (fast; the slow test builds one).

macOS Info.plist (the one source the spec merges) and entitlements, the ICO/ICNS/PNG icons
``packaging/icons.py`` writes byte by byte, the Linux ``.desktop`` file against the AppStream
metainfo, ``linux/appimage.sh`` (AppDir without appimagetool) and ``linux/install.sh`` run on
a stand-in bundle folder, ``linux/build.sh`` options, the in-bundle ``--absent`` check run
from source, and the release checks' list of absent modules against the spec's excludes.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.hearth.Hearth"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _load(name: str) -> ModuleType:
    # packaging/ is not a package (its name would shadow the `packaging` distribution).
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_MAGIC, png[:8]
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Desktop Entry"])


def _desktop_string(value: str) -> str:
    """A Desktop Entry string value unescaped (\\s \\n \\t \\r \\\\)."""
    table = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(0)), value)


def _exec_argv(value: str) -> list[str]:
    """The arguments of an Exec key, as the Desktop Entry specification splits them."""
    text, args, i = _desktop_string(value), [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        arg = ""
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\":
                    assert text[i + 1] in '"`$\\', f"bad escape in {value!r}"
                    i += 1
                arg += text[i]
                i += 1
            i += 1
        else:
            while i < len(text) and text[i] != " ":
                assert text[i] not in "\"'\\`$", f"reserved character unquoted in {value!r}"
                arg += text[i]
                i += 1
        args.append(arg.replace("%%", "%"))
    return args


def _spec_literal(name: str) -> object:
    """A module-level list/dict literal of hearth.spec (the spec runs only under PyInstaller)."""
    tree = ast.parse((PACKAGING / "hearth.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not in hearth.spec")


# --- macOS --------------------------------------------------------------------------------


def test_macos_info_plist_is_the_single_complete_source() -> None:
    plist = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert plist["CFBundleIdentifier"] == APP_ID
    assert plist["CFBundleExecutable"] == "hearth"  # the EXE name in hearth.spec
    assert plist["CFBundleIconFile"] == "hearth.icns"  # what icons.py writes
    assert plist["CFBundlePackageType"] == "APPL"
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "@VERSION@"
    assert plist["NSHighResolutionCapable"] is True
    assert plist["NSLocalNetworkUsageDescription"]  # asked for by `hearth serve` on a LAN
    (gguf,) = plist["CFBundleDocumentTypes"]
    assert gguf["CFBundleTypeExtensions"] == ["gguf"] and gguf["CFBundleTypeRole"] == "Viewer"
    # torch's macOS wheels (arm64 only) need macOS 14; build.sh compiles for the same floor
    assert plist["LSMinimumSystemVersion"] == "14.0"
    build = (PACKAGING / "macos" / "build.sh").read_text(encoding="utf-8")
    target = re.search(r'MACOSX_DEPLOYMENT_TARGET:-([0-9.]+)\}"', build)
    assert target is not None and target.group(1) == plist["LSMinimumSystemVersion"]

    # What the spec hands to BUNDLE(info_plist=...): the file with the version filled in.
    merged = {k: ("1.2.3" if v == "@VERSION@" else v) for k, v in plist.items()}
    again = plistlib.loads(plistlib.dumps(merged, fmt=plistlib.FMT_XML))
    assert again["CFBundleVersion"] == "1.2.3" and again["CFBundleDocumentTypes"]
    spec = (PACKAGING / "hearth.spec").read_text(encoding="utf-8")
    assert '"packaging" / "macos" / "Info.plist"' in spec and "info_plist=_plist" in spec

    # Nothing rewrites Info.plist inside the built .app (that would break its signature).
    writes = [
        line
        for line in build.splitlines()
        if "Contents/Info.plist" in line and re.search(r">\s*\"?\$APP/Contents/Info.plist", line)
    ]
    assert not writes, writes
    assert "codesign --verify --deep --strict" in build


def test_macos_entitlements_parse() -> None:
    ent = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert ent["com.apple.security.network.server"] is True
    assert all(isinstance(v, bool) for v in ent.values())


def test_macos_build_refuses_intel_macs(tmp_path: Path) -> None:
    """torch 2.13 has no macOS x86_64 wheel: the script says so before it sets anything up."""
    fake = tmp_path / "bin"
    fake.mkdir()
    for name, body in (("uname", "echo x86_64"), ("python3.11", "exit 99")):
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    proc = subprocess.run(
        ["bash", str(PACKAGING / "macos" / "build.sh")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{fake}:/usr/bin:/bin", "VENV": str(tmp_path / "venv")},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "x86_64 is not supported" in proc.stderr and "no macOS x86_64 wheel" in proc.stderr
    assert not (tmp_path / "venv").exists()


# --- icons ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icons")
    proc = subprocess.run(
        [sys.executable, str(PACKAGING / "icons.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_ico_structure(icons: Path) -> None:
    mod = _load("icons")
    data = (icons / "hearth.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, len(mod.ICO_SIZES))
    end = 6 + 16 * count
    sizes = []
    for i in range(count):
        w, h, colors, res, planes, bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        size = w or 256  # 0 means 256
        assert (w, colors, res, planes, bpp) == (h, 0, 0, 1, 32)
        assert offset == end, "entries are packed one after the other"
        assert _png_size(data[offset : offset + length]) == (size, size)
        end = offset + length
        sizes.append(size)
    assert end == len(data)
    assert sizes == sorted(mod.ICO_SIZES)


def test_icns_structure(icons: Path) -> None:
    mod = _load("icons")
    data = (icons / "hearth.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    pos, seen = 8, []
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack_from(">I", data, pos + 4)[0]
        assert length > 8 and pos + length <= len(data)
        size = dict(mod.ICNS_TYPES)[kind]
        assert _png_size(data[pos + 8 : pos + length]) == (size, size), kind
        seen.append(kind)
        pos += length
    assert pos == len(data)
    assert seen == [kind for kind, _ in mod.ICNS_TYPES]
    assert {1024, 16} <= {size for _, size in mod.ICNS_TYPES}


def test_linux_icons(icons: Path) -> None:
    mod = _load("icons")
    for size in mod.LINUX_SIZES:
        png = (icons / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
        assert _png_size(png) == (size, size)
    assert (icons / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == (
        mod.SVG.read_bytes()
    )
    assert _png_size((icons / "hearth.png").read_bytes()) == (256, 256)


# --- Linux desktop integration --------------------------------------------------------------


def test_desktop_file_and_metainfo_agree() -> None:
    entry = _desktop_entry(PACKAGING / "linux" / "hearth.desktop")
    meta = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()  # well-formed
    assert meta.tag == "component" and meta.get("type") == "desktop-application"
    assert meta.findtext("id") == APP_ID
    assert meta.findtext("launchable") == f"{APP_ID}.desktop"  # the name build.sh installs
    assert entry["Type"] == "Application"
    assert entry["Name"] == meta.findtext("name")
    assert entry["Icon"] == meta.findtext("icon") == APP_ID
    assert _exec_argv(entry["Exec"])[0] == entry["TryExec"] == meta.findtext("provides/binary")
    categories = [c for c in entry["Categories"].split(";") if c]
    assert categories == [c.text for c in meta.iterfind("categories/category")]
    assert entry["Comment"] and meta.findtext("summary")
    build = (PACKAGING / "linux" / "build.sh").read_text(encoding="utf-8")
    assert f"share/applications/{APP_ID}.desktop" in build
    assert f"share/metainfo/{APP_ID}.metainfo.xml" in build


def test_metainfo_and_desktop_file_validate() -> None:
    tools = 0
    if shutil.which("appstreamcli"):
        tools += 1
        proc = subprocess.run(
            [
                "appstreamcli",
                "validate",
                "--no-net",
                str(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    if shutil.which("desktop-file-validate"):
        tools += 1
        proc = subprocess.run(
            ["desktop-file-validate", str(PACKAGING / "linux" / "hearth.desktop")],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    if not tools:
        pytest.skip("neither appstreamcli nor desktop-file-validate is installed")


@pytest.fixture
def bundle_folder(tmp_path: Path, icons: Path) -> Path:
    """A folder laid out like dist/hearth after build.sh, with a stand-in ``hearth`` program
    (the scripts under test copy, link and start it; they never look inside it)."""
    folder = tmp_path / "Hearth 0.1 $HOME 100%'s" / "hearth"
    share = folder / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(
        PACKAGING / "linux" / "hearth.desktop", share / "applications" / f"{APP_ID}.desktop"
    )
    shutil.copy(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    shutil.copy(PACKAGING / "linux" / "install.sh", folder / "install.sh")
    exe = folder / "hearth"
    exe.write_text('#!/bin/sh\necho "hearth-stand-in $*"\n')
    exe.chmod(0o755)
    return folder


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("APPIMAGETOOL", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path / "home")
    env["PATH"] = "/usr/bin:/bin"
    return env


def test_appimage_script_prepares_the_appdir(
    bundle_folder: Path, icons: Path, tmp_path: Path
) -> None:
    env = _clean_env(tmp_path)
    if shutil.which("appimagetool", path=env["PATH"]):
        pytest.skip("appimagetool is installed: the script would build a real AppImage")
    appdir = tmp_path / "AppDir"
    env.update(HEARTH_BUNDLE=str(bundle_folder), HEARTH_ICONS=str(icons), APPDIR=str(appdir))
    proc = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "appimage.sh"), "9.9.9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"AppDir ready at {appdir}" in proc.stdout
    # the entry point runs the bundled program with the arguments given
    run = subprocess.run(
        [str(appdir / "AppRun"), "run", "model.gguf", "two words"], capture_output=True, text=True
    )
    assert run.stdout.strip() == "hearth-stand-in run model.gguf two words"
    assert (appdir / "usr" / "bin" / "hearth").resolve() == (
        appdir / "usr" / "lib" / "hearth" / "hearth"
    )
    assert not (appdir / "usr" / "lib" / "hearth" / "install.sh").exists()
    assert (appdir / f"{APP_ID}.desktop").read_bytes() == (
        PACKAGING / "linux" / "hearth.desktop"
    ).read_bytes()
    assert _png_size((appdir / ".DirIcon").read_bytes()) == (256, 256)
    metainfo = appdir / "usr" / "share" / "metainfo"
    assert sorted(p.name for p in metainfo.iterdir()) == [f"{APP_ID}.appdata.xml"]
    assert (appdir / "usr/share/icons/hicolor/512x512/apps" / f"{APP_ID}.png").is_file()


def test_appimage_script_needs_a_bundle(tmp_path: Path, icons: Path) -> None:
    env = _clean_env(tmp_path)
    env.update(HEARTH_BUNDLE=str(tmp_path / "none"), HEARTH_ICONS=str(icons))
    env["APPDIR"] = str(tmp_path / "AppDir")
    proc = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "appimage.sh"), "9.9.9"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1 and "make package" in proc.stderr
    assert not (tmp_path / "AppDir").exists()


def test_install_script_quotes_the_folder_path(bundle_folder: Path, tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    home = Path(env["HOME"])
    proc = subprocess.run(
        ["bash", str(bundle_folder / "install.sh")], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = home / ".local" / "share"
    installed = data / "applications" / f"{APP_ID}.desktop"
    entry = _desktop_entry(installed)
    exe = str(bundle_folder / "hearth")
    assert " " in exe and "$" in exe and "%" in exe and "'" in exe
    assert entry["Exec"].startswith('"/')
    assert _exec_argv(entry["Exec"]) == [exe]
    assert _desktop_string(entry["TryExec"]) == exe
    # the rest of the entry is the packaged one, unchanged
    packaged = _desktop_entry(PACKAGING / "linux" / "hearth.desktop")
    assert {k: v for k, v in entry.items() if k not in ("Exec", "TryExec")} == {
        k: v for k, v in packaged.items() if k not in ("Exec", "TryExec")
    }
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(installed)], capture_output=True)
        assert check.returncode == 0, check.stdout
    link = home / ".local" / "bin" / "hearth"
    assert link.is_symlink() and os.readlink(link) == exe
    assert subprocess.run([str(link), "--version"], capture_output=True, text=True).stdout == (
        "hearth-stand-in --version\n"
    )
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data / "icons/hicolor/48x48/apps" / f"{APP_ID}.png").is_file()

    proc = subprocess.run(
        ["bash", str(bundle_folder / "install.sh"), "--uninstall"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert not installed.exists() and not link.is_symlink()
    assert not list((data / "icons").rglob(f"{APP_ID}.*"))
    assert (bundle_folder / "hearth").is_file()  # the folder itself is left alone


# --- build.sh options ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "--expect-backend"], "needs a value"),
        (["--expect-backend", "gpu"], "one of cpu, cuda, vulkan"),
        (["--expect-backend=metal"], "one of cpu, cuda, vulkan"),
        (["--bogus"], "unknown option --bogus"),
    ],
)
def test_linux_build_rejects_bad_options_before_building(args: list[str], message: str) -> None:
    proc = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "build.sh"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and message in proc.stderr


def test_linux_build_passes_the_expected_backend_to_the_checks() -> None:
    build = (PACKAGING / "linux" / "build.sh").read_text(encoding="utf-8")
    help_text = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "build.sh"), "--help"], capture_output=True, text=True
    ).stdout
    assert "--expect-backend cuda" in help_text and "set -e" not in help_text
    (check_line,) = [line for line in build.splitlines() if "check_bundle.py" in line]
    assert '--expect-backend "$EXPECT_BACKEND"' in check_line


# --- the absent-module check ---------------------------------------------------------------


def test_absent_modules_are_the_ones_the_spec_excludes() -> None:
    excludes = _spec_literal("EXCLUDES")
    assert isinstance(excludes, list)
    absent = _load("check_bundle").ABSENT
    for name in absent:
        parts = name.split(".")
        prefixes = {".".join(parts[: i + 1]) for i in range(len(parts))}
        assert prefixes & set(excludes), f"{name} is checked but hearth.spec does not exclude it"
    # the audit's list: pure-Python packages that would hide in the PYZ archive
    assert {"pytest", "pip", "IPython", "PyInstaller", "tkinter", "mypy"} <= set(absent)


def test_self_test_reports_importable_modules() -> None:
    """``--bundle-self-test --absent`` from source: the dev venv has pytest, so it fails."""
    proc = subprocess.run(
        [
            sys.executable,
            str(PACKAGING / "hearth_main.py"),
            "--bundle-self-test",
            "--only",
            "resources",
            "--absent",
            "pytest",
            "no_such_module_hearth",
            "no_such_package_hearth.sub",
            "json.no_such_sub",
            "email.mime",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["frozen"] is False
    assert result["resources"]["ok"] and "rag" not in result
    assert result["absent"] == {"ok": False, "checked": 5, "found": ["pytest", "email.mime"]}
    assert result["ok"] is False and proc.returncode == 1


def test_self_test_rejects_unknown_checks() -> None:
    proc = subprocess.run(
        [sys.executable, str(PACKAGING / "hearth_main.py"), "--bundle-self-test", "--only", "x"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
