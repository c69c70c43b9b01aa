"""The exact pins of a requirements file, and whether the environment that runs a command has them."""

from __future__ import annotations

import re
from importlib import metadata

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)\s*(;.*)?$")


def pins(requirements: str) -> dict[str, str] | None:
    """``{name: version}`` of a requirements file of exact pins; None when a line is not one."""
    found = {}
    for line in requirements.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if not match:
            return None
        found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(3)
    return found


def same_pins(requirements: str) -> bool:
    """True when every pin of ``requirements`` is the version installed in this environment."""
    wanted = pins(requirements)
    if not wanted:
        return False
    for name, version in wanted.items():
        try:
            if metadata.version(name) != version:
                return False
        except metadata.PackageNotFoundError:
            return False
    return True
