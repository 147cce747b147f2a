"""Translations: Qt's own strings and Hearth's, for the system locale, when a ``.qm`` exists.

Hearth's English source catalogue is ``resources/i18n/hearth_en.ts`` (``make i18n`` refreshes
it with ``pyside6-lupdate``). A translation is a file: translate a copy such as
``hearth_fr.ts`` in Qt Linguist, compile it with ``pyside6-lrelease`` to ``hearth_fr.qm`` in the
same folder, and the app picks it up on a French system. No code changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.ui.theme import RESOURCES

I18N = RESOURCES / "i18n"


def install_translators(
    app: QCoreApplication, locale: QLocale | None = None, folder: Path = I18N
) -> list[QTranslator]:
    """Install Qt's and Hearth's translators for ``locale`` (default: the system's); returns
    the ones that loaded (kept as properties of ``app`` so they stay alive)."""
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    for name, where in (
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("hearth", str(folder)),
    ):
        tr = QTranslator(app)
        if tr.load(locale, name, "_", where, ".qm"):
            app.installTranslator(tr)
            installed.append(tr)
    app.setProperty("hearth_translators", len(installed))
    return installed
