from __future__ import annotations

from cxaudit.cli import main

main()
