"""The pool's interpreter and the kernels it forks: no module of the package, a kernel known by its process."""

from __future__ import annotations

import re
import subprocess
import sys

from living_review.book import forked_kernels


def test_the_pool_imports_no_module_of_the_package():
    assert not [name for name in forked_kernels.PRELOAD if name.split(".")[0] == "living_review"]
    text = open(forked_kernels.__file__, encoding="utf-8").read()
    # the kernel imports the read recording after the fork (its first line), nothing before
    assert not re.findall(r"^\s*(?:import|from) living_review", text, flags=re.M)


FORKED = """
import asyncio, sys
from pathlib import Path
from living_review.book.forked_kernels import _forked_kernel

# a kernel slow to answer: the client asks its manager whether it is alive meanwhile
manager, pid = _forked_kernel(Path(sys.argv[1]), "slow", sys.argv[1], ["--IPKernelApp.exec_lines=import time; time.sleep(2)"])

async def main():
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    print("alive", await manager.is_alive())
    await manager.shutdown_kernel()
    print("after", await manager.is_alive())
    await manager.cleanup_resources()
    client.stop_channels()

asyncio.run(main())
"""


def test_the_manager_of_a_forked_kernel_knows_it_by_its_process(tmp_path):
    done = subprocess.run([sys.executable, "-c", FORKED, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["alive", "True", "after", "False"]
