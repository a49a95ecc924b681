"""Helpers shared by the peer scripts: installing the peers and measuring optml's peak memory."""
import os
import re
import subprocess
import sys


def ensure(packages):
    """Installs the (module, PyPI package) pairs that do not import."""
    missing = []
    for module, package in packages:
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])


def optml_peak_rss(optml, root, threads=None):
    """One more `optml train` under /usr/bin/time -v; its peak RSS in MB (None without /usr/bin/time)."""
    if not os.path.exists("/usr/bin/time"):
        return None
    env = dict(os.environ, SAGEMAKER_BASE_DIR=root)
    if threads is not None:
        env["OPTML_NUM_THREADS"] = str(threads)
    proc = subprocess.run(["/usr/bin/time", "-v", optml, "train"], env=env, capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return int(m.group(1)) / 1024 if m else None
