"""The Models page: My models, Discover (the Hub) and Downloads, as tabs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.ui.models.discover_tab import DiscoverTab
from app.ui.models.downloads_tab import DownloadsTab
from app.ui.models.library_tab import LibraryTab
from app.ui.services import AppServices
from app.ui.widgets import named


class ModelsPage(QWidget):
    """Emits ``load_requested(name)`` when the user wants to chat with a model."""

    load_requested = Signal(str)
    _hardware_known = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self._started = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 8)
        title = QLabel(self.tr("Models"))
        title.setObjectName("PageTitle")
        lay.addWidget(title)
        self.tabs = named(QTabWidget(), self.tr("Models sections"))
        self.library = LibraryTab(services)
        self.discover = DiscoverTab(services)
        self.downloads = DownloadsTab(services)
        self.tabs.addTab(self.library, self.tr("&My models"))
        self.tabs.addTab(self.discover, self.tr("D&iscover"))
        self.tabs.addTab(self.downloads, self.tr("Do&wnloads"))
        lay.addWidget(self.tabs, 1)
        self.library.load_requested.connect(self.load_requested)
        self.discover.download_started.connect(self._on_discover_download_started)
        self.downloads.model_downloaded.connect(self._on_downloads_model_downloaded)
        # the fit columns need the hardware check, which may end after a tab was drawn
        self._hardware_known.connect(self._on_hardware_known)
        unsubscribe = services.on_hardware(lambda _hw: self._hardware_known.emit())
        self.destroyed.connect(lambda *_: unsubscribe())

    def start(self) -> None:
        """First time the page shows: scan the library, follow the download queue."""
        if self._started:
            return
        self._started = True
        self.library.rescan()
        self.downloads.attach()

    def shutdown(self) -> None:
        self.downloads.detach()

    def _on_discover_download_started(self, task_id: str) -> None:
        self.downloads.attach()
        self.tabs.setCurrentWidget(self.downloads)
        if task_id in self.downloads.progress:
            self.downloads.select_task(task_id)

    def _on_hardware_known(self) -> None:
        self.library.update_fit()
        self.discover.update_fit()

    def _on_downloads_model_downloaded(self, _name: str) -> None:
        self.library.rescan()
